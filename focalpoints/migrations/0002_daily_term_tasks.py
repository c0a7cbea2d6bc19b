"""Daily schedules for the term reminders and the end of expired terms, editable in the admin."""

from django.db import migrations

TASKS = [
    ("Focal points: remind of terms ending within 60 days", "focalpoints.remind_term_ends", "6"),
    ("Focal points: close expired terms", "focalpoints.end_expired_terms", "1"),
]


def create_tasks(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour in TASKS:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute="15", hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="UTC",
        )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "enabled": True}
        )


def remove_tasks(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[task for _, task, _ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("focalpoints", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_tasks, remove_tasks)]
