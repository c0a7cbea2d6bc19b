"""gunicorn's settings for the portal; gunicorn reads this file from the working directory.

The command line (Dockerfile, docker-compose.yml, bench/run.sh, scripts/) still says the app,
the bind address and the number of workers; this file adds what every worker needs.
"""

import gc


# A full garbage collection walks every object the process holds, and after start-up that is
# Django's, the apps' and the URL resolver's hundreds of thousands of objects, none of which is
# ever garbage. Without this, one request in eight on the calendar and the feed (those that
# allocate the most) paid for such a walk: their 90th percentile was well above the median
# (docs/PERFORMANCE.md). `gc.freeze()` moves what start-up made into a generation the collector
# never scans; the request's own objects are still collected as before.
def post_worker_init(worker) -> None:
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 (builds the URL patterns now, to freeze them too)
    gc.collect()
    gc.freeze()
