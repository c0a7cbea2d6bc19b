from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionPlanConfig(AppConfig):
    name = "actionplan"
    verbose_name = _("Action Plan")

    def ready(self) -> None:
        from . import approval, notice_kinds

        approval.register()
        notice_kinds.register()
