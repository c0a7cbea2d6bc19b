"""Where decisions come from: an explicit registry of decision sources, filled by the apps.

A decision recorded outside the approvals (a Secretariat decision on a plan item, a decision
taken at a meeting) names its source; the source says who may read its subjects, where a
subject's page is and which area of the plan it belongs to. Decisions that close an approval
request are read by the approval's own rule (the `SubjectType`'s `visible_to`); a source
registered under the same name as the approval's purpose only adds the link and the area.

    decisions.register(DecisionSource(
        name="actionplan.item", model=PlanItem,
        visible_to=selectors.items_visible_to,        # deny by default: required
        url_of=lambda item: item.get_absolute_url(), area_of=lambda item: item.area,
    ))

An entry whose source nobody registered is shown to nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from cica_portal.registries import Registry

if TYPE_CHECKING:
    from cica_portal.models import Area, User


@dataclass(frozen=True)
class DecisionSource:
    """What the register needs to know of one kind of subject a decision is about."""

    name: str
    model: type[models.Model]
    visible_to: Callable[[User], models.QuerySet]
    url_of: Callable[[Any], str] | None = None
    area_of: Callable[[Any], Area | None] | None = None

    def __post_init__(self) -> None:
        if not self.name or not callable(self.visible_to):
            raise ImproperlyConfigured("A decision source needs a name and visible_to.")


class UnknownSource(ImproperlyConfigured):
    pass


_sources: Registry[DecisionSource] = Registry(
    "Decision source",
    name_of=lambda source: source.name,
    model_of=lambda source: source.model,
    unknown=UnknownSource,
)
# The same name for another model is an error.
register = _sources.register
unregister = _sources.unregister
find = _sources.find
# The registered source of this name; an unknown one fails loudly (for writes).
source_for = _sources.get
registered = _sources.registered
