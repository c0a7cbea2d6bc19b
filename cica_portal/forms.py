from django import forms
from django.utils.translation import gettext_lazy as _

from .models import StateAnswer


class AnswerForm(forms.Form):
    """One state's answer. The state comes from the approver's record; the hash only lets the
    server refuse an answer given to a text that has since changed."""

    decision = forms.ChoiceField(label=_("Your state's answer"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    seen_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, allows_abstention: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (StateAnswer.Decision.APPROVE, _("Approve")),
            (StateAnswer.Decision.OBJECT, _("Object")),
        ]
        if allows_abstention:
            choices.append((StateAnswer.Decision.ABSTAIN, _("Abstain")))
        self.fields["decision"].choices = choices


class TwoFactorCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits your app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()
