"""Forms of the actionplan app: what a person may type, never their role, state or status."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cica_portal.models import Area
from meetings import selectors as meeting_selectors

from .models import ImplementationReport, PlanItem, ReportEntry


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=PlanItem.Status.choices)
    reason = forms.CharField(
        label=_("Reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Recorded in the item's history with your name and the time."),
    )
    basis_meeting = forms.ModelChoiceField(
        label=_("Meeting it rests on"),
        queryset=None,  # the meetings the user may see: set per form
        required=False,
        help_text=_("The meeting that agreed it, if any."),
    )
    basis = forms.CharField(
        label=_("Decision it rests on"),
        max_length=300,
        required=False,
        help_text=_(
            "The decision's reference or the record it rests on, e.g. \"SOC 2027, decision "
            'CICA/D/2027/3". Name a meeting, a decision, or both.'
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["basis_meeting"].queryset = meeting_selectors.decision_meetings(user)

    def clean(self):
        data = super().clean()
        if not (data.get("basis") or "").strip() and not data.get("basis_meeting"):
            self.add_error(
                "basis", _("Name the meeting or the decision this status change rests on.")
            )
        return data


class ApprovalRequestForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("Deadline for answers"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for 30 days from now."),
    )


class SilenceForm(forms.Form):
    """The instant a text under silence is adopted, typed in the Secretariat's own zone."""

    silence_until = forms.DateTimeField(
        label=_("Under silence until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}),
    )

    def __init__(self, *args, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone or timezone.get_current_timezone()
        self.fields["silence_until"].help_text = _(
            "In your time zone, %(zone)s; stored and shown to every state in UTC too."
        ) % {"zone": self.zone}

    def clean_silence_until(self):
        value = self.cleaned_data["silence_until"]
        instant = timezone.make_aware(timezone.make_naive(value), self.zone)
        if instant <= timezone.now():
            raise forms.ValidationError(_("The silence must end in the future."))
        return instant


class MeasureProposalForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.order_by("number"))
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(
        label=_("Text of the measure"), widget=forms.Textarea(attrs={"rows": 6}), max_length=8000
    )
    rationale = forms.CharField(
        label=_("Why your state proposes it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )


class ReportEntryForm(forms.Form):
    progress = forms.ChoiceField(label=_("Status"), choices=ReportEntry.Progress.choices)
    narrative = forms.CharField(
        label=_("What your state has done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        required=False,
    )


def entry_forms(entries, data=None) -> list[tuple[ReportEntry, ReportEntryForm]]:
    """One small form per entry, prefixed by the item id so that posts map back to items."""
    return [
        (
            entry,
            ReportEntryForm(
                data,
                prefix=f"item-{entry.item_id}",
                initial={"progress": entry.progress, "narrative": entry.narrative},
            ),
        )
        for entry in entries
    ]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument text, PNG or JPEG."),
    )
    item = forms.ModelChoiceField(
        label=_("Concerns"),
        queryset=PlanItem.objects.none(),
        required=False,
        empty_label=_("The report as a whole"),
    )

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["item"].queryset = items
        self.fields["file"].help_text = _(
            "PDF, Word, Excel, PowerPoint, OpenDocument text, PNG or JPEG; at most %(mb)s MB."
        ) % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}


class ReturnReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What must be corrected"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


REPORT_STATUSES = ImplementationReport.Status


class ReviewTextForm(forms.Form):
    """The Secretariat's own words in the consolidated review."""

    summary = forms.CharField(
        label=_("Secretariat's summary"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        required=False,
    )
    conclusions = forms.CharField(
        label=_("Secretariat's conclusions"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        required=False,
    )

    def __init__(self, *args, cycle=None, **kwargs):
        if cycle is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {"summary": cycle.summary, "conclusions": cycle.conclusions}
        super().__init__(*args, **kwargs)


class SwgConclusionsForm(forms.Form):
    """What the SWG concluded on the consolidated review."""

    swg_conclusions = forms.CharField(
        label=_("SWG's conclusions"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )

    def __init__(self, *args, cycle=None, **kwargs):
        if cycle is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {"swg_conclusions": cycle.swg_conclusions}
        super().__init__(*args, **kwargs)
