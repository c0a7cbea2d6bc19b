"""Time the pages of two servers with a plain HTTP client, cold and warm, in interleaved rounds.

Usage (from bench/run.sh): pages.py. The server at $BENCH_URL_SMALL holds 1,000 shares, the one
at $BENCH_URL_LARGE a copy of it with 99,000 more (same people, sessions and ids). Reads
$BENCH_DIR/config.json (sessions and ids from setup.py), writes $BENCH_DIR/pages-small.json and
pages-large.json (medians and 90th percentiles in ms). Only the HTML is fetched.

Each round first changes the listed data in both databases ($BENCH_DSN_SMALL, _LARGE): a share
released to Kazakhstan and the next meeting are saved again (`updated_at` now), which moves them
to the top of the lists, as a release or a changed meeting does. Then each page is requested
twice on each server: the first request after the change ("cold") and one right after it
("warm"), each answered by whichever gunicorn worker takes it.
"""

import json
import os
import statistics
import time
import urllib.error
import urllib.request

import psycopg

SERVERS = {"small": os.environ["BENCH_URL_SMALL"], "large": os.environ["BENCH_URL_LARGE"]}
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
WARMUP = 3


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def pages(config: dict) -> list[tuple[str, str, str, int]]:
    """(name, user, path, expected status)."""
    return [
        # The floor: the whole middleware stack, a session read and write, the user, no
        # template: a signed-in GET of the login page answers with a redirect home.
        ("floor (signed-in /accounts/login/ -> 302)", "fp-kz", "/accounts/login/", 302),
        ("dashboard (focal point)", "fp-kz", "/", 200),
        ("dashboard (approver)", "approver-kz", "/", 200),
        ("directory", "secretariat", "/focal-points/", 200),
        ("admin focal-point changelist", "secretariat", "/admin/focalpoints/focalpoint/", 200),
        ("calendar (month)", "fp-kz", "/meetings/", 200),
        ("meeting list (upcoming)", "fp-kz", "/meetings/list/", 200),
        ("meeting page", "fp-kz", f"/meetings/{config['meeting']}/", 200),
        ("iCalendar feed (personal)", "", f"/meetings/feed/{config['calendar_token']}.ics", 200),
        ("approver inbox", "approver-kz", "/approvals/inbox/", 200),
        ("approvals list (secretariat)", "secretariat", "/approvals/", 200),
        ("a share (recipient)", "fp-kz", f"/exchange/{config['share']}/", 200),
        ("recipient's list of shares", "fp-kz", "/exchange/?box=received", 200),
        ("all my shares", "fp-kz", "/exchange/", 200),
        ("approver's shares asked", "approver-kz", "/exchange/?box=asked", 200),
        (
            "document check",
            "fp-kz",
            f"/exchange/documents/check/?number={config['document_number']}",
            200,
        ),
        ("API shares list", "fp-kz", "/api/v1/exchange/shares/", 200),
    ]


def deep_pages(config: dict) -> list[tuple[str, str, str, int]]:
    """Pages only the large data set has: a deep page against the first, on the same server."""
    if not config.get("deep_cursor"):
        return []
    return [
        (
            "recipient's list, page 301 (cursor)",
            "fp-kz",
            f"/exchange/?box=received&cursor={config['deep_cursor']}",
            200,
        ),
        (
            "API shares list, received, page 301 (cursor)",
            "fp-kz",
            f"/api/v1/exchange/shares/?box=received&cursor={config['deep_cursor']}",
            200,
        ),
        (
            "API shares list, received, page 1",
            "fp-kz",
            "/api/v1/exchange/shares/?box=received",
            200,
        ),
        (
            "API shares list, received, ?page=40 (offset, the deepest served)",
            "fp-kz",
            "/api/v1/exchange/shares/?box=received&page=40",
            200,
        ),
        (
            "API shares list, received, ?page=300 (refused: follow the links)",
            "fp-kz",
            "/api/v1/exchange/shares/?box=received&page=300",
            400,
        ),
    ]


# An Indico of one's own (docs/PERFORMANCE.md says how it was set up) with a category of 1,000
# upcoming events: its category page and its category feed, timed in the same rounds.
INDICO = os.environ.get("BENCH_INDICO_URL", "")
INDICO_CATEGORY = os.environ.get("BENCH_INDICO_CATEGORY", "1")


def indico_pages() -> list[tuple[str, str, str, int]]:
    if not INDICO:
        return []
    return [
        ("Indico category page", "", f"/category/{INDICO_CATEGORY}/", 200),
        (
            "Indico category feed (.ics, upcoming)",
            "",
            f"/export/categ/{INDICO_CATEGORY}.ics?from=today",
            200,
        ),
    ]


def touch(connections: dict, config: dict) -> None:
    """The change between rounds, committed in both databases before any page is timed."""
    for connection in connections.values():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE exchange_share SET updated_at = now() WHERE id = %s",
                [config["touch_share"]],
            )
            # What the services do in the same transaction (exchange/scopes.py), for every
            # scope at once: no count cached before the change is used after it.
            cursor.execute("UPDATE exchange_scopegeneration SET generation = generation + 1")
            cursor.execute(
                "UPDATE meetings_meeting SET updated_at = now() WHERE id = %s",
                [config["touch_meeting"]],
            )


LAST_BODY: dict[str, bytes] = {}


def fetch(base: str, path: str, cookie: str, expected: int) -> float:
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 (http only)
    began = time.perf_counter()
    try:
        with OPENER.open(request, timeout=60) as response:
            LAST_BODY[path] = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    elapsed = time.perf_counter() - began
    if status != expected:
        raise SystemExit(f"{path}: HTTP {status}, expected {expected}")
    return elapsed * 1000


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def summary(values: dict[str, list[float]]) -> dict:
    return {
        f"{kind}_{stat}": function(values[kind])
        for kind in ("cold", "warm")
        for stat, function in (("median_ms", statistics.median), ("p90_ms", p90))
    }


def _with_cookie(config: dict, rows):
    """Each page row with the session cookie of the user it is timed as."""
    return [
        (
            name,
            user,
            path,
            expected,
            f"{config['session_cookie']}={config['sessions'][user]}" if user else "",
        )
        for name, user, path, expected in rows
    ]


def _warm_up(sizes, plan, deep) -> None:
    for _ in range(WARMUP):
        for size in sizes:
            for _name, _user, path, expected, cookie in plan + (deep if size == "large" else []):
                fetch(SERVERS[size], path, cookie, expected)
    for _name, _user, path, expected in indico_pages():
        fetch(INDICO, path, "", expected)  # its first request builds caches: not timed


def _time_rounds(connections, config, sizes, plan, deep):
    """Alternating rounds: a change, then each page cold and warm at each size."""
    times = {size: {name: {"cold": [], "warm": []} for name, *_ in plan + deep} for size in sizes}
    indico: dict[str, list[float]] = {}
    for round_number in range(REPEAT):
        touch(connections, config)
        order = sizes if round_number % 2 == 0 else list(reversed(sizes))
        for name, _user, path, expected, cookie in plan:
            for size in order:
                times[size][name]["cold"].append(fetch(SERVERS[size], path, cookie, expected))
            for size in order:
                times[size][name]["warm"].append(fetch(SERVERS[size], path, cookie, expected))
        for name, _user, path, expected, cookie in deep:
            for kind in ("cold", "warm"):
                times["large"][name][kind].append(fetch(SERVERS["large"], path, cookie, expected))
        for name, _user, path, expected in indico_pages():
            indico.setdefault(name, []).append(fetch(INDICO, path, "", expected))
    return times, indico


def _write_results(directory, sizes, plan, deep, times, indico) -> None:
    feed_path = next(path for name, _u, path, *_ in plan if name.startswith("iCalendar"))
    events = LAST_BODY[feed_path].count(b"BEGIN:VEVENT")
    for size in sizes:
        results = {
            name: {**summary(times[size][name]), "path": path, "user": user}
            for name, user, path, _expected, _cookie in plan + (deep if size == "large" else [])
        }
        results["_meta"] = {
            "feed_events": events,
            "rounds": REPEAT,
            "indico": {name: statistics.median(values) for name, values in indico.items()},
        }
        with open(os.path.join(directory, f"pages-{size}.json"), "w") as handle:
            json.dump(results, handle, indent=1)


def _print_table(sizes, plan, deep, times, indico) -> None:
    print(f"   {'page':45} {'cold 1k':>9} {'cold 100k':>9} {'warm 1k':>9} {'warm 100k':>9}")
    for name, *_ in plan:
        row = [
            statistics.median(times[size][name][kind])
            for kind in ("cold", "warm")
            for size in sizes
        ]
        print(f"   {name:45} " + " ".join(f"{value:9.1f}" for value in row))
    for name, *_ in deep:
        cold, warm = (statistics.median(times["large"][name][kind]) for kind in ("cold", "warm"))
        print(f"   {name:45} {'':9} {cold:9.1f} {'':9} {warm:9.1f}")
    for name, values in indico.items():
        print(f"   {name:45} {'':9} {'':9} {'':9} {statistics.median(values):9.1f}")


def main() -> None:
    directory = os.environ["BENCH_DIR"]
    with open(os.path.join(directory, "config.json")) as handle:
        config = json.load(handle)
    plan = _with_cookie(config, pages(config))
    deep = _with_cookie(config, deep_pages(config))
    connections = {
        size: psycopg.connect(os.environ[f"BENCH_DSN_{size.upper()}"], autocommit=True)
        for size in SERVERS
    }
    sizes = list(SERVERS)
    _warm_up(sizes, plan, deep)
    times, indico = _time_rounds(connections, config, sizes, plan, deep)
    _write_results(directory, sizes, plan, deep, times, indico)
    _print_table(sizes, plan, deep, times, indico)


if __name__ == "__main__":
    main()
