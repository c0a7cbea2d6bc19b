from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FocalPointsConfig(AppConfig):
    name = "focalpoints"
    verbose_name = _("Focal-point network")

    def ready(self) -> None:
        from cica_portal import urgent

        from . import notice_kinds, services

        notice_kinds.register()
        urgent.register(urgent.UrgentRoute("focalpoints", services.deliver_urgent))
