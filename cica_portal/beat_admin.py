"""django-celery-beat's admin for cron schedules, with one repair: a refused value is a form
error, not a 500.

Its change form shows the schedule in words (a read-only field computed by celery's cron
parser). When the form refuses a value (a minute of "-1"), the page is shown again with the
refused value on the instance, the parser raises its own ParseException and the page is a 500.
Here the words are computed defensively; everything else is the library's admin.
"""

from __future__ import annotations

from celery.schedules import ParseException
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import CrontabScheduleAdmin
from django_celery_beat.models import CrontabSchedule


class CheckedCrontabScheduleAdmin(CrontabScheduleAdmin):
    fields = tuple(
        "schedule_in_words" if name == "human_readable" else name
        for name in CrontabScheduleAdmin.fields
    )
    readonly_fields = ("schedule_in_words",)
    list_display = ("__str__", "schedule_in_words")

    @admin.display(description=_("Schedule in words"))
    def schedule_in_words(self, schedule: CrontabSchedule) -> str:
        try:
            return schedule.human_readable
        except (ParseException, ValueError, TypeError, KeyError):
            return "—"


def register() -> None:
    """Replace the library's registration (called once the admin has discovered it)."""
    if admin.site.is_registered(CrontabSchedule):
        admin.site.unregister(CrontabSchedule)
    admin.site.register(CrontabSchedule, CheckedCrontabScheduleAdmin)
