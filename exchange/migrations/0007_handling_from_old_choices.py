"""Handling and evaluation replace the templates' free "handling restrictions" choice.

Each share's old choice becomes TLP and handling codes; the terrorism template's "reliability
of the source" becomes the information's evaluation. The current version of each template that
had these fields gets a new version without them; drafts written in that version move to it
(nothing was consented yet). Shares already asked for consent, released or closed keep the
version they were written in: their consent covers that text.
"""

from django.db import migrations

LEGACY_FIELDS = ("handling_restrictions", "reliability")

# The three old choices, from the narrowest to the widest.
HANDLING = {
    "Recipient agency only, no onward sharing": ("AMBER+STRICT", ["H2"]),
    "Law enforcement agencies of the recipient state": ("AMBER", ["H0", "H2"]),
    "May be shared with other national authorities": ("AMBER", ["H0"]),
}
RELIABILITY = {"Confirmed": "1", "Probably true": "2", "Possibly true": "3", "Cannot be judged": "4"}


def map_old_values(apps, schema_editor):
    Share = apps.get_model("exchange", "Share")
    ShareTemplate = apps.get_model("exchange", "ShareTemplate")
    for share in Share.objects.all().iterator():
        content = share.content or {}
        fields = []
        if content.get("handling_restrictions") in HANDLING:
            share.tlp, share.handling_codes = HANDLING[content["handling_restrictions"]]
            fields += ["tlp", "handling_codes"]
        if content.get("reliability") in RELIABILITY:
            share.information_reliability = RELIABILITY[content["reliability"]]
            fields.append("information_reliability")
        if fields:
            share.save(update_fields=fields)

    for current in list(ShareTemplate.objects.filter(is_current=True)):
        if not any(spec.get("name") in LEGACY_FIELDS for spec in current.fields):
            continue
        latest = max(ShareTemplate.objects.filter(slug=current.slug).values_list("version", flat=True))
        ShareTemplate.objects.filter(pk=current.pk).update(is_current=False)
        new = ShareTemplate.objects.create(
            slug=current.slug,
            version=latest + 1,
            title=current.title,
            description=current.description,
            fields=[spec for spec in current.fields if spec.get("name") not in LEGACY_FIELDS],
            is_current=True,
        )
        for share in Share.objects.filter(template_id=current.pk, status="draft"):
            share.template_id = new.pk
            share.content = {
                k: v for k, v in (share.content or {}).items() if k not in LEGACY_FIELDS
            }
            # The content's columns: "content" here; the sealed ones of today's model (0011),
            # which tests run this function with.
            share.save(update_fields=["template", *getattr(Share, "SEALED_FIELDS", ["content"])])


class Migration(migrations.Migration):
    dependencies = [("exchange", "0006_share_handling")]

    operations = [migrations.RunPython(map_old_values, migrations.RunPython.noop)]
