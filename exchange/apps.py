from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Information exchange")

    def ready(self) -> None:
        from . import approval, notice_kinds, signals  # noqa: F401

        approval.register()
        notice_kinds.register()
