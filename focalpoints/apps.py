from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FocalPointsConfig(AppConfig):
    name = "focalpoints"
    verbose_name = _("Focal-point network")

    def ready(self) -> None:
        from . import notice_kinds

        notice_kinds.register()
