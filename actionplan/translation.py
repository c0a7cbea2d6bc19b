"""The plan's official texts in both working languages (django-modeltranslation): the items'
titles and texts, and the reasons in their status history."""

from modeltranslation.translator import TranslationOptions, register

from cica_portal.bilingual import add_language_status

from .models import ItemStatusChange, PlanItem


@register(PlanItem)
class PlanItemTranslation(TranslationOptions):
    fields = ("title", "text")


@register(ItemStatusChange)
class ItemStatusChangeTranslation(TranslationOptions):
    fields = ("reason",)


add_language_status(PlanItem)
add_language_status(ItemStatusChange)
