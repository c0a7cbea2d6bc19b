"""Build a decade of cooperation in minutes: the data set behind `make bench` (docs/PERFORMANCE.md).

    manage.py generate_scale_data --shares 100000 --focal-points 2000 --meetings 5000 \
        --audit 1000000 --seed 2008

Every run ADDS the requested rows on top of what is there (the benchmark measures at 1,000
shares, then adds 99,000 more); `--dry-run` prints what would be added. Nothing is ever deleted:
to start again, drop the database. The command only orchestrates: each app's `scale.py` (beside
its `seed.py`) writes its own rows as its services would have, with the services' own content
and audit action names; the core's `cica_portal/scale.py` holds what they share and writes the
audit log as a valid hash chain (`verify_audit_log` passes).
"""

from __future__ import annotations

import time
from types import ModuleType

from django.core.management.base import BaseCommand
from django.db import connection

from cica_portal import scale
from portal_site.app_modules import app_modules

# Each app may offer `<app>.scale` (see cica_portal/scale.py); they run in this order, the
# audit log last so that its records name the rows just made.
SCALED_APPS = ["focalpoints", "meetings", "exchange"]


def scale_modules() -> list[ModuleType]:
    return app_modules(SCALED_APPS, "scale")


def generate(
    *,
    shares: int = 0,
    focal_points: int = 0,
    meetings: int = 0,
    audit: int = 0,
    notices: int = 0,
    seed: int = 2008,
    stdout=None,
    states: list[str] | None = None,
) -> dict[str, float]:
    """Add the rows; return the seconds each part took."""
    counts = {
        "shares": shares,
        "focal_points": focal_points,
        "meetings": meetings,
        "notices": notices,
    }
    modules = scale_modules()
    run = scale.ScaleRun(seed=seed, stdout=stdout, states=states)
    run.on_users_added = [m.users_added for m in modules if hasattr(m, "users_added")]
    mix = [pair for m in modules for pair in m.AUDIT_MIX] + scale.AUDIT_MIX
    parts = [(m.KNOB.replace("_", " "), counts.get(m.KNOB, 0), m.add) for m in modules]
    # A module may offer more knobs than its main one (exchange: --notices for the check).
    parts += [
        (knob.replace("_", " "), counts.get(knob, 0), add)
        for m in modules
        for knob, add in getattr(m, "MORE_KNOBS", {}).items()
    ]
    parts.append(("audit records", audit, lambda r, n: scale.add_audit_records(r, n, mix)))
    timings = {}
    for name, count, add in parts:
        if count <= 0:
            continue
        began = time.perf_counter()
        made = add(run, count)
        timings[name] = time.perf_counter() - began
        run.say(f"{name}: {made:,} added in {timings[name]:.1f} s")
    if connection.vendor == "postgresql":
        # As autovacuum would, so that index-only scans work; VACUUM only outside a
        # transaction (not in tests). Only the portal's own tables: a database-wide ANALYZE
        # also takes the catalogs shared by every database, and two test processes doing so
        # at once wait on each other past the lock timeout.
        tables = ", ".join(
            connection.ops.quote_name(name)
            for name in connection.introspection.django_table_names(only_existing=True)
        )
        with connection.cursor() as cursor:
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            cursor.execute(f"{verb} {tables}")
    return timings


class Command(BaseCommand):
    help = (
        "Add a decade of realistic data (focal points, meetings with registrations, shares in "
        "every status with consents and rights, a valid audit chain). Each run adds on top."
    )

    def add_arguments(self, parser):
        parser.add_argument("--shares", type=int, default=100_000)
        parser.add_argument("--focal-points", type=int, default=2_000)
        parser.add_argument("--meetings", type=int, default=5_000)
        parser.add_argument("--audit", type=int, default=1_000_000)
        parser.add_argument(
            "--notices",
            type=int,
            default=0,
            help="Released lost/stolen document notices, for the document check's benchmark.",
        )
        parser.add_argument("--seed", type=int, default=2008, help="Random seed (default 2008).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be added; add nothing."
        )

    def handle(
        self, *args, shares, focal_points, meetings, audit, notices, seed, dry_run, **options
    ):
        wanted = (
            f"{focal_points:,} focal points, {meetings:,} meetings, {shares:,} shares, "
            f"{notices:,} document notices, {audit:,} audit records"
        )
        if dry_run:
            self.stdout.write(f"Would add {wanted}.")
            return
        self.stdout.write(f"Adding {wanted} (seed {seed}).")
        began = time.perf_counter()
        generate(
            shares=shares,
            focal_points=focal_points,
            meetings=meetings,
            audit=audit,
            notices=notices,
            seed=seed,
            stdout=self.stdout,
        )
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - began:.1f} s."))
