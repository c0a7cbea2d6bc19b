"""Time the document check at one size of the notice table, against a running gunicorn.

Usage (from bench/documents.sh): documents.py SIZE. Reads $BENCH_DOCS_URL (the server) and
the database of $DATABASE_URL (to make an API token for fp-kz and pick the numbers), appends
one result to $BENCH_DIR/documents.json: the 50th and 95th percentiles in ms of

- a single check that hits (a notice released to Kazakhstan: the hit is recorded and told),
- a single check that misses (a number no notice has),
- a bulk check of 1,000 numbers, 10 of which hit,
- the floor: the same view refused at once (no number given), to read the others against,

with the machine's load (`uptime`'s load averages) before and after. Requests go one at a
time, as a border post's system sends them.
"""

import json
import os
import random
import statistics
import sys
import time
import urllib.error
import urllib.request

URL = os.environ.get("BENCH_DOCS_URL", "http://127.0.0.1:8768")
SINGLE = int(os.environ.get("BENCH_DOCS_SINGLE", "300"))
BULK = int(os.environ.get("BENCH_DOCS_BULK", "20"))
CHECK = "/api/v1/exchange/documents/check/"


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def numbers_released_to(state_code: str, n: int) -> list[str]:
    """Clear numbers of notices the measured state may read (opened from their shares)."""
    from django.contrib.auth.models import Group

    from exchange.models import DocumentNotice, ShareGroupObjectPermission

    group = Group.objects.get(name=f"exchange:state:{state_code}")
    ids = list(
        ShareGroupObjectPermission.objects.filter(group=group)
        .order_by("-content_object_id")
        .values_list("content_object_id", flat=True)[: n * 3]
    )
    notices = DocumentNotice.objects.filter(share_id__in=ids).select_related("share")[:n]
    return [notice.share.content["document_number"] for notice in notices]


def fetch(
    method: str, path: str, token: str, body: dict | None = None, expected: int = 200
) -> float:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (http only)
        URL + path,
        data=data,
        method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            payload, status = json.loads(response.read()), response.status
    except urllib.error.HTTPError as error:
        payload, status = json.loads(error.read()), error.code
    elapsed = (time.perf_counter() - began) * 1000
    if status != expected or (status == 200 and method == "GET" and "hits" not in payload):
        raise SystemExit(f"{path}: HTTP {status}, unexpected answer {payload}")
    return elapsed


def load() -> str:
    """The load averages over 1, 5 and 15 minutes, as `uptime` prints them."""
    with open("/proc/loadavg") as handle:
        return "load average: " + ", ".join(handle.read().split()[:3])


def main(size: int) -> None:
    import _django  # noqa: F401  (Django set up only to measure, not to report)

    from cica_portal.models import User
    from cica_portal.tokens import issue_token
    from exchange.models import DocumentNotice

    user = User.objects.get(username="fp-kz")
    _token, key = issue_token(user, name="bench documents")
    hits = numbers_released_to("KZ", 200)
    if len(hits) < 20:
        raise SystemExit(f"only {len(hits)} notices released to KZ: generate more")
    rnd = random.Random(size)
    misses = [f"X{rnd.randrange(10**9):09d}" for _ in range(SINGLE)]
    for number in hits[:5] + misses[:5]:  # warm up each worker's connections and caches
        fetch("GET", f"{CHECK}?number={number}", key)
    before = load()
    # The floor: the same view, token and throttle, refused at once (no number: a 400).
    floor = [fetch("GET", f"{CHECK}?number=", key, expected=400) for _ in range(SINGLE // 3)]
    single_hit = [fetch("GET", f"{CHECK}?number={rnd.choice(hits)}", key) for _ in range(SINGLE)]
    single_miss = [fetch("GET", f"{CHECK}?number={number}", key) for number in misses]
    bulk = []
    for _ in range(BULK):
        numbers = [f"X{rnd.randrange(10**9):09d}" for _ in range(990)] + rnd.sample(hits, 10)
        rnd.shuffle(numbers)
        body = {"documents": [{"number": n} for n in numbers]}
        bulk.append(fetch("POST", CHECK, key, body))
    after = load()
    result = {
        "notices": DocumentNotice.objects.count(),
        "size": size,
        "load_before": before,
        "load_after": after,
        **{
            f"{name}_{stat}": value
            for name, values in (
                ("floor", floor),
                ("hit", single_hit),
                ("miss", single_miss),
                ("bulk", bulk),
            )
            for stat, value in (
                ("p50_ms", statistics.median(values)),
                ("p95_ms", percentile(values, 95)),
            )
        },
    }
    path = os.path.join(os.environ["BENCH_DIR"], "documents.json")
    results = []
    if os.path.exists(path):
        with open(path) as handle:
            results = json.load(handle)
    results.append(result)
    with open(path, "w") as handle:
        json.dump(results, handle, indent=1)
    print(
        f"   {result['notices']:>9,} notices: floor p50 {result['floor_p50_ms']:.1f} ms, "
        f"single hit p95 {result['hit_p95_ms']:.1f} ms, "
        f"miss p95 {result['miss_p95_ms']:.1f} ms, bulk of 1,000 p95 {result['bulk_p95_ms']:.0f}"
        f" ms ({after})"
    )


MAX_SINGLE_P95_MS = 20
MAX_BULK_P95_MS = 1000
MAX_GROWTH = 1.5  # the largest size against the smallest, medians


def report() -> int:
    """The figures as Markdown, and 1 when a target is missed."""
    with open(os.path.join(os.environ["BENCH_DIR"], "documents.json")) as handle:
        results = sorted(json.load(handle), key=lambda r: r["notices"])
    print(
        "\n| notices | floor p50 | single hit p50 / p95 | single miss p50 / p95 "
        "| bulk 1,000 p50 / p95 | load |"
    )
    print("|---:|---:|---:|---:|---:|---|")
    missed = []
    for r in results:
        print(
            f"| {r['notices']:,} | {r.get('floor_p50_ms', float('nan')):.1f} | "
            f"{r['hit_p50_ms']:.1f} / {r['hit_p95_ms']:.1f} | "
            f"{r['miss_p50_ms']:.1f} / {r['miss_p95_ms']:.1f} | "
            f"{r['bulk_p50_ms']:.0f} / {r['bulk_p95_ms']:.0f} | {r['load_after']} |"
        )
        for kind in ("hit", "miss"):
            if r[f"{kind}_p95_ms"] >= MAX_SINGLE_P95_MS:
                missed.append(
                    f"single {kind} at {r['notices']:,}: p95 {r[f'{kind}_p95_ms']:.1f} ms"
                )
        if r["bulk_p95_ms"] >= MAX_BULK_P95_MS:
            missed.append(f"bulk at {r['notices']:,}: p95 {r['bulk_p95_ms']:.0f} ms")
    if len(results) > 1:
        first, last = results[0], results[-1]
        ratios = {k: last[f"{k}_p50_ms"] / first[f"{k}_p50_ms"] for k in ("hit", "miss", "bulk")}
        print(
            f"\nmedians at {last['notices']:,} / at {first['notices']:,}: "
            + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items())
            + f" (target <= {MAX_GROWTH})"
        )
        missed += [f"{k} grows {v:.2f}x" for k, v in ratios.items() if v > MAX_GROWTH]
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    if sys.argv[1] == "report":
        sys.exit(report())
    main(int(sys.argv[1]))
