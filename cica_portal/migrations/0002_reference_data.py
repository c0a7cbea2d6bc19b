"""Load the reference data (states, organisations, areas) from cica_portal/data/reference.json.

The file is the source; the Secretariat edits the rows in the admin afterwards. Re-running is
harmless: rows are matched by code or number and only missing ones are created.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "reference.json"


def load_reference_data(apps, schema_editor):
    State = apps.get_model("cica_portal", "State")
    Organisation = apps.get_model("cica_portal", "Organisation")
    Area = apps.get_model("cica_portal", "Area")
    AuditChainHead = apps.get_model("cica_portal", "AuditChainHead")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for row in data["states"]:
        State.objects.get_or_create(
            code=row["code"],
            defaults={"name_en": row["name_en"], "name_ru": row["name_ru"],
                      "status": row["status"]},
        )
    for row in data["organisations"]:
        Organisation.objects.get_or_create(
            code=row["code"],
            defaults={"name_en": row["name_en"], "name_ru": row["name_ru"],
                      "acronym_ru": row.get("acronym_ru", ""), "kind": row["kind"]},
        )
    for row in data["areas"]:
        Area.objects.get_or_create(
            number=row["number"],
            defaults={"roman": row["roman"], "title_en": row["title_en"],
                      "title_ru": row["title_ru"]},
        )
    AuditChainHead.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("cica_portal", "0001_initial")]
    operations = [migrations.RunPython(load_reference_data, migrations.RunPython.noop)]
