"""The list page's table of shares, written in Python: `{% share_rows shares %}`.

Rendering the same 25 rows through the template language cost about 500 variable lookups, 25
includes and 25 reversed URLs a page, most of the recipient's list beyond its SQL. Here the
labels, the URL pattern and the translated headers are taken once per table; each row is one
format string with every value escaped. The markup is the one the template wrote."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from .. import handling
from ..models import Share

register = template.Library()

_ROW = (
    '<tr><th scope="row"><a href="{url}">#{pk} {title}</a></th><td>{template}</td>'
    '<td><span class="tlp tlp--{tlp_css}" lang="en" title="{tlp_meaning}">{tlp}</span>'
    '{handling} <span class="tag" lang="en" title="{evaluation_title}: {source} {information}">'
    "{evaluation}</span></td><td>{state}</td><td>{concerned}</td><td>{recipients}{secretariat}"
    '</td><td><span class="status status--{status}">{status_label}</span></td>'
    "<td>{updated}</td></tr>"
)
_PK = 2**31 - 1  # stands for the share's id in its URL, reversed once


def _codes(codes: list[str]) -> str:
    return escape(", ".join(codes)) if codes else "—"


@register.simple_tag
def share_rows(shares: list[Share]) -> SafeString:
    """The table of a page of the list (rows from `selectors.rows_for_page`, with their state
    codes from `attach_state_codes`)."""
    url = reverse("exchange:detail", args=[_PK]).replace(str(_PK), "{}")
    labels = {value: escape(label) for value, label in Share.Status.choices}
    secretariat = f' <span class="tag">{escape(gettext("Secretariat"))}</span>'
    evaluation_title = escape(gettext("Evaluation"))
    meanings: dict[tuple[int, str], str] = {}  # each lazy meaning translated once a table
    dates: dict = {}

    def meaning(table: dict, code: str) -> str:
        key = (id(table), code)
        if key not in meanings:
            meanings[key] = escape(table.get(code, ""))
        return meanings[key]

    rows = []
    for share in shares:
        day = timezone.localtime(share.updated_at).date()
        if day not in dates:
            dates[day] = formats.date_format(day, "SHORT_DATE_FORMAT")
        tags = "".join(
            f' <span class="tag" lang="en" title="{meaning(handling.HANDLING_MEANINGS, code)}">'
            f"{escape(code)}</span>"
            for code in share.handling_codes or ()
        )
        rows.append(
            _ROW.format(
                url=url.format(share.pk),
                pk=share.pk,
                title=escape(share.display_title),
                template=escape(share.template.title),
                tlp_css=escape(share.tlp_css),
                tlp_meaning=meaning(handling.TLP_MEANINGS, share.tlp),
                tlp=escape(share.tlp_label),
                handling=tags,
                evaluation_title=evaluation_title,
                source=meaning(handling.SOURCE_MEANINGS, share.source_reliability),
                information=meaning(handling.INFORMATION_MEANINGS, share.information_reliability),
                evaluation=escape(share.evaluation),
                state=escape(share.originating_state.name),
                concerned=_codes(share.concerned_codes),  # type: ignore[attr-defined]
                recipients=_codes(share.recipient_codes),  # type: ignore[attr-defined]
                secretariat=secretariat if share.secretariat_may_read else "",
                status=escape(share.status),
                status_label=labels.get(share.status, escape(share.status)),
                updated=dates[day],
            )
        )
    head = "".join(
        f'<th scope="col">{escape(label)}</th>'
        for label in (
            gettext("Share"),
            gettext("Template"),
            gettext("Handling"),
            pgettext("originating state", "From"),
            gettext("Concerned"),
            gettext("Recipients"),
            gettext("Status"),
            gettext("Updated"),
        )
    )
    return mark_safe(  # noqa: S308 (every value above is escaped)
        f'<table class="table">\n  <caption class="visually-hidden">'
        f"{escape(gettext('Shares you may see'))}</caption>\n"
        f"  <thead><tr>{head}</tr></thead>\n  <tbody>\n  {''.join(rows)}\n  </tbody>\n</table>"
    )
