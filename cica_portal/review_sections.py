"""What the other apps contribute to the annual review: an explicit registry of review sections.

The review belongs to the Action Plan, but what it counts comes from everywhere (document checks
and hits, answer times to requests for information, attendance, training needs). Each app
registers a section from its `AppConfig.ready()`; the review page, its PDF and its spreadsheet
show every registered section in `order`, each rendered by its own template from the figures
its `figures` function returns for the year.

    review_sections.register(ReviewSection(
        name="exchange.documents", model=DocumentNotice, order=40,
        title=_("Lost and stolen documents"),
        template="exchange/review_section_documents.html",
        figures=selectors.document_figures_for_year,   # (year) -> dict
        rows=selectors.document_rows_for_year,          # optional: (figures) -> rows for the
    ))                                                  # spreadsheet, first row the headings

The review is read by the Secretariat (and, once published, by every member state), so a
section's figures must be counts per state, never a state's shared content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from cica_portal.registries import Registry


@dataclass(frozen=True)
class ReviewSection:
    """One section of the annual review that an app contributes."""

    name: str
    model: type[models.Model]
    title: Any
    template: str
    figures: Callable[[int], dict]
    order: int = 100
    rows: Callable[[dict], list[list[Any]]] | None = None

    def __post_init__(self) -> None:
        if not self.name or not self.template or not callable(self.figures):
            raise ImproperlyConfigured("A review section needs a name, a template and figures.")


class UnknownSection(ImproperlyConfigured):
    pass


_sections: Registry[ReviewSection] = Registry(
    "Review section",
    name_of=lambda section: section.name,
    model_of=lambda section: section.model,
    unknown=UnknownSection,
)
register = _sections.register
unregister = _sections.unregister


@dataclass(frozen=True)
class RenderedSection:
    section: ReviewSection
    figures: dict

    @property
    def template(self) -> str:
        return self.section.template

    @property
    def title(self) -> Any:
        return self.section.title


def sections_for(year: int) -> list[RenderedSection]:
    """Every registered section with its figures for the year, in order."""
    ordered = sorted(_sections.registered(), key=lambda s: (s.order, s.name))
    return [RenderedSection(section, section.figures(year)) for section in ordered]
