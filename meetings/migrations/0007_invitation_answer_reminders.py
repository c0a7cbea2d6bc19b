"""The Secretariat is reminded daily of invitations sent to international bodies whose answer
is overdue."""

from django.db import migrations

TASK = "meetings.remind_unanswered_invitations"
NAME = "Meetings: remind the Secretariat of invitations without an answer"


def create_task(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    when = {
        "minute": "50", "hour": "6", "day_of_week": "*", "day_of_month": "*",
        "month_of_year": "*", "timezone": "UTC",
    }  # fmt: skip
    schedule = CrontabSchedule.objects.filter(**when).first() or CrontabSchedule.objects.create(
        **when
    )
    PeriodicTask.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "crontab": schedule, "enabled": True}
    )


def remove_task(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_delegations_official_list_check_in"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_task, remove_task)]
