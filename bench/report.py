"""Print the medians cold and warm, the ratios and the targets (as Markdown); exit 1 when a
target is missed."""

import argparse
import json
import os
import sys

MAX_GROWTH = 1.5  # every page at 100k shares vs at 1k
MAX_LIST_OVER_FLOOR = 3.0  # the recipient's list of shares at 100k vs the floor
MAX_RSS_MB = 150
MAX_QUERIES_PER_BATCH = 8  # reminder jobs: queries per occasion (a notice key), never per person
MAX_FEED_MS = 200  # the personal feed of every upcoming meeting (about 1,000 here)
MAX_P90_OVER_MEDIAN = 1.5  # the feed and the calendar: no request in ten pays for a full GC
FLOOR = "floor (signed-in /accounts/login/ -> 302)"
FEED = "iCalendar feed (personal)"
CALENDAR = "calendar (month)"
DEEP = "recipient's list, page 301 (cursor)"


def load(directory, name):
    with open(os.path.join(directory, name)) as handle:
        return json.load(handle)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--small", type=int, required=True)
    parser.add_argument("--large", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    small, large = (
        load(args.directory, "pages-small.json"),
        load(args.directory, "pages-large.json"),
    )
    meta = large.pop("_meta")
    small.pop("_meta")
    k_small, k_large = f"{args.small // 1000}k", f"{args.large // 1000}k"
    missed = []
    print(
        f"\n{args.workers} gunicorn workers per data set, Redis cache and broker, PostgreSQL; "
        f"{meta['rounds']} rounds; medians in ms (cold: the first request after a change)."
    )
    print(
        f"\n| page | cold {k_small} | cold {k_large} | cold {k_large}/{k_small} | "
        f"warm {k_small} | warm {k_large} | warm {k_large}/{k_small} |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in small:
        row = [small[name]["cold_median_ms"], large[name]["cold_median_ms"]]
        row += [small[name]["warm_median_ms"], large[name]["warm_median_ms"]]
        cold_ratio, warm_ratio = row[1] / row[0], row[3] / row[2]
        flag = ""
        if cold_ratio > MAX_GROWTH and name != FLOOR:
            flag = " **MISSED**"
            missed.append(f"{name}: grows {cold_ratio:.2f}x cold (target <= {MAX_GROWTH})")
        print(
            f"| {name} | {row[0]:.1f} | {row[1]:.1f} | {cold_ratio:.2f}{flag} | "
            f"{row[2]:.1f} | {row[3]:.1f} | {warm_ratio:.2f} |"
        )
    deep = [name for name in large if name not in small]
    if deep:
        print(f"\nAt {args.large:,} shares only (the small data set has no page 301):\n")
        print("| page | cold | warm |\n|---|---:|---:|")
        for name in deep:
            print(
                f"| {name} | {large[name]['cold_median_ms']:.1f} | "
                f"{large[name]['warm_median_ms']:.1f} |"
            )
        first = large["recipient's list of shares"]["warm_median_ms"]
        deepest = large[DEEP]["warm_median_ms"]
        print(
            f"\npage 301 / page 1 of the recipient's list: {deepest:.1f} / {first:.1f} ms = "
            f"{deepest / first:.2f} (target <= {MAX_GROWTH})"
        )
        if deepest > MAX_GROWTH * first:
            missed.append(f"page 301 costs {deepest / first:.2f}x page 1")
    directory = large["directory"]["warm_median_ms"]
    admin = large["admin focal-point changelist"]["warm_median_ms"]
    print(
        f"portal directory / admin changelist (warm): {directory:.1f} / {admin:.1f} ms = "
        f"{directory / admin:.2f} (target < 1)"
    )
    if directory >= admin:
        missed.append("the directory is not faster than the admin changelist")
    for kind in ("cold", "warm"):
        received = large["recipient's list of shares"][f"{kind}_median_ms"]
        floor = large[FLOOR][f"{kind}_median_ms"]
        print(
            f"recipient's list of shares / floor at {args.large:,}, {kind}: {received:.1f} / "
            f"{floor:.1f} ms = {received / floor:.2f} (target <= {MAX_LIST_OVER_FLOOR})"
        )
        if received > MAX_LIST_OVER_FLOOR * floor:
            missed.append(f"the recipient's list of shares is more than 3x the floor, {kind}")
    feed = large[FEED]
    print(
        f"personal feed: {meta['feed_events']} events, {feed['cold_median_ms']:.1f} ms cold, "
        f"{feed['warm_median_ms']:.1f} ms warm (target < {MAX_FEED_MS} ms)"
    )
    if max(feed["cold_median_ms"], feed["warm_median_ms"]) >= MAX_FEED_MS:
        missed.append(f"the feed takes {feed['cold_median_ms']:.0f} ms")
    for name, median in meta.get("indico", {}).items():
        print(f"{name} (1,000 upcoming events, same rounds): median {median:.1f} ms")
    for name in (FEED, CALENDAR):
        for size, data in (("small", small), ("large", large)):
            median, p90 = data[name]["warm_median_ms"], data[name]["warm_p90_ms"]
            print(
                f"{name} at {size}, warm: median {median:.1f}, p90 {p90:.1f} ms = "
                f"{p90 / median:.2f} (target <= {MAX_P90_OVER_MEDIAN})"
            )
            if p90 > MAX_P90_OVER_MEDIAN * median:
                missed.append(f"{name} at {size}: p90 is {p90 / median:.2f}x the median")
    print("\n| reminder job | shares | seconds | queries | batches | queries/batch | notices |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for phase, shares in (("small", args.small), ("large", args.large)):
        for name, row in load(args.directory, f"reminders-{phase}.json").items():
            batches = max(row.get("batches", 1), 1)
            per = row["queries"] / batches
            flag = ""
            if per > MAX_QUERIES_PER_BATCH:
                flag = " **MISSED**"
                missed.append(f"{name} at {shares:,}: {per:.0f} queries per batch")
            print(
                f"| {name} | {shares:,} | {row['seconds']:.2f} | {row['queries']} | {batches} | "
                f"{per:.1f}{flag} | {row['notices']} |"
            )
    with open(os.path.join(args.directory, "rss_kb")) as handle:
        rss = int(handle.read().strip()) / 1024
    print(f"\ngunicorn worker resident memory after the run: {rss:.0f} MB (target < {MAX_RSS_MB})")
    if rss >= MAX_RSS_MB:
        missed.append(f"worker RSS {rss:.0f} MB")
    if missed:
        print("\nTARGETS MISSED:\n- " + "\n- ".join(missed))
        return 1
    print("\nAll targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
