"""Time the pages of two servers with a plain HTTP client, in interleaved rounds; medians in ms.

Usage (from bench/run.sh): pages.py. The server at $BENCH_URL_SMALL holds 1,000 shares, the one
at $BENCH_URL_LARGE a copy of it with 99,000 more (same people, sessions and ids). Reads
$BENCH_DIR/config.json (sessions and ids from setup.py), writes $BENCH_DIR/pages-small.json and
pages-large.json. Only the HTML is fetched.
"""

import json
import os
import statistics
import time
import urllib.error
import urllib.request

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


def fetch(base: str, path: str, cookie: str, expected: int) -> float:
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 (http only)
    began = time.perf_counter()
    try:
        with OPENER.open(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    elapsed = time.perf_counter() - began
    if status != expected:
        raise SystemExit(f"{path}: HTTP {status}, expected {expected}")
    return elapsed * 1000


def main() -> None:
    directory = os.environ["BENCH_DIR"]
    with open(os.path.join(directory, "config.json")) as handle:
        config = json.load(handle)
    plan = [
        (name, user, path, expected, f"{config['session_cookie']}={config['sessions'][user]}")
        if user
        else (name, user, path, expected, "")
        for name, user, path, expected in pages(config)
    ]
    # Rounds, each opening every page once on both servers (which one first alternates): a
    # passing disturbance, or the machine's speed drifting over minutes on a shared host,
    # weighs on both sizes and on every page alike, the floor included.
    sizes = list(SERVERS)
    for _ in range(WARMUP):
        for size in sizes:
            for _name, _user, path, expected, cookie in plan:
                fetch(SERVERS[size], path, cookie, expected)
    times = {size: {name: [] for name, *_ in plan} for size in sizes}
    for round_number in range(REPEAT):
        for name, _user, path, expected, cookie in plan:
            for size in sizes if round_number % 2 == 0 else reversed(sizes):
                times[size][name].append(fetch(SERVERS[size], path, cookie, expected))
    for size in sizes:
        results = {
            name: {"median_ms": statistics.median(times[size][name]), "path": path, "user": user}
            for name, user, path, _expected, _cookie in plan
        }
        with open(os.path.join(directory, f"pages-{size}.json"), "w") as handle:
            json.dump(results, handle, indent=1)
    for name, *_ in plan:
        small, large = (statistics.median(times[size][name]) for size in sizes)
        print(f"   {name:45} {small:8.1f} ms {large:8.1f} ms")


if __name__ == "__main__":
    main()
