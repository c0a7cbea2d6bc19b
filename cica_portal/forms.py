from typing import cast

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
    confirm_objection = forms.BooleanField(
        label=_(
            "I understand that an objection closes this request for every state: "
            "the text is not approved."
        ),
        required=False,
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
        cast(forms.ChoiceField, self.fields["decision"]).choices = choices

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == StateAnswer.Decision.OBJECT:
            if not (data.get("comment") or "").strip():
                self.add_error(
                    "comment",
                    _("Give the reason for your objection: it closes the request for every state."),
                )
            if not data.get("confirm_objection"):
                self.add_error(
                    "confirm_objection",
                    _("Confirm that your objection closes the request for every state."),
                )
        return data


class BreakSilenceForm(forms.Form):
    """A state breaks the silence: an objection or an amendment, with its text, confirmed."""

    decision = forms.ChoiceField(
        label=_("Break the silence by"),
        widget=forms.RadioSelect,
        choices=[
            (StateAnswer.Decision.OBJECT, _("An objection")),
            (StateAnswer.Decision.AMEND, _("An amendment")),
        ],
    )
    comment = forms.CharField(
        label=_("Text of the objection or of the amendment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    confirm_break = forms.BooleanField(
        label=_(
            "I understand that this breaks the silence for every state: the text is not adopted."
        ),
    )
    seen_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_comment(self) -> str:
        text = self.cleaned_data["comment"].strip()
        if not text:
            raise forms.ValidationError(_("Give the text of your objection or amendment."))
        return text


class TwoFactorCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits your app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("One of your recovery codes"),
        max_length=40,
        help_text=_("Each code works once. Dashes and spaces do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new token"),
        max_length=100,
        help_text=_("What it is for, so that you recognise it later (say, nightly export)."),
    )
