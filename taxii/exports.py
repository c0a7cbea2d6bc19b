"""A released share as a file for a national system: a MISP event (MISP core format) or a
STIX 2.1 bundle. Both are exports for intelligence use under the exchange's one export rule
(services.export_to_national_system): a RED share is never exported (its title and content
leave only its own page and API detail), and every export is a read. They are not exports for
judicial use, so H1's restriction travels with the file for the receiving system to keep (a
MISP tag and attribute comments, a STIX statement marking); where the provider recorded its
permission for the reader's state, the file names that permission beside it."""

from __future__ import annotations

import json
import uuid

import stix2
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from exchange import selectors, services
from exchange.handling import HANDLING_MEANINGS

from . import stix

H1_STATEMENT = str(HANDLING_MEANINGS["H1"])
H1_MARKING = f"marking-definition--{uuid.uuid5(stix.NAMESPACE, 'handling:H1')}"


def _exportable(request, pk: int, file_format: str):
    """The share and the reader's state's permission for judicial use (or None)."""
    share = selectors.get_share_for(request.user, pk)  # 404 when not the caller's to see
    permission = services.export_to_national_system(
        share, user=request.user, file_format=file_format
    )
    return share, permission


def permission_statement(permission) -> str:
    """H1 lifted for one state: who, from when; the restriction stays for everyone else."""
    return (
        f"H1: the provider ({permission.share.originating_state.name_en}) permitted "
        f"{permission.state.name_en} to use this information in judicial proceedings "
        f"on {permission.granted_at:%Y-%m-%d}."
    )


def _state_uuid(state) -> str:
    return str(uuid.uuid5(stix.NAMESPACE, "state:" + state.code))


def _h1_comment(share, permission) -> str:
    if "H1" not in share.handling_codes:
        return ""
    return f"{H1_STATEMENT} {permission_statement(permission)}" if permission else H1_STATEMENT


def misp_event(share, permission=None, *, distribution=None) -> dict:
    """MISP core format: distribution 4 (a sharing group) naming exactly the recipients (only
    the reader's own state when the distribution is confidential: `distribution`)."""
    shown = distribution[1] if distribution else share.recipient_states.all()
    recipients = sorted(shown, key=lambda s: s.code)
    tags = [f"tlp:{share.tlp.lower()}"]
    tags += [f'cica:handling="{code}"' for code in share.handling_codes]
    if permission is not None:
        tags.append(f'cica:judicial-use-permitted="{permission.state.code}"')
    tags += [
        f'cica:source-reliability="{share.source_reliability}"',
        f'cica:information-reliability="{share.information_reliability}"',
    ]
    attributes = [
        {
            "uuid": str(uuid.uuid5(stix.NAMESPACE, f"share:{share.pk}:field:{name}")),
            "type": "text",
            "category": "Other",
            "object_relation": name,
            "value": value if isinstance(value, str) else json.dumps(value, ensure_ascii=False),
            "to_ids": False,
            "distribution": "5",  # as the event
            "comment": _h1_comment(share, permission),
        }
        for name, value in sorted(share.content.items())
        if value not in (None, "", [])
    ]
    return {
        "Event": {
            "uuid": str(uuid.uuid5(stix.NAMESPACE, f"share:{share.pk}")),
            "info": share.title,
            "date": share.released_at.date().isoformat(),
            "published": True,
            "analysis": "2",
            "threat_level_id": "4",
            "distribution": "4",
            "Orgc": {
                "name": share.originating_state.name_en,
                "uuid": _state_uuid(share.originating_state),
            },
            "SharingGroup": {
                "uuid": str(uuid.uuid5(stix.NAMESPACE, f"share:{share.pk}:recipients")),
                "name": f"CICA share {share.pk}: recipients",
                "releasability": ", ".join(s.code for s in recipients),
                "SharingGroupOrg": [
                    {"Organisation": {"name": s.name_en, "uuid": _state_uuid(s)}}
                    for s in recipients
                ],
            },
            "Tag": [{"name": tag} for tag in tags],
            "Attribute": attributes,
        }
    }


def _statement(marking_id: str, statement: str) -> dict:
    return stix.serialise(
        stix2.MarkingDefinition(
            id=marking_id,
            created=stix.PUBLISHED,
            definition_type="statement",
            definition=stix2.StatementMarking(statement=statement),
        )
    )


def stix_bundle(share, permission=None, *, distribution=None) -> dict:
    report = stix.serialise(stix.report(share, distribution=distribution))
    objects = [
        stix.serialise(stix.portal_identity()),
        stix.serialise(stix.share_extension()),
        stix.tlp_marking(share.tlp),
        stix.serialise(stix.state_identity(share.originating_state)),
    ]
    concerned, recipients = distribution or (
        share.concerned_states.all(),
        share.recipient_states.all(),
    )
    states = {share.originating_state, *concerned, *recipients}
    objects += [
        stix.serialise(stix.state_location(s)) for s in sorted(states, key=lambda s: s.code)
    ]
    if "H1" in share.handling_codes:
        markings = [H1_MARKING]
        objects.append(_statement(H1_MARKING, H1_STATEMENT))
        if permission is not None:
            # Its own id per share and state: the marking says something true of one report.
            marking_id = "marking-definition--" + str(
                uuid.uuid5(stix.NAMESPACE, f"share:{share.pk}:judicial:{permission.state.code}")
            )
            markings.append(marking_id)
            objects.append(_statement(marking_id, permission_statement(permission)))
        report["object_marking_refs"] = [*report["object_marking_refs"], *markings]
    objects.append(report)
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}


class _Export(APIView):
    permission_classes = [IsAuthenticated]

    def file(self, data: dict, content_type: str, name: str) -> HttpResponse:
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1), content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class MispExport(_Export):
    @extend_schema(
        summary="The share as a MISP event (MISP core format), for a state that may read it.",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk: int):
        share, permission = _exportable(request, pk, "misp")
        return self.file(
            misp_event(
                share, permission, distribution=selectors.distribution_states(request.user, share)
            ),
            "application/json",
            f"cica-share-{share.pk}.misp.json",
        )


class StixBundleExport(_Export):
    @extend_schema(
        summary="The share as a STIX 2.1 bundle, for a state that may read it.",
        responses={(200, "application/stix+json;version=2.1"): OpenApiTypes.OBJECT},
    )
    def get(self, request, pk: int):
        share, permission = _exportable(request, pk, "stix")
        return self.file(
            stix_bundle(
                share, permission, distribution=selectors.distribution_states(request.user, share)
            ),
            "application/stix+json;version=2.1",
            f"cica-share-{share.pk}.stix.json",
        )
