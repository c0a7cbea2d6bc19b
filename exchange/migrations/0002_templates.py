"""The first versions of the three templates named in the Action Plan and issue 6."""

from django.db import migrations

HANDLING = {
    "name": "handling_restrictions",
    "label": "Handling restrictions",
    "type": "choice",
    "required": True,
    "choices": [
        "Recipient agency only, no onward sharing",
        "Law enforcement agencies of the recipient state",
        "May be shared with other national authorities",
    ],
    "help_text": "What the recipients may do with this information.",
}

TEMPLATES = [
    {
        "slug": "terrorism-information",
        "title": "Terrorism-related information",
        "description": "Voluntary sharing of information on terrorism among member states "
        "(Action Plan, area 3), disseminated only with the approval of the concerned states.",
        "fields": [
            {"name": "nature", "label": "Nature of the information", "type": "choice",
             "required": True,
             "choices": ["Threat", "Incident", "Financing of terrorism", "Recruitment",
                         "Travel of foreign terrorist fighters", "Propaganda", "Other"],
             "help_text": ""},
            {"name": "summary", "label": "Summary", "type": "long_text", "required": True,
             "help_text": "What is known, in a few paragraphs."},
            {"name": "period_start", "label": "From (date)", "type": "date", "required": False,
             "help_text": "YYYY-MM-DD"},
            {"name": "period_end", "label": "Until (date)", "type": "date", "required": False,
             "help_text": "YYYY-MM-DD"},
            {"name": "places", "label": "Places", "type": "text", "required": False,
             "help_text": "Towns, regions, border crossings."},
            {"name": "persons_or_groups", "label": "Persons or groups", "type": "long_text",
             "required": False, "help_text": "Names, aliases, affiliations."},
            {"name": "related_states", "label": "States the information relates to",
             "type": "states", "required": False, "propose_concerned": True,
             "help_text": "Proposed as concerned states; their consent is then needed."},
            {"name": "assessment", "label": "Assessment", "type": "long_text", "required": True,
             "help_text": "Your service's assessment of the information."},
            {"name": "reliability", "label": "Reliability of the source", "type": "choice",
             "required": False,
             "choices": ["Confirmed", "Probably true", "Possibly true", "Cannot be judged"],
             "help_text": ""},
            HANDLING,
        ],
    },
    {
        "slug": "trafficking-case",
        "title": "Trafficking case",
        "description": "Voluntary information exchange among originating, transit and "
        "destination countries (Action Plan, areas 1 and 4).",
        "fields": [
            {"name": "kind", "label": "Kind of trafficking", "type": "choice", "required": True,
             "choices": ["Trafficking in human beings", "Smuggling of migrants",
                         "Illicit drugs", "Weapons", "Cultural property", "Other"],
             "help_text": ""},
            {"name": "origin_state", "label": "Country of origin", "type": "state",
             "required": True, "propose_concerned": True,
             "help_text": "Two-letter ISO code; proposed as a concerned state."},
            {"name": "transit_states", "label": "Transit countries", "type": "states",
             "required": False, "propose_concerned": True,
             "help_text": "Proposed as concerned states."},
            {"name": "destination_states", "label": "Destination countries", "type": "states",
             "required": True, "propose_concerned": True,
             "help_text": "Proposed as concerned states."},
            {"name": "route", "label": "Route", "type": "long_text", "required": False,
             "help_text": "Crossing points, means of transport."},
            {"name": "modus_operandi", "label": "Modus operandi", "type": "long_text",
             "required": True, "help_text": "How the network operates."},
            {"name": "indicators", "label": "Indicators", "type": "long_text", "required": False,
             "help_text": "Signs other services can watch for."},
            {"name": "first_detected", "label": "First detected on", "type": "date",
             "required": False, "help_text": "YYYY-MM-DD"},
            {"name": "last_detected", "label": "Last detected on", "type": "date",
             "required": False, "help_text": "YYYY-MM-DD"},
            {"name": "persons_involved", "label": "Number of persons involved", "type": "number",
             "required": False, "help_text": ""},
            HANDLING,
        ],
    },
    {
        "slug": "lost-stolen-document",
        "title": "Lost or stolen document",
        "description": "Timely sharing on lost and stolen travel documents (Action Plan, "
        "area 2), alongside INTERPOL's database.",
        "fields": [
            {"name": "document_number", "label": "Document number", "type": "text",
             "required": True, "help_text": "As printed; spaces and dashes do not matter."},
            {"name": "document_type", "label": "Type of document", "type": "choice",
             "required": True,
             "choices": ["Passport", "Identity card", "Travel document", "Visa",
                         "Residence permit", "Blank document", "Other"],
             "help_text": ""},
            {"name": "issuing_state", "label": "Issuing state", "type": "state",
             "required": True, "help_text": "Two-letter ISO code."},
            {"name": "lost_or_stolen", "label": "Lost or stolen", "type": "choice",
             "required": True, "choices": ["Lost", "Stolen"], "help_text": ""},
            {"name": "date_lost_or_stolen", "label": "Date lost or stolen", "type": "date",
             "required": True, "help_text": "YYYY-MM-DD"},
            {"name": "place_lost_or_stolen", "label": "Place lost or stolen", "type": "text",
             "required": False, "help_text": ""},
            {"name": "reported_to_interpol", "label": "Reported to INTERPOL's SLTD database",
             "type": "boolean", "required": True, "help_text": ""},
            {"name": "reported_to_interpol_on", "label": "Reported to INTERPOL on",
             "type": "date", "required": False, "help_text": "YYYY-MM-DD"},
            {"name": "remarks", "label": "Remarks", "type": "long_text", "required": False,
             "help_text": ""},
        ],
    },
]


def create_templates(apps, schema_editor):
    ShareTemplate = apps.get_model("exchange", "ShareTemplate")
    for data in TEMPLATES:
        if not ShareTemplate.objects.filter(slug=data["slug"]).exists():
            ShareTemplate.objects.create(version=1, is_current=True, **data)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(create_templates, migrations.RunPython.noop)]
