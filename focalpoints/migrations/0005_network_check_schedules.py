"""Schedules of the network's checks, editable in the admin: the half-yearly communication test
(15 January and 15 July), the hourly escalation of unanswered tests, and the daily reminder of
entries a confirmation campaign still waits for (each reminds once a week)."""

from django.db import migrations

TASKS = [
    (
        "Focal points: half-yearly communication test",
        "focalpoints.run_scheduled_communication_test",
        {"minute": "0", "hour": "4", "day_of_month": "15", "month_of_year": "1,7"},
    ),
    (
        "Focal points: escalate unanswered communication tests",
        "focalpoints.escalate_unanswered_tests",
        {"minute": "5", "hour": "*", "day_of_month": "*", "month_of_year": "*"},
    ),
    (
        "Focal points: remind of entries to confirm",
        "focalpoints.remind_unconfirmed",
        {"minute": "30", "hour": "5", "day_of_month": "*", "month_of_year": "*"},
    ),
]


def create_tasks(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, when in TASKS:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            day_of_week="*", timezone="UTC", **when
        )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "enabled": True}
        )


def remove_tasks(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[task for _, task, _ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("focalpoints", "0004_offices_designation_confirmation_tests"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_tasks, remove_tasks)]
