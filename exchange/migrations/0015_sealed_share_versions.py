"""The versions of a share that consent was asked for are sealed like the share itself: with
the share's own data key (cica_portal/envelope.py), so a dump of the table reveals no version."""

import json

from django.db import migrations, models

from cica_portal import envelope

CONTEXT = b"cica-portal share version"


def seal_versions(apps, schema_editor):
    ShareVersion = apps.get_model("exchange", "ShareVersion")
    for version in ShareVersion.objects.select_related("share").iterator(chunk_size=500):
        key = envelope.unwrap(version.share.data_key)
        text = json.dumps(version.content, ensure_ascii=False, separators=(",", ":"), default=str)
        version.sealed_content = envelope.seal(key, text.encode(), context=CONTEXT)
        version.save(update_fields=["sealed_content"])


def open_versions(apps, schema_editor):
    ShareVersion = apps.get_model("exchange", "ShareVersion")
    for version in ShareVersion.objects.select_related("share").iterator(chunk_size=500):
        key = envelope.unwrap(version.share.data_key)
        version.content = json.loads(
            envelope.unseal(key, version.sealed_content, context=CONTEXT)
        )
        version.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0013_observer_recipients"),
    ]

    operations = [
        migrations.AddField(
            model_name="shareversion",
            name="sealed_content",
            field=models.TextField(
                default="", editable=False, verbose_name="what the consent covers (encrypted)"
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="shareversion",
            name="content",
            field=models.JSONField(null=True, verbose_name="what the consent covers"),
        ),
        migrations.RunPython(seal_versions, open_versions),
        migrations.RemoveField(model_name="shareversion", name="content"),
    ]
