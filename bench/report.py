"""Print the medians, the ratios and the targets (as Markdown); exit 1 when a target is missed."""

import argparse
import json
import os
import sys

MAX_GROWTH = 1.5  # every page at 100k shares vs at 1k
MAX_LIST_OVER_FLOOR = 3.0  # the recipient's list of shares at 100k vs the floor
MAX_RSS_MB = 150
MAX_QUERIES_PER_BATCH = 8  # reminder jobs: queries per occasion (a notice key), never per person
FLOOR = "floor (signed-in /accounts/login/ -> 302)"


def load(directory, name):
    with open(os.path.join(directory, name)) as handle:
        return json.load(handle)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--small", type=int, required=True)
    parser.add_argument("--large", type=int, required=True)
    args = parser.parse_args()
    small, large = (
        load(args.directory, "pages-small.json"),
        load(args.directory, "pages-large.json"),
    )
    floor_small, floor_large = small[FLOOR]["median_ms"], large[FLOOR]["median_ms"]
    missed = []
    print(
        f"\n| page | median at {args.small:,} (ms) | median at {args.large:,} (ms) | "
        f"{args.large // 1000}k/{args.small // 1000}k | page/floor at {args.large // 1000}k |"
    )
    print("|---|---:|---:|---:|---:|")
    for name in small:
        a, b = small[name]["median_ms"], large[name]["median_ms"]
        ratio = b / a
        flag = ""
        if ratio > MAX_GROWTH and name != FLOOR:
            flag = " **MISSED**"
            missed.append(f"{name}: grows {ratio:.2f}x (target <= {MAX_GROWTH})")
        print(f"| {name} | {a:.1f} | {b:.1f} | {ratio:.2f}{flag} | {b / floor_large:.1f} |")
    directory = large["directory"]["median_ms"]
    admin = large["admin focal-point changelist"]["median_ms"]
    print(
        f"\nportal directory / admin changelist: {directory:.1f} / {admin:.1f} ms = "
        f"{directory / admin:.2f} (target < 1)"
    )
    if directory >= admin:
        missed.append("the directory is not faster than the admin changelist")
    received = large["recipient's list of shares"]["median_ms"]
    print(
        f"recipient's list of shares / floor at {args.large:,}: {received:.1f} / "
        f"{floor_large:.1f} ms = {received / floor_large:.2f} (target <= {MAX_LIST_OVER_FLOOR})"
    )
    if received > MAX_LIST_OVER_FLOOR * floor_large:
        missed.append("the recipient's list of shares is more than 3x the floor")
    print(f"floor at {args.small:,} / {args.large:,}: {floor_small:.1f} / {floor_large:.1f} ms")
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
