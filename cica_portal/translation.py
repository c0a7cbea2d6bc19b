"""The core's official texts in both working languages (django-modeltranslation): the titles
the system writes for approval requests, and the decision register's titles and texts."""

from modeltranslation.translator import TranslationOptions, register

from .bilingual import add_language_status
from .models import ApprovalRequest, RegisteredDecision


@register(ApprovalRequest)
class ApprovalRequestTranslation(TranslationOptions):
    fields = ("title",)


@register(RegisteredDecision)
class RegisteredDecisionTranslation(TranslationOptions):
    fields = ("title", "text")


add_language_status(ApprovalRequest)
add_language_status(RegisteredDecision)
