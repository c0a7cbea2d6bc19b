"""Lost and stolen documents: a notice per released lost/stolen share (keyed by issuing state,
type and number), the hits of checks, the checks counted per state and day, found document
reports; the notices backfilled from the released shares; the two reminder beats."""

import json
import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from cica_portal import envelope

SLUG = "lost-stolen-document"
TASKS = {
    "exchange.remind_open_document_hits": ("Exchange: remind open hits on document notices", "0"),
    "exchange.remind_sltd": ("Exchange: remind notices not reported to INTERPOL's SLTD", "30"),
}


def _content(share):
    if not share.sealed_content:
        return {}
    key = envelope.unwrap(share.data_key)
    text = envelope.unseal(key, share.sealed_content, context=b"cica-portal share content")
    return json.loads(text).get("content", {})


def backfill_notices(apps, schema_editor):
    """A notice for each released lost/stolen share whose issuing state is its originating state
    (the first one of a document when two name it); other shares stay as they are: a check
    no longer finds a document reported by a state that did not issue it."""
    Share = apps.get_model("exchange", "Share")
    DocumentNotice = apps.get_model("exchange", "DocumentNotice")
    State = apps.get_model("cica_portal", "State")
    codes = dict(State.objects.values_list("code", "pk"))
    seen = set()
    shares = Share.objects.filter(status="released", template__slug=SLUG).order_by("pk")
    for share in shares.iterator():
        content = _content(share)
        state_id = codes.get(content.get("issuing_state"))
        number = str(content.get("document_number", ""))
        number = re.sub(r"[\s\-\u2010-\u2015]+", "", number).upper()[:100]
        if state_id != share.originating_state_id or not number:
            continue
        number_key = envelope.keyed_hash(number)
        key = (state_id, content.get("document_type", ""), number_key)
        if key in seen:
            continue
        seen.add(key)
        skeleton = number.translate(str.maketrans("OILZSB", "011258"))
        status = "lost" if content.get("lost_or_stolen") == "Lost" else "stolen"
        if status == "stolen" and content.get("document_type") == "Blank document":
            status = "stolen_blank"
        DocumentNotice.objects.create(
            share_id=share.pk,
            issuing_state_id=state_id,
            document_type=key[1],
            number_key=number_key,
            skeleton_key=envelope.keyed_hash(f"skeleton:{skeleton}"),
            status=status,
            reported_to_sltd=bool(content.get("reported_to_interpol")),
        )


def create_tasks(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for task, (name, minute) in TASKS.items():
        when = {
            "minute": minute, "hour": "*", "day_of_week": "*", "day_of_month": "*",
            "month_of_year": "*", "timezone": "UTC",
        }
        schedule = CrontabSchedule.objects.filter(**when).first() or CrontabSchedule.objects.create(
            **when
        )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "enabled": True}
        )


def remove_tasks(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task__in=TASKS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cica_portal', '0016_decision_register'),
        ('exchange', '0015_sealed_share_versions'),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FoundDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('document_type', models.CharField(max_length=40, verbose_name='type of document')),
                ('number_key', models.CharField(max_length=100, verbose_name='document number (keyed hash)')),
                ('sealed_details', models.TextField(editable=False)),
                ('data_key', models.CharField(editable=False, max_length=200)),
                ('found_on', models.DateField(verbose_name='found on')),
                ('status', models.CharField(choices=[('pending', 'Waiting for the issuing state'), ('confirmed', 'Confirmed by the issuing state'), ('rejected', 'Rejected by the issuing state')], db_index=True, default='pending', max_length=12, verbose_name='status')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('decision_note', models.CharField(blank=True, max_length=500, verbose_name='note')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='reported at')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('finding_state', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cica_portal.state', verbose_name='finding state')),
                ('issuing_state', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cica_portal.state', verbose_name='issuing state')),
                ('reported_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'found document report',
                'verbose_name_plural': 'found document reports',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='DocumentCheckTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='day')),
                ('checks', models.PositiveIntegerField(default=0, verbose_name='checks')),
                ('state', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cica_portal.state')),
            ],
            options={
                'verbose_name': 'document checks of a day',
                'verbose_name_plural': 'document checks per day',
                'constraints': [models.UniqueConstraint(fields=('state', 'day'), name='one_tally_a_day')],
            },
        ),
        migrations.CreateModel(
            name='DocumentHit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('checked_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='checked at')),
                ('channel', models.CharField(choices=[('web', 'Web page'), ('api', 'API'), ('bulk', 'Bulk check')], max_length=10, verbose_name='channel')),
                ('blind', models.BooleanField(default=False, verbose_name='blind hit')),
                ('outcome', models.CharField(blank=True, choices=[('confirmed', 'Confirmed with the issuing state'), ('not_confirmed', 'Not confirmed'), ('retained', 'Document retained')], max_length=20, verbose_name='outcome')),
                ('outcome_note', models.CharField(blank=True, max_length=500, verbose_name='note')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                ('last_reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='last reminded at')),
                ('checked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('checked_by_state', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cica_portal.state', verbose_name='checked by state')),
                ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('issuing_state', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cica_portal.state')),
                ('share', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='document_hits', to='exchange.share', verbose_name='notice')),
            ],
            options={
                'verbose_name': 'hit on a document notice',
                'verbose_name_plural': 'hits on document notices',
                'ordering': ['-checked_at', '-pk'],
                'indexes': [models.Index(fields=['issuing_state', '-checked_at'], name='hit_issuer_idx'), models.Index(fields=['checked_by_state', '-checked_at'], name='hit_checker_idx'), models.Index(condition=models.Q(('closed_at__isnull', True)), fields=['checked_at'], name='hit_open_idx')],
            },
        ),
        migrations.CreateModel(
            name='DocumentNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('document_type', models.CharField(max_length=40, verbose_name='type of document')),
                ('number_key', models.CharField(max_length=100, verbose_name='document number (keyed hash)')),
                ('skeleton_key', models.CharField(db_index=True, max_length=100, verbose_name='confusable skeleton of the number (keyed hash)')),
                ('status', models.CharField(choices=[('lost', 'Lost'), ('stolen', 'Stolen'), ('stolen_blank', 'Stolen blank'), ('revoked', 'Revoked'), ('invalid', 'Invalid'), ('recovered', 'Recovered')], default='stolen', max_length=20, verbose_name='status')),
                ('recovered_on', models.DateField(blank=True, null=True, verbose_name='recovered on')),
                ('reported_to_sltd', models.BooleanField(default=False, verbose_name="reported to INTERPOL's SLTD database")),
                ('sltd_reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='last reminded of SLTD')),
                ('checkable_by_all', models.BooleanField(default=False, help_text='A state the notice was not released to learns only that there is a hit, its reference and whom to contact.', verbose_name='checkable by every member state')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('issuing_state', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cica_portal.state', verbose_name='issuing state')),
                ('share', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='document_notice', to='exchange.share', verbose_name='share')),
            ],
            options={
                'verbose_name': 'lost or stolen document notice',
                'verbose_name_plural': 'lost or stolen document notices',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['number_key'], name='notice_number_idx')],
                'constraints': [models.UniqueConstraint(fields=('issuing_state', 'document_type', 'number_key'), name='one_notice_per_document'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'recovered'), _negated=True), ('recovered_on__isnull', False), _connector='OR'), name='recovered_notice_has_its_date')],
            },
        ),
        migrations.RunPython(backfill_notices, migrations.RunPython.noop),
        migrations.RunPython(create_tasks, remove_tasks),
    ]
