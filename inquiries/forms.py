"""Input of requests for information. The sender's state and role come from the account, never
from a field; the rules are the services' (a refusal is shown on the field it names)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cica_portal.models import State
from exchange import handling

from .models import RefusalReason, RequestedState, Urgency


def _other_members(exclude_id: int | None):
    states = State.objects.members().order_by("name_en")
    return states.exclude(pk=exclude_id) if exclude_id else states


class RequestForm(forms.Form):
    states = forms.ModelMultipleChoiceField(
        label=_("States asked"),
        queryset=State.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each state answers for itself and sees neither the others asked nor their answers."
        ),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the information is needed for: the offence, the case, the operation."),
    )
    legal_grounds = forms.CharField(
        label=_("Legal grounds"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The law or agreement under which you ask."),
    )
    questions = forms.CharField(
        label=_("What is asked"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    urgency_reason = forms.CharField(
        label=_("Why it is urgent"),
        max_length=1000,
        required=False,
        help_text=_("Required for an urgent request."),
    )
    handling_codes = forms.MultipleChoiceField(
        label=_("Handling codes"),
        choices=[
            (code, f"{code}: {handling.HANDLING_MEANINGS[code]}")
            for code in handling.HANDLING_CODES
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    handling_note = forms.CharField(
        label=_("Handling note"),
        max_length=handling.MAX_NOTE,
        required=False,
        help_text=_("Say in words what H3 restricts."),
    )
    share = forms.IntegerField(
        label=_("Related share (number)"),
        min_value=1,
        max_value=2_147_483_647,
        required=False,
        help_text=_("Optional: a share you may read that the request is about."),
    )
    secretariat_may_read = forms.BooleanField(
        label=_("The Secretariat may read the request and its answers"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["states"].queryset = _other_members(user.state_id)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "states": list(data["states"]),
            "subject": data["subject"],
            "purpose": data["purpose"],
            "legal_grounds": data["legal_grounds"],
            "questions": data["questions"],
            "urgency": data["urgency"],
            "urgency_reason": data["urgency_reason"],
            "handling_codes": list(data["handling_codes"]),
            "handling_note": data["handling_note"],
            "share_id": data["share"],
            "secretariat_may_read": data["secretariat_may_read"],
        }


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Your answer"), choices=RequestedState.Outcome.choices, widget=forms.RadioSelect
    )
    answer = forms.CharField(
        label=_("The answer"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    refusal_reason = forms.ChoiceField(
        label=_("Reason for not giving (all of) the information"),
        choices=[("", "—"), *RefusalReason.choices],
        required=False,
        help_text=_("Required when you refuse or answer in part."),
    )
    refusal_note = forms.CharField(label=_("Note on the refusal"), max_length=1000, required=False)
    third_states = forms.ModelMultipleChoiceField(
        label=_("Third states whose information the answer carries"),
        queryset=State.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Each must consent before the answer reaches the requesting state, as with a share."
        ),
    )
    late_reason = forms.CharField(
        label=_("Why the answer is late"),
        max_length=1000,
        required=False,
        help_text=_("Required once the deadline has passed."),
    )

    def __init__(self, *args, part: RequestedState, **kwargs):
        super().__init__(*args, **kwargs)
        own = [part.state_id, part.request.requesting_state_id]
        self.fields["third_states"].queryset = (
            State.objects.members().exclude(pk__in=own).order_by("name_en")
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "answer": data["answer"],
            "refusal_reason": data["refusal_reason"],
            "refusal_note": data["refusal_note"],
            "third_states": list(data["third_states"]),
            "late_reason": data["late_reason"],
        }


class FilterForm(forms.Form):
    box = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All")),
            ("sent", _("Sent by my state")),
            ("received", _("Sent to my state")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *RequestedState.Status.choices]
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("Any")), *Urgency.choices]
    )
