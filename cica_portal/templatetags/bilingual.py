"""The reader's language version of an official text, saying where it is not the authentic one."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from cica_portal import bilingual

register = template.Library()


@register.filter
def in_reader_language(obj: Any, field: str) -> str:
    """`{{ item|in_reader_language:"text" }}`: the Russian version to a Russian reader (a draft
    marked as such, and the page given the banner), else the English one, marked as such
    where a Russian reader gets it for want of a Russian version."""
    if obj is None:
        return ""
    english = getattr(obj, f"{field}_en", None)
    if english is None:  # not a translated field: the plain value
        return getattr(obj, field, "")
    russian = getattr(obj, f"{field}_ru", "") or ""
    if bilingual.reader_language() == "ru":
        if russian:
            if getattr(obj, "ru_status", "") == bilingual.LanguageStatus.DRAFT:
                bilingual.note_draft_shown()
                return format_html(
                    '<span class="draft-translation" title="{}">{}</span>',
                    _("Unofficial translation"),
                    russian,
                )
            return russian
        if english:
            return format_html(
                '<span lang="en">{}</span> <small class="fallback-note">{}</small>',
                english,
                _("(English: no Russian version)"),
            )
        return ""
    if english or not russian:
        return english or ""
    return format_html(
        '<span lang="ru">{}</span> <small class="fallback-note">{}</small>',
        russian,
        _("(Russian: no English version)"),
    )


@register.simple_tag
def note_draft_translation() -> str:
    """For a text a page shows outside a translated field (the plan's Introduction): the page
    shows a draft translation, and carries the banner."""
    bilingual.note_draft_shown()
    return ""
