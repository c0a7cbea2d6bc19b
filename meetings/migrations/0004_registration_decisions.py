"""The Secretariat returns or declines a delegation with a reason, and is reminded daily of
delegations that wait for its confirmation."""

from django.db import migrations, models

TASK = "meetings.remind_unconfirmed_registrations"
NAME = "Meetings: remind the Secretariat of unconfirmed delegations"


def create_task(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    when = {
        "minute": "45", "hour": "6", "day_of_week": "*", "day_of_month": "*",
        "month_of_year": "*", "timezone": "UTC",
    }
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
        ("meetings", "0003_meeting_sequence"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="decision_reason",
            field=models.TextField(blank=True, max_length=4000, verbose_name="reason given"),
        ),
        migrations.AlterField(
            model_name="registration",
            name="status",
            field=models.CharField(
                choices=[
                    ("submitted", "Submitted"),
                    ("confirmed", "Confirmed by the Secretariat"),
                    ("returned", "Returned for changes"),
                    ("declined", "Declined by the Secretariat"),
                    ("withdrawn", "Withdrawn"),
                ],
                db_index=True,
                default="submitted",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(create_task, remove_task),
    ]
