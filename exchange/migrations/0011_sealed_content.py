# Shares encrypted at rest (issue 16, point 5): each share's title and content are sealed with
# a data key of its own, wrapped by a master key kept outside the database
# (SHARE_MASTER_KEYS, cica_portal/envelope.py); a RED share's title leaves the clear column; the
# normalised document number becomes a keyed hash.

import json

from django.db import migrations, models

from cica_portal import envelope

CONTEXT = b"cica-portal share content"  # Share._SEAL_CONTEXT
RED = "RED"


def _normalised(number):
    import re

    if not isinstance(number, str):
        return ""
    return re.sub(r"[\s\-‐‑‒–—―]+", "", number).upper()[:100]


def seal_existing(apps, schema_editor):
    Share = apps.get_model("exchange", "Share")
    for share in Share.objects.all().iterator(chunk_size=500):
        key = envelope.new_data_key()
        payload = {"title": share.listed_title, "content": share.content or {}}
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
        share.data_key = envelope.wrap(key)
        share.sealed_content = envelope.seal(key, text.encode(), context=CONTEXT)
        if share.tlp == RED:
            share.listed_title = ""
        number = (share.content or {}).get("document_number")
        share.document_number_normalised = (
            envelope.keyed_hash(_normalised(number)) if share.document_number_normalised else ""
        )
        share.save(
            update_fields=[
                "data_key",
                "sealed_content",
                "listed_title",
                "document_number_normalised",
            ]
        )


def open_existing(apps, schema_editor):
    Share = apps.get_model("exchange", "Share")
    for share in Share.objects.exclude(sealed_content="").iterator(chunk_size=500):
        key = envelope.unwrap(share.data_key)
        payload = json.loads(envelope.unseal(key, share.sealed_content, context=CONTEXT))
        share.content = payload["content"]
        share.listed_title = payload["title"]
        number = payload["content"].get("document_number")
        share.document_number_normalised = (
            _normalised(number) if share.document_number_normalised else ""
        )
        share.save(update_fields=["content", "listed_title", "document_number_normalised"])


class Migration(migrations.Migration):

    dependencies = [
        ("exchange", "0012_share_clarity"),
    ]

    operations = [
        # The clear title keeps its column; only its name in Python changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField("share", "title", "listed_title"),
                migrations.AlterField(
                    model_name="share",
                    name="listed_title",
                    field=models.CharField(
                        blank=True, db_column="title", max_length=200, verbose_name="title"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="share",
            name="data_key",
            field=models.CharField(
                blank=True, editable=False, max_length=200, verbose_name="data key (wrapped)"
            ),
        ),
        migrations.AddField(
            model_name="share",
            name="sealed_content",
            field=models.TextField(blank=True, editable=False, verbose_name="content (encrypted)"),
        ),
        migrations.AlterField(
            model_name="share",
            name="document_number_normalised",
            field=models.CharField(
                blank=True,
                db_index=True,
                max_length=100,
                verbose_name="document number (keyed hash)",
            ),
        ),
        migrations.RunPython(seal_existing, open_existing, elidable=False),
        migrations.RemoveField(model_name="share", name="content"),
    ]
