from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings and seminars")

    def ready(self) -> None:
        from cica_portal import notifications

        from . import approval, ics, notice_kinds

        approval.register()
        notice_kinds.register()
        notifications.register_attachments("meetings:", ics.attachments_for_notice)
