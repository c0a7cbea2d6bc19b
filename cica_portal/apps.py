from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "cica_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import beat_admin, signals  # noqa: F401 - signals connects the audit of logins

        beat_admin.register()
