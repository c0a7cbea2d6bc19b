"""Two equally authentic languages in the content: each official text is stored in English and
in Russian, and each language version says what it is (the original, an official translation,
or a draft translation).

The texts themselves are translated fields of django-modeltranslation, registered per app in
`<app>/translation.py` (so `title` becomes `title_en` and `title_ru`, and reading `title` gives
the reader's language). Each registered model gets, from the same `translation.py`, one status
per language (`en_status`, `ru_status`) with `add_language_status(Model)`: the apps' models.py
stay as they are.

Pages show a text with `{% load bilingual %}{{ obj|in_reader_language:"title" }}`: the reader's
language version, or the English one marked "(English: no Russian version)"; a Russian draft
translation is marked, and the page it is on carries the "unofficial translation" banner
(`DraftTranslationBannerMiddleware`).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.fields import TranslationFieldDescriptor

LANGUAGE_CODES = ("en", "ru")


class LanguageStatus(models.TextChoices):
    ORIGINAL = "original", _("Original")
    OFFICIAL = "official", _("Official translation")
    DRAFT = "draft", _("Draft translation")


def add_language_status(model: type[models.Model]) -> None:
    """Give a translated model (registered just before) one status per language version
    (English: the original by default; Russian: a draft translation until someone says
    otherwise), and have its draft translations noticed on the page that reads them."""
    fields = {
        "en": (_("status of the English version"), LanguageStatus.ORIGINAL),
        "ru": (_("status of the Russian version"), LanguageStatus.DRAFT),
    }
    for code, (verbose_name, default) in fields.items():
        name = f"{code}_status"
        if any(field.name == name for field in model._meta.local_fields):
            continue
        models.CharField(
            verbose_name, max_length=10, choices=LanguageStatus, default=default
        ).contribute_to_class(model, name)
    _notice_draft_reads(model)


class _DraftNoticingDescriptor(TranslationFieldDescriptor):
    """modeltranslation's descriptor (`item.text` in the reader's language), which also tells
    the page when what it gives a Russian reader is a draft translation: whatever template or
    code shows it, the page gets the banner."""

    def __get__(self, instance: Any, owner: Any) -> Any:
        value = super().__get__(instance, owner)
        if (
            instance is not None
            and value
            and instance.__dict__.get("ru_status") == LanguageStatus.DRAFT
            and value == instance.__dict__.get(f"{self.field.name}_ru")
            and reader_language() == "ru"
        ):
            note_draft_shown()
        return value


def _notice_draft_reads(model: type[models.Model]) -> None:
    for descriptor in vars(model).values():
        if type(descriptor) is TranslationFieldDescriptor:
            descriptor.__class__ = _DraftNoticingDescriptor


def translated_models() -> dict[type[models.Model], tuple[str, ...]]:
    """Every model with translated fields, and those fields."""
    from modeltranslation.translator import translator

    return {
        model: tuple(getattr(translator.get_options_for_model(model), "fields", ()))
        for model in translator.get_registered_models(abstract=False)
    }


def translated_fields(model: type[models.Model]) -> tuple[str, ...]:
    return translated_models().get(model, ())


def versions_of(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, dict]:
    """Both language versions of an object's translated fields, e.g. for an approval's hash:
    `{"title": {"en": ..., "ru": ...}, ...}` (a change to either is a change)."""
    names = tuple(fields) if fields is not None else translated_fields(type(obj))
    return {
        name: {code: getattr(obj, f"{name}_{code}", "") or "" for code in LANGUAGE_CODES}
        for name in names
    }


def reader_language() -> str:
    return "ru" if (translation.get_language() or "en").startswith("ru") else "en"


def _field_in_language(obj: models.Model, field: str, limit: int | None = None) -> str:
    code = reader_language()
    value = getattr(obj, f"{field}_{code}", "") or getattr(obj, f"{field}_en", "") or ""
    return value[:limit] if limit else value


# A translated field as a lazy text, rendered in the language active when it is read (in an
# approval's title, made once per language by `in_every_language`).
lazy_field = lazy(_field_in_language, str)


def in_every_language(make: Callable[[], Any]) -> dict[str, str]:
    """`make()` rendered once per language, as `{"title_en": ..., "title_ru": ...}` wants it:
    for a text the system writes from a translatable pattern (an approval's title)."""
    rendered = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            rendered[code] = str(make())
    return rendered


def version(obj: models.Model, field: str, code: str) -> str:
    """One language version of a translated field (`title_ru`), "" where there is none."""
    return getattr(obj, f"{field}_{code}", "") or ""


def written_language(user: Any) -> str:
    """The language a person writes in: the one they chose on their account."""
    language = (getattr(user, "language", "") or "en")[:2]
    return language if language in LANGUAGE_CODES else "en"


def statuses_for_original(code: str) -> dict[str, str]:
    """The statuses of a text first written in this language: the original, the other
    language's version a draft (to be translated)."""
    return {
        f"{lang}_status": LanguageStatus.ORIGINAL if lang == code else LanguageStatus.DRAFT
        for lang in LANGUAGE_CODES
    }


def titles_of(obj: models.Model, field: str = "title") -> dict[str, str]:
    """An object's text in both languages, as `titles()` takes it."""
    return {code: getattr(obj, f"{field}_{code}", "") or "" for code in LANGUAGE_CODES}


def titles(title: str | Promise | dict[str, str]) -> dict[str, str]:
    """A title the system writes, in both languages: a lazy text (a translatable pattern) is
    rendered in each; a plain string is the English version only."""
    if isinstance(title, dict):
        return {code: title.get(code, "") for code in LANGUAGE_CODES}
    if isinstance(title, Promise):
        return in_every_language(lambda: title)
    return {"en": title, "ru": ""}


# Whether the page being rendered shows a draft translation: set by the template filter,
# read by the middleware that puts the banner on the page.
_draft_shown: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar(
    "draft_translation_shown", default=None
)


def note_draft_shown() -> None:
    shown = _draft_shown.get()
    if shown is not None:
        shown.append(True)


class DraftTranslationBannerMiddleware:
    """Every page that shows a draft translation says so at the top of its main content."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _draft_shown.set([])
        try:
            response = self.get_response(request)
            shown = bool(_draft_shown.get())
        finally:
            _draft_shown.reset(token)
        if shown and not getattr(response, "streaming", False):
            self._add_banner(request, response)
        return response

    @staticmethod
    def _add_banner(request: HttpRequest, response: HttpResponse) -> None:
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        content = response.content.decode(response.charset or settings.DEFAULT_CHARSET)
        start = content.find("<main")
        end = content.find(">", start) if start >= 0 else -1
        if end < 0:
            return
        banner = render_to_string("portal/draft_translation_banner.html", request=request)
        response.content = (content[: end + 1] + banner + content[end + 1 :]).encode(
            response.charset or settings.DEFAULT_CHARSET
        )
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
