"""Daily schedules for the meeting reminders, editable by the Secretariat in the admin."""

from django.db import migrations

TASKS = [
    ("Meetings: remind states of registration deadlines", "meetings.remind_registration_deadlines", "5"),
    ("Meetings: remind registered states of upcoming meetings", "meetings.remind_upcoming_meetings", "5"),
    ("Meetings: tell the Secretariat who did not register", "meetings.report_missing_registrations", "6"),
]


def create_tasks(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour in TASKS:
        schedule = CrontabSchedule.objects.filter(
            minute="45", hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="UTC",
        ).first() or CrontabSchedule.objects.create(
            minute="45", hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
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
        ("meetings", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_tasks, remove_tasks)]
