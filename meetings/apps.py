from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings and seminars")

    def ready(self) -> None:
        from cica_portal import notifications, review_sections

        from . import approval, ics, notice_kinds, selectors
        from .models import Delegate

        approval.register()
        notice_kinds.register()
        notifications.register_attachments("meetings:", ics.attachments_for_notice)
        review_sections.register(
            review_sections.ReviewSection(
                name="meetings.attendance",
                model=Delegate,
                order=30,
                title=_("Attendance at meetings"),
                template="meetings/review_section_attendance.html",
                figures=selectors.attendance_of_year,
                rows=selectors.attendance_rows,
            )
        )
