"""Withdrawal receipts: one per recipient state of a withdrawn share, and the daily reminder of
those not yet acknowledged."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TASK = "exchange.remind_withdrawal_receipts"
NAME = "Exchange: remind recipient states to acknowledge withdrawals"


def create_task(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    when = {
        "minute": "15", "hour": "7", "day_of_week": "*", "day_of_month": "*",
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
        ("cica_portal", "0014_oidc_identity"),
        ("exchange", "0009_shareread_via_taxii"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="WithdrawalReceipt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),  # noqa: E501
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="asked at")),
                ("acknowledged_at", models.DateTimeField(blank=True, null=True, verbose_name="acknowledged at")),  # noqa: E501
                ("last_reminded_at", models.DateTimeField(blank=True, null=True, verbose_name="last reminded at")),  # noqa: E501
                (
                    "acknowledged_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="acknowledged by",
                    ),
                ),
                (
                    "share",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="withdrawal_receipts",
                        to="exchange.share",
                    ),
                ),
                (
                    "state",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cica_portal.state",
                        verbose_name="state",
                    ),
                ),
            ],
            options={
                "verbose_name": "withdrawal receipt",
                "verbose_name_plural": "withdrawal receipts",
                "ordering": ["share_id", "state__name_en"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("acknowledged_at__isnull", True)),
                        fields=["last_reminded_at"],
                        name="receipt_unacknowledged",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("share", "state"), name="one_withdrawal_receipt")
                ],
            },
        ),
        migrations.RunPython(create_task, remove_task),
    ]
