"""Released shares as STIX 2.1 objects (the `stix2` library): a report per share, the
originating state as an identity, the states named as locations, TLP 2.0 markings (OASIS's
published marking-definition objects), the template's fields through an extension definition
the portal publishes. Ids are UUIDv5 of the portal's own keys, so a share keeps its id in
every feed and every version."""

from __future__ import annotations

import uuid
from datetime import datetime

import stix2
from django.conf import settings
from django.urls import reverse

NAMESPACE = uuid.UUID("6f0c5d56-6a0e-4f53-9c39-2a6f3c1c2b18")  # the portal's, fixed forever
TLP_2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_2_CREATED = "2022-10-01T00:00:00.000Z"
TLP_2_IDS = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
PORTAL_IDENTITY = f"identity--{uuid.uuid5(NAMESPACE, 'portal')}"
SHARE_EXTENSION = f"extension-definition--{uuid.uuid5(NAMESPACE, 'share-extension-1')}"
PUBLISHED = "2026-12-01T00:00:00.000Z"


def share_tlp(share) -> str:
    return getattr(share, "tlp", None) or "AMBER+STRICT"


def tlp_marking(label: str) -> dict:
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP_2_IDS[label],
        "created": TLP_2_CREATED,
        "name": f"TLP:{label}",
        "extensions": {
            TLP_2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": label.lower()}
        },
    }


def portal_identity() -> stix2.Identity:
    return stix2.Identity(
        id=PORTAL_IDENTITY,
        created=PUBLISHED,
        modified=PUBLISHED,
        name="CICA cooperation portal",
        identity_class="system",
    )


# The JSON Schema of the share extension's properties, published at `share_extension_schema_url`
# so that a national system can check what it reads without asking anyone.
SHARE_EXTENSION_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "CICA information share (STIX 2.1 property extension, version 1.0.0)",
    "type": "object",
    "required": [
        "extension_type",
        "template",
        "template_version",
        "fields",
        "handling_codes",
        "source_reliability",
        "information_reliability",
    ],
    "properties": {
        "extension_type": {"const": "property-extension"},
        "template": {"type": "string", "description": "The share template's slug."},
        "template_version": {"type": "integer", "minimum": 1},
        "fields": {"type": "object", "description": "The template's fields, by name."},
        "handling_codes": {
            "type": "array",
            "items": {"enum": ["H0", "H1", "H2", "H3"]},
            "uniqueItems": True,
        },
        "handling_note": {"type": "string", "description": "H3's restrictions, in words."},
        "source_reliability": {"enum": ["A", "B", "C", "X"]},
        "information_reliability": {"enum": ["1", "2", "3", "4"]},
    },
    "additionalProperties": False,
}


def share_extension_schema_url() -> str:
    return settings.SITE_URL + reverse("taxii-share-extension-schema")


def share_extension() -> stix2.ExtensionDefinition:
    """What the portal adds to a report: the template and its fields, handling and evaluation."""
    return stix2.ExtensionDefinition(
        id=SHARE_EXTENSION,
        created_by_ref=PORTAL_IDENTITY,
        created=PUBLISHED,
        modified=PUBLISHED,
        name="CICA information share",
        description=(
            "A share released under the CICA Action Plan: template (slug, version), its "
            "fields as a JSON object, handling codes and note, source and information "
            "reliability."
        ),
        schema=share_extension_schema_url(),
        version="1.0.0",
        extension_types=["property-extension"],
    )


def state_identity(state) -> stix2.Identity:
    return stix2.Identity(
        id=f"identity--{uuid.uuid5(NAMESPACE, 'state:' + state.code)}",
        created=PUBLISHED,
        modified=PUBLISHED,
        name=state.name_en,
        identity_class="organization",
        sectors=["government-national"],
    )


def state_location(state) -> stix2.Location:
    return stix2.Location(
        id=f"location--{uuid.uuid5(NAMESPACE, 'state:' + state.code)}",
        created=PUBLISHED,
        modified=PUBLISHED,
        name=state.name_en,
        country=state.code,
    )


def report_id(share) -> str:
    return f"report--{uuid.uuid5(NAMESPACE, f'share:{share.pk}')}"


def _stamp(moment: datetime) -> str:
    return stix2.utils.format_datetime(stix2.utils.STIXdatetime(moment, precision="millisecond"))


def report(share, *, revoked: bool = False, distribution=None) -> stix2.Report:
    """The share as released; withdrawn, the same report as a new, revoked version.

    `distribution`: (concerned, recipients) as the reader may see them (a confidential
    distribution names only the reader's own state); by default every state."""
    concerned, recipients = distribution or (
        share.concerned_states.all(),
        share.recipient_states.all(),
    )
    states = sorted({share.originating_state, *concerned, *recipients}, key=lambda s: s.code)
    modified = share.closed_at if revoked and share.closed_at else share.released_at
    fields = {
        "created": _stamp(share.released_at),
        "modified": _stamp(max(modified, share.released_at)),
        "published": _stamp(share.released_at),
    }
    return stix2.Report(
        id=report_id(share),
        name=share.title,
        report_types=["threat-report"],
        created_by_ref=state_identity(share.originating_state).id,
        object_refs=[state_location(s).id for s in states],
        object_marking_refs=[TLP_2_IDS[share_tlp(share)]],
        revoked=revoked,
        extensions={
            SHARE_EXTENSION: {
                "extension_type": "property-extension",
                "template": share.template.slug,
                "template_version": share.template.version,
                "fields": share.content,
                "handling_codes": list(getattr(share, "handling_codes", []) or []),
                "handling_note": getattr(share, "handling_note", ""),
                "source_reliability": getattr(share, "source_reliability", "X"),
                "information_reliability": getattr(share, "information_reliability", "4"),
            }
        },
        allow_custom=False,
        **fields,
    )


def serialise(obj) -> dict:
    import json

    return obj if isinstance(obj, dict) else json.loads(obj.serialize())
