"""Share templates in both working languages (django-modeltranslation). The labels, help texts
and choices of a template's fields are in its JSON schema, each with its `_ru` twin
(`label_ru`, `help_ru`, `choices_ru`): see `exchange.template_language`."""

from modeltranslation.translator import TranslationOptions, register

from cica_portal.bilingual import add_language_status

from .models import ShareTemplate


@register(ShareTemplate)
class ShareTemplateTranslation(TranslationOptions):
    fields = ("title", "description")


add_language_status(ShareTemplate)
