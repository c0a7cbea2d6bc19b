"""Reading the decision register, always as the person asking.

An entry is shown to a network member (focal points, approvers, the Secretariat) who may read
its subject: for a decision that closed an approval, by the approval's own rule (so another
state's share consent stays out of sight); for the others, by its source's rule. An entry whose
source or purpose nobody registered is shown to nobody.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse

from cica_portal import rights
from cica_portal.approvals import registry as approval_registry
from cica_portal.models import RegisteredDecision, User

from . import registry

NUMBER = re.compile(r"^\s*(?:cica\s*/\s*dec\s*/\s*)?(\d{4})\s*/\s*(\d{1,9})\s*$", re.IGNORECASE)


def _readable(queryset: QuerySet) -> Exists:
    return Exists(queryset.filter(pk=OuterRef("subject_id")))


def decisions_visible_to(user: User) -> QuerySet[RegisteredDecision]:
    """Every entry this person may read, newest number first."""
    if not rights.may_read_decisions(user):
        return RegisteredDecision.objects.none()
    allowed = Q(pk__in=[])
    for subject_type in approval_registry.registered():
        allowed |= Q(
            Q(approval__isnull=False, source=subject_type.purpose),
            _readable(subject_type.visible_to(user)),
        )
    for source in registry.registered():
        allowed |= Q(
            Q(approval__isnull=True, source=source.name), _readable(source.visible_to(user))
        )
    return RegisteredDecision.objects.filter(allowed).select_related("area", "approval")


def get_decision_for(user: User, pk: int) -> RegisteredDecision:
    """The entry if this person may read it; 404 whether it is missing or not theirs."""
    return get_object_or_404(decisions_visible_to(user).select_related("recorded_by"), pk=pk)


# The register's filters: what a value must look like to be understood.
FILTERS: dict[str, Callable[[str], bool]] = {
    "kind": lambda value: value in RegisteredDecision.Kind.values,
    "year": lambda value: value.isascii() and value.isdigit() and len(value) == 4,
    "area": lambda value: value.isascii() and value.isdigit() and len(value) < 3,
}


def filters_not_understood(params: QueryDict) -> list[str]:
    """The filters given with a value the register does not understand, or given twice (the
    page ignores them; the API refuses them, naming each)."""
    return [
        name
        for name, understood in FILTERS.items()
        if len(values := params.getlist(name)) > 1 or any(not understood(value) for value in values)
    ]


def search_register(
    user: User, params: Mapping[str, str]
) -> tuple[QuerySet[RegisteredDecision], dict[str, str]]:
    """The entries matching the register's search (number, title, text) and filters (kind,
    year, area); the filters as understood (unknown values are ignored, never an error)."""
    queryset = decisions_visible_to(user)
    used: dict[str, str] = {}
    q = (params.get("q") or "").strip()[:200]
    if q:
        used["q"] = q
        number = NUMBER.match(q)
        if number:
            queryset = queryset.filter(year=int(number[1]), sequence=int(number[2]))
        else:
            queryset = queryset.filter(Q(title__icontains=q) | Q(text__icontains=q))
    for name, understood in FILTERS.items():
        value = params.get(name) or ""
        if understood(value):
            used[name] = value
    if "kind" in used:
        queryset = queryset.filter(kind=used["kind"])
    if "year" in used:
        queryset = queryset.filter(year=int(used["year"]))
    if "area" in used:
        queryset = queryset.filter(area__number=int(used["area"]))
    return queryset, used


def years_in_register(user: User) -> list[int]:
    return list(
        decisions_visible_to(user).order_by("-year").values_list("year", flat=True).distinct()
    )


def subject_url(entry: RegisteredDecision) -> str:
    """The page of what was decided: the source's page of it if it has one, else (for an
    approval) the approval's page."""
    source = registry.find(entry.source)
    if source is not None and source.url_of is not None and entry.subject is not None:
        return source.url_of(entry.subject)
    if entry.approval_id:
        return reverse("approval-detail", args=[entry.approval_id])
    return ""


def approval_url(entry: RegisteredDecision) -> str:
    return reverse("approval-detail", args=[entry.approval_id]) if entry.approval_id else ""
