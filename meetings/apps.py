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
        self._register_review_sections()

    def _register_review_sections(self) -> None:
        from cica_portal import review_sections

        from . import selectors
        from .models import Delegate, NeedsAnswer

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
        review_sections.register(
            review_sections.ReviewSection(
                name="meetings.training_needs",
                model=NeedsAnswer,
                order=60,
                title=_("Training of the trainers: needs assessed (Action Plan II.2)"),
                template="meetings/review_section_needs.html",
                figures=selectors.needs_figures_for_year,
                rows=selectors.needs_rows_for_year,
            )
        )
