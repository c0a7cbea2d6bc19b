"""A read-only TAXII 2.1 server (DRF): discovery, one API root, a collection per member state
and one for the Secretariat, objects, manifest and versions. It serves exactly what the web
list shows the caller as released (exchange.selectors.shares_for_list), RED shares never, a
withdrawal as a revoked new version; each report served counts as a read of its share."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET
from rest_framework import exceptions, renderers
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cica_portal import tokens
from cica_portal.authentication import ApiTokenAuthentication
from exchange import selectors, services

from . import stix

MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class TaxiiRenderer(renderers.JSONRenderer):
    media_type = "application/taxii+json"
    format = "taxii"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = MEDIA_TYPE
        return super().render(data, accepted_media_type, renderer_context)


class BasicTokenAuthentication(BaseAuthentication):
    """HTTP Basic with the portal username and one of its API tokens as the password."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"basic" or len(parts) != 2:
            return None
        try:
            username, _, key = base64.b64decode(parts[1]).decode().partition(":")
        except (ValueError, UnicodeError):
            raise exceptions.AuthenticationFailed("Invalid basic credentials.") from None
        token = tokens.live_token(key)
        if token is None or token.user.get_username() != username:
            raise exceptions.AuthenticationFailed("Invalid username or token.")
        return token.user, token

    def authenticate_header(self, request):
        return 'Basic realm="taxii"'


def collection_key(user) -> str | None:
    if user.is_secretariat:
        return "secretariat"
    return user.state.code if user.state_id and user.is_network_member else None


def collection_id(key: str) -> str:
    return str(uuid.uuid5(stix.NAMESPACE, f"collection:{key}"))


def _collection(user) -> dict:
    key = collection_key(user)
    if key is None:
        return {}
    title = "Released to the Secretariat" if key == "secretariat" else f"Released to {key}"
    return {
        "id": collection_id(key),
        "title": title,
        "alias": key.lower(),
        "can_read": True,
        "can_write": False,
        "media_types": [STIX_MEDIA_TYPE],
    }


class TaxiiView(APIView):
    # TAXII 2.1 is its own specification (OASIS), not part of the portal's OpenAPI document.
    schema = None
    authentication_classes = [ApiTokenAuthentication, BasicTokenAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [TaxiiRenderer]

    def own_collection(self, request, pk: str) -> dict:
        collection = _collection(request.user)
        if not collection or pk != collection["id"]:
            raise Http404
        return collection


class Discovery(TaxiiView):
    def get(self, request):
        return Response(
            {
                "title": "CICA cooperation portal",
                "description": "What was released to your state, as STIX 2.1.",
                "default": "/taxii2/cica/",
                "api_roots": ["/taxii2/cica/"],
            }
        )


class ApiRoot(TaxiiView):
    def get(self, request):
        return Response(
            {
                "title": "CICA information exchange",
                "versions": [MEDIA_TYPE],
                "max_content_length": 0,
            }
        )


class Collections(TaxiiView):
    def get(self, request):
        collection = _collection(request.user)
        return Response({"collections": [collection]} if collection else {})


class Collection(TaxiiView):
    def get(self, request, pk: str):
        return Response(self.own_collection(request, pk))


def _entries(user) -> list[tuple[datetime, dict, object]]:
    """(date added, object, share or None) for everything in the caller's collection: the
    latest version of each report, and the objects they refer to."""
    released = (
        selectors.with_lists(selectors.shares_for_list(user))
        .filter(status="released")
        .exclude(tlp="RED")
    )
    withdrawn = selectors.with_lists(selectors.withdrawn_after_release_for(user)).exclude(tlp="RED")
    entries, first_use = [], {}
    for share, revoked in [*((s, False) for s in released), *((s, True) for s in withdrawn)]:
        added = share.closed_at if revoked and share.closed_at else share.released_at
        concerned, recipients = selectors.distribution_states(user, share)
        report = stix.report(share, revoked=revoked, distribution=(concerned, recipients))
        entries.append((added, stix.serialise(report), share))
        states = {share.originating_state, *concerned, *recipients}
        support = [stix.state_identity(share.originating_state)]
        support += [stix.state_location(s) for s in states]
        support += [stix.tlp_marking(stix.share_tlp(share))]
        for obj in support:
            obj = stix.serialise(obj)
            if obj["id"] not in first_use or share.released_at < first_use[obj["id"]][0]:
                first_use[obj["id"]] = (share.released_at, obj)
    if entries:
        first = min(e[0] for e in entries)
        for obj in (stix.portal_identity(), stix.share_extension()):
            obj = stix.serialise(obj)
            first_use[obj["id"]] = (first, obj)
    entries += [(added, obj, None) for added, obj in first_use.values()]
    entries.sort(key=lambda e: (e[0], e[1]["id"]))
    return entries


def _timestamp(moment: datetime) -> str:
    return stix._stamp(moment)


class _Filtered(TaxiiView):
    def filtered(self, request, pk: str):
        self.own_collection(request, pk)
        entries = _entries(request.user)
        added_after = request.query_params.get("added_after")
        if added_after is not None:
            moment = parse_datetime(added_after)
            if moment is None:
                raise exceptions.ValidationError({"added_after": "Not a timestamp."})
            entries = [e for e in entries if e[0] > moment]
        for name, key in (("match[type]", "type"), ("match[id]", "id")):
            wanted = request.query_params.get(name)
            if wanted:
                values = set(wanted.split(","))
                entries = [e for e in entries if e[1][key] in values]
        return entries

    def page(self, request, entries):
        try:
            limit = min(int(request.query_params.get("limit", DEFAULT_LIMIT)), MAX_LIMIT)
            start = int(request.query_params.get("next", 0))
        except ValueError:
            raise exceptions.ValidationError({"limit": "A whole number."}) from None
        if limit < 1 or start < 0:
            raise exceptions.ValidationError({"limit": "At least 1."})
        chunk = entries[start : start + limit]
        more = start + limit < len(entries)
        headers = {}
        if chunk:
            headers["X-TAXII-Date-Added-First"] = _timestamp(chunk[0][0])
            headers["X-TAXII-Date-Added-Last"] = _timestamp(chunk[-1][0])
        envelope = {"more": more}
        if more:
            envelope["next"] = str(start + limit)
        return chunk, envelope, headers


class Objects(_Filtered):
    def get(self, request, pk: str, object_id: str | None = None):
        entries = self.filtered(request, pk)
        if object_id is not None:
            entries = [e for e in entries if e[1]["id"] == object_id]
            if not entries:
                raise Http404
        chunk, envelope, headers = self.page(request, entries)
        for _added, obj, share in chunk:
            if share is not None and not obj.get("revoked"):
                services.record_read(share, user=request.user, via="taxii")  # ShareRead.Via.TAXII
        if chunk:
            envelope["objects"] = [obj for _added, obj, _share in chunk]
        return Response(envelope, headers=headers)


class Manifest(_Filtered):
    def get(self, request, pk: str):
        chunk, envelope, headers = self.page(request, self.filtered(request, pk))
        if chunk:
            envelope["objects"] = [
                {
                    "id": obj["id"],
                    "date_added": _timestamp(added),
                    "version": obj.get("modified", obj.get("created")),
                    "media_type": STIX_MEDIA_TYPE,
                }
                for added, obj, _share in chunk
            ]
        return Response(envelope, headers=headers)


class Versions(_Filtered):
    def get(self, request, pk: str, object_id: str):
        entries = [e for e in self.filtered(request, pk) if e[1]["id"] == object_id]
        if not entries:
            raise Http404
        obj = entries[0][1]
        versions = [obj.get("modified", obj.get("created"))]
        if obj.get("revoked") and entries[0][2] is not None:
            versions.insert(0, stix._stamp(entries[0][2].released_at))
        return Response({"more": False, "versions": versions})


@require_GET
def share_extension_schema(request: HttpRequest) -> JsonResponse:
    """The JSON Schema of the share extension (public: it describes a format, not a share)."""
    return JsonResponse(
        stix.SHARE_EXTENSION_SCHEMA,
        content_type="application/schema+json",
        json_dumps_params={"indent": 1},
    )
