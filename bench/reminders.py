"""Time the reminder jobs over the whole data set and count their queries (rolled back after).

Usage (from bench/run.sh): reminders.py small|large; writes $BENCH_DIR/reminders-<phase>.json.
Each job runs on a day when it has work: the annual-review reminder 3 days before the open
cycle's report deadline, the consent reminder 10 days ahead (when the generated pending
consents fall due), the focal-point term reminder today.
"""

import datetime
import json
import os
import sys
import time

import _django  # noqa: F401
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actionplan.models import ReviewCycle
from actionplan.services.review import send_review_reminders
from cica_portal.approvals import REMIND_BEFORE, remind_pending_answers
from cica_portal.models import ApprovalRequest, Notification, StateAnswer
from focalpoints.services import remind_term_ends


class Rollback(Exception):
    pass


def measure(job):
    began = time.perf_counter()
    try:
        with transaction.atomic():
            last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                result = job()
                elapsed = time.perf_counter() - began
            new = Notification.objects.filter(pk__gt=last or 0)
            made = new.count()
            occasions = new.values("key").distinct().count()
            raise Rollback
    except Rollback:
        pass
    # A batch is one occasion (one notice key: a state's missing report, a request's
    # reminder, an entry's term end), whatever the number of people it reaches.
    return {
        "seconds": elapsed,
        "queries": len(queries),
        "sent": result,
        "notices": made,
        "batches": occasions,
    }


def main(phase: str) -> None:
    now = timezone.now()
    cycle = ReviewCycle.objects.filter(status="open").order_by("-year").first()
    results = {}
    if cycle is not None:
        day = cycle.report_deadline - datetime.timedelta(days=3)
        results["annual-review reminders"] = measure(lambda: send_review_reminders(day))
        results["annual-review reminders"]["occasions"] = "28 states"
    later = now + datetime.timedelta(days=10)
    due = ApprovalRequest.objects.filter(
        status="open", deadline__gt=later, deadline__lte=later + REMIND_BEFORE
    ).count()
    pending = StateAnswer.objects.filter(decision="pending", request__status="open").count()
    results["consent reminders"] = measure(lambda: remind_pending_answers(later))
    results["consent reminders"]["occasions"] = f"{due} requests due of {pending} pending answers"
    results["focal-point term reminders"] = measure(lambda: remind_term_ends())
    for name, row in results.items():
        print(
            f"   {name:30} {row['seconds']:7.2f} s {row['queries']:6} queries "
            f"{row['notices']:6} notices ({row.get('occasions', '')})"
        )
    with open(os.path.join(os.environ["BENCH_DIR"], f"reminders-{phase}.json"), "w") as handle:
        json.dump(results, handle, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
