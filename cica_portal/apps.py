from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "cica_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import approvals, links, signals  # noqa: F401 - signals: the audit of logins

        links.register(
            "approval-detail",
            lambda user, pk: approvals.requests_visible_to(user).filter(pk=pk).exists(),
        )
