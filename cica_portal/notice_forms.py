"""Forms of the notification pages: preferences per kind, the list's filter, marking read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from . import notice_kinds
from .models import Delivery, Notification, User


class NoticePreferencesForm(forms.Form):
    """One choice per registered kind; kinds that need action are shown, never choosable."""

    def __init__(self, *args: Any, current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed = []
        for kind in notice_kinds.registered():
            if kind.needs_action:
                self.fixed.append(kind)
                continue
            self.fields[kind.name] = forms.ChoiceField(
                label=str(kind.label),
                choices=Delivery.choices,
                initial=current.get(kind.name, Delivery.IMMEDIATE),
                required=False,  # left out: unchanged
            )


STATE_CHOICES = [("", _("All")), ("unread", _("Unread")), ("read", _("Read"))]


class NoticeFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    state = forms.ChoiceField(label=_("Show"), required=False, choices=STATE_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("All kinds")),
            *[(kind.name, kind.label) for kind in notice_kinds.registered()],
            ("other", _("Other")),
        ]

    def apply(self, notices: QuerySet[Notification]) -> QuerySet[Notification]:
        """The notices this filter keeps (call once the form is valid)."""
        kind, state = self.cleaned_data.get("kind"), self.cleaned_data.get("state")
        if kind == "other":
            names = [k.name for k in notice_kinds.registered()]
            notices = notices.exclude(kind__in=names)
        elif kind:
            notices = notices.filter(kind=kind)
        if state == "unread":
            notices = notices.filter(read_at=None)
        elif state == "read":
            notices = notices.exclude(read_at=None)
        return notices


class MarkReadForm(forms.Form):
    """The notices ticked on the page: only the person's own can be chosen."""

    notice = forms.ModelMultipleChoiceField(
        label=_("Notifications"),
        queryset=Notification.objects.none(),
        error_messages={"required": _("Tick the notifications to mark as read.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["notice"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Notification.objects.filter(recipient=user)
