"""Key the audit chain (HMAC-SHA256, the key outside the database) and anchor it every 15 minutes.

The records written so far were hashed with plain SHA-256, which anyone with the database and the
source can recompute. They are re-signed here, once, with the signing key (the first in
AUDIT_KEYS), after their plain chain and head have been verified: a log that does not verify is
refused, since re-signing it would launder whatever was done to it. Re-signing rather than keeping
a "legacy" mark: a mark meaning "plain SHA-256 is enough for this record" would itself be the way
in (mark the later records legacy and recompute them), whereas after this migration every record
needs a key. The records are trusted at this moment, when the operator deploys, and no anchor
exists yet that re-signing could invalidate. The re-signing is recorded in the log itself.

The functions below are a frozen copy of cica_portal.audit's canonical form, so that this
migration means the same thing whatever the code becomes.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

GENESIS = "0" * 64
BATCH = 2000


def _content(record, *, keyed):
    content = {
        "seq": record.seq,
        "at": record.at.isoformat(),
        "actor_id": record.actor_id,
        "actor_label": record.actor_label,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "ip_address": record.ip_address,
        "data": record.data,
        "prev_hash": record.prev_hash,
    }
    if keyed:
        content["key_id"] = record.key_id
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _plain(record):
    return hashlib.sha256(_content(record, keyed=False)).hexdigest()


def _batches(Record):
    last = 0
    while True:
        batch = list(Record.objects.filter(seq__gt=last).order_by("seq")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].seq


def _refuse(seq, reason):
    raise RuntimeError(
        f"The audit log does not verify at record #{seq} ({reason}), so it is not re-signed with "
        "the audit key: find out what happened to it (manage.py verify_audit_log on the previous "
        "release) before migrating."
    )


def rekey(apps, schema_editor):
    Record = apps.get_model("cica_portal", "AuditRecord")
    Head = apps.get_model("cica_portal", "AuditChainHead")
    key_id, key = next(iter(settings.AUDIT_KEYS.items()))
    key = key.encode()
    expected, old_prev, new_prev = 1, GENESIS, GENESIS
    for batch in _batches(Record):
        for record in batch:
            if record.seq != expected:
                _refuse(expected, "missing")
            if record.prev_hash != old_prev or _plain(record) != record.hash:
                _refuse(record.seq, "altered or inserted")
            old_prev = record.hash
            record.key_id, record.prev_hash = key_id, new_prev
            record.hash = new_prev = hmac.new(key, _content(record, keyed=True), "sha256").hexdigest()
            expected += 1
        Record.objects.bulk_update(batch, ["key_id", "prev_hash", "hash"])
    count = expected - 1
    head, _ = Head.objects.get_or_create(pk=1)
    if head.seq != count or head.hash != old_prev:
        _refuse(count + 1, "the chain head is not the last record")
    if count:
        record = Record(
            seq=count + 1,
            at=timezone.now(),
            action="audit.rekeyed",
            data={"records": count, "key_id": key_id},
            key_id=key_id,
            prev_hash=new_prev,
        )
        record.hash = hmac.new(key, _content(record, keyed=True), "sha256").hexdigest()
        record.save(force_insert=True)
        head.seq, head.hash = record.seq, record.hash
        head.save(update_fields=["seq", "hash"])


def unkey(apps, schema_editor):
    """Back to plain SHA-256 (the keyed chain is not checked: migrating back is the operator's)."""
    Record = apps.get_model("cica_portal", "AuditRecord")
    Head = apps.get_model("cica_portal", "AuditChainHead")
    prev = GENESIS
    for batch in _batches(Record):
        for record in batch:
            record.prev_hash = prev
            record.hash = prev = _plain(record)
        Record.objects.bulk_update(batch, ["prev_hash", "hash"])
    Head.objects.filter(pk=1).update(hash=prev)


SCHEDULE = ("Anchor the audit log outside the database", "cica_portal.anchor_audit_log", 15)


def schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    name, task, minutes = SCHEDULE
    if not PeriodicTask.objects.filter(task=task).exists():
        every, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": every})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=SCHEDULE[1]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cica_portal", "0009_api_tokens_and_recovery_codes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditrecord",
            name="key_id",
            field=models.CharField(default="", max_length=16, verbose_name="key"),
            preserve_default=False,
        ),
        migrations.RunPython(rekey, unkey),
        migrations.RunPython(schedule, unschedule),
    ]
