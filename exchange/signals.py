"""Keep users in their state's exchange group; tell authors of every state's answer."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from cica_portal.models import StateAnswer, User

from .selectors import PURPOSE
from .services import notify_author_of_answer, sync_exchange_groups

_GROUP_FIELDS = {"role", "state", "state_id", "is_active"}


@receiver(post_save, sender=User, dispatch_uid="exchange.sync_groups")
def sync_groups_on_save(sender, instance: User, created: bool, update_fields=None, **kwargs):
    if kwargs.get("raw"):
        return
    if update_fields is not None and not (_GROUP_FIELDS & set(update_fields)):
        return  # a login or a password change: nothing that moves a user between groups
    sync_exchange_groups(instance)


@receiver(post_save, sender=StateAnswer, dispatch_uid="exchange.answer_given")
def tell_author_of_answer(sender, instance: StateAnswer, created: bool, **kwargs):
    if created or kwargs.get("raw") or instance.decision == StateAnswer.Decision.PENDING:
        return
    if instance.request.purpose != PURPOSE:
        return
    notify_author_of_answer(instance)
