from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "cica_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import approvals, beat_admin, links, signals  # noqa: F401 - signals: login audit

        links.register(
            "approval-detail",
            lambda user, pk: approvals.requests_visible_to(user).filter(pk=pk).exists(),
        )
        beat_admin.register()
