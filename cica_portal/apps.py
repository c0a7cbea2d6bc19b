from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "cica_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        # signals connects the audit of logins; lookups registers __in for integer columns.
        from . import approvals, beat_admin, links, lookups, signals  # noqa: F401

        links.register(
            "approval-detail",
            lambda user, pk: approvals.requests_visible_to(user).filter(pk=pk).exists(),
        )
        beat_admin.register()
        from .approvals import notice_kinds

        notice_kinds.register()
