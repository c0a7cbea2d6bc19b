"""Keep users in their state's exchange group (the rights of released shares follow it)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from cica_portal.models import User

from .services import sync_exchange_groups

_GROUP_FIELDS = {"role", "state", "state_id", "is_active"}


@receiver(post_save, sender=User, dispatch_uid="exchange.sync_groups")
def sync_groups_on_save(sender, instance: User, created: bool, update_fields=None, **kwargs):
    if kwargs.get("raw"):
        return
    if update_fields is not None and not (_GROUP_FIELDS & set(update_fields)):
        return  # a login or a password change: nothing that moves a user between groups
    sync_exchange_groups(instance)
