"""Meetings' official texts in both working languages (django-modeltranslation): titles,
outcomes, agenda items and document titles."""

from modeltranslation.translator import TranslationOptions, register

from cica_portal.bilingual import add_language_status

from .models import AgendaItem, Meeting, MeetingDocument


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("title", "outcome")


@register(AgendaItem)
class AgendaItemTranslation(TranslationOptions):
    fields = ("title", "description")


@register(MeetingDocument)
class MeetingDocumentTranslation(TranslationOptions):
    fields = ("title",)


add_language_status(Meeting)
add_language_status(AgendaItem)
add_language_status(MeetingDocument)
