from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "cica_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the audit of logins
