"""The beat schedule of the annual review and of the shared approval tasks, editable in the admin.

The shared tasks (cica_portal.*) may already have been scheduled by another app's migration;
then they are left as they are, so each runs once.
"""

from django.db import migrations

# (name, task, every, period)
SCHEDULE = [
    ("Action plan: open the year's review cycle when due", "actionplan.open_due_cycles", 1, "hours"),
    ("Action plan: review reminders (reports, SWG, SOC)", "actionplan.send_review_reminders", 1, "hours"),
    ("Remind approvers before the deadline", "cica_portal.remind_pending_approvals", 60, "minutes"),
    ("Close approvals past their deadline", "cica_portal.close_expired_approvals", 15, "minutes"),
    ("Relay the outbox to the broker", "cica_portal.relay_outbox", 30, "seconds"),
]


def schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    for name, task, every, period in SCHEDULE:
        if PeriodicTask.objects.filter(task=task).exists():
            continue
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "interval": interval, "enabled": True}
        )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__startswith="actionplan.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0002_plan_history_proposals_reviews"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
