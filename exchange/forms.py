"""Forms built from a template's fields; the template validator has the last word."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from cica_portal.models import State
from cica_portal.uploads import validate_upload

from . import document_selectors, handling, selectors, template_language
from .models import DocumentHit, Share, ShareTemplate
from .validation import validate_content

PREFIX = "c_"
YES_NO = [("", "—"), ("true", _("Yes")), ("false", _("No"))]


def _state_choices() -> list[tuple[str, str]]:
    return [(s.code, f"{s.name} ({s.code})") for s in State.objects.order_by("name_en")]


def _member_states():
    return State.objects.members().order_by("name_en")


def _field_for(spec: dict, state_choices) -> forms.Field:
    kind = spec["type"]
    common = {
        "label": template_language.label_of(spec),
        "required": bool(spec.get("required")),
        "help_text": template_language.help_of(spec),
    }
    if kind == "text":
        return forms.CharField(max_length=1000, **common)
    if kind == "long_text":
        return forms.CharField(max_length=20000, widget=forms.Textarea(attrs={"rows": 5}), **common)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "number":
        return forms.DecimalField(max_digits=18, decimal_places=4, **common)
    if kind == "boolean":
        return forms.TypedChoiceField(
            choices=YES_NO, coerce=lambda v: v == "true", empty_value=None, **common
        )
    if kind == "choice":
        choices = [("", "—"), *template_language.choices_of(spec)]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "state":
        return forms.ChoiceField(choices=[("", "—"), *state_choices], **common)
    if kind == "states":
        return forms.MultipleChoiceField(
            choices=state_choices, widget=forms.SelectMultiple(attrs={"size": 8}), **common
        )
    raise ValueError(kind)


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def content_initial(template: ShareTemplate, content: dict) -> dict:
    """A share's stored content as initial values of the form's fields."""
    initial = {}
    for spec in template.fields:
        value = content.get(spec["name"])
        if spec["type"] == "boolean" and value is not None:
            value = "true" if value else "false"
        initial[PREFIX + spec["name"]] = value
    return initial


HANDLING_FIELD_NAMES = (
    "tlp",
    "handling_codes",
    "handling_note",
    "source_reliability",
    "information_reliability",
)


def handling_fields() -> dict[str, forms.Field]:
    """The author's choice of handling and evaluation, each option with its meaning."""
    return {
        "tlp": forms.ChoiceField(
            label="TLP",
            choices=[(v, f"TLP:{v} — {handling.TLP_MEANINGS[v]}") for v in handling.TLP_VALUES],
            initial=handling.DEFAULT_TLP,
            widget=forms.RadioSelect,
            help_text=_("How far the recipients may pass it on (Traffic Light Protocol 2.0)."),
        ),
        "handling_codes": forms.MultipleChoiceField(
            label=_("Handling codes"),
            choices=[
                (c, f"{c} — {handling.HANDLING_MEANINGS[c]}") for c in handling.HANDLING_CODES
            ],
            initial=handling.default_handling_codes(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("What the recipients may use it for."),
        ),
        "handling_note": forms.CharField(
            label=_("Other restrictions (H3)"),
            required=False,
            max_length=handling.MAX_NOTE,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("Required with H3: the restriction, in words."),
        ),
        "source_reliability": forms.ChoiceField(
            label=_("Reliability of the source"),
            choices=[(v, handling.SOURCE_MEANINGS[v]) for v in handling.SOURCE_RELIABILITY],
            initial=handling.DEFAULT_SOURCE,
        ),
        "information_reliability": forms.ChoiceField(
            label=_("Reliability of the information"),
            choices=[
                (v, handling.INFORMATION_MEANINGS[v]) for v in handling.INFORMATION_RELIABILITY
            ],
            initial=handling.DEFAULT_INFORMATION,
        ),
    }


class ShareForm(forms.Form):
    """Title, the template's fields, then who is concerned and who will read it."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("Seen by everyone who may see the share; never by others."),
    )

    route_confirmed = forms.CharField(required=False, widget=forms.HiddenInput)
    route_proposed = False  # set when this submission showed states proposed from the route

    def __init__(
        self,
        *args,
        template: ShareTemplate,
        with_attachment: bool = False,
        originating_state_id: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.template = template
        self.originating_state_id = originating_state_id
        state_choices = _state_choices()
        for spec in template.fields:
            self.fields[PREFIX + spec["name"]] = _field_for(spec, state_choices)
        self.fields["concerned_states"] = forms.ModelMultipleChoiceField(
            label=_("Concerned states"),
            queryset=_member_states(),
            required=False,
            to_field_name="code",
            widget=forms.CheckboxSelectMultiple,
            help_text=_(
                "Member states only; each must consent before release, as does your own state. "
                "The member states the case names (origin, transit, destination) are proposed "
                "for you to confirm, never added without you."
            ),
        )
        self.fields["recipient_states"] = forms.ModelMultipleChoiceField(
            label=_("Recipient states"),
            queryset=selectors.recipient_choices(template),
            required=False,
            to_field_name="code",
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Their users may read the share once every concerned state consents."),
        )
        self.fields["all_member_states"] = forms.BooleanField(
            label=_("All member states"),
            required=False,
            help_text=_("Release it to every member state (the choice above is then ignored)."),
        )
        self.fields["distribution_confidential"] = forms.BooleanField(
            label=_("Keep the distribution confidential"),
            required=False,
            help_text=_(
                "Recipients see only that their own state received it, not the other "
                "recipients nor the concerned states. The states asked for consent still see "
                "the whole distribution."
            ),
        )
        self.fields["secretariat_may_read"] = forms.BooleanField(
            label=_("The Secretariat may read it once released"), required=False
        )
        self.fields.update(handling_fields())
        if with_attachment:
            self.fields["attachment"] = forms.FileField(
                label=_("Attach a file"),
                required=False,
                validators=[validate_upload],
                help_text=_(
                    "A photo, a scanned document or a spreadsheet (PDF, Word, Excel, "
                    "PowerPoint, OpenDocument text, PNG or JPEG). It is encrypted, read only by "
                    "those who may read the share, and part of what the states consent to."
                ),
            )

    def clean(self):
        cleaned = super().clean()
        content = {}
        for spec in self.template.fields:
            value = cleaned.get(PREFIX + spec["name"])
            if value not in (None, "", []):
                content[spec["name"]] = _to_json(value)
        clean, errors = validate_content(self.template, content)
        self.add_content_errors(errors)
        cleaned["content"] = clean
        if cleaned.get("all_member_states"):
            cleaned["recipient_states"] = list(_member_states())
        self._propose_from_route(content, cleaned.get("concerned_states"))
        codes = cleaned.get("handling_codes") or []
        if handling.H3 in codes and not cleaned.get("handling_note", "").strip():
            self.add_error("handling_note", _("Say in words what H3 restricts."))
        cleaned["handling"] = {
            name: cleaned[name] for name in HANDLING_FIELD_NAMES if name in cleaned
        }
        return cleaned

    def _propose_from_route(self, content: dict, concerned) -> None:
        """States the route names that the author has not yet been shown: tick them, say so,
        and save nothing this time. The author's next save is the confirmation."""
        proposed = selectors.proposed_concerned(
            self.template, content, originating_state_id=self.originating_state_id
        )
        given = self.data.get(self.add_prefix("route_confirmed"))
        shown = set(given.split(",")) if isinstance(given, str) else set()
        ticked = {state.code for state in concerned or []}
        new = [state for state in proposed if state.code not in shown | ticked]
        if not new:
            return
        self.route_proposed = True
        data = self.data.copy()  # a QueryDict's copy is mutable
        codes = sorted(ticked | {state.code for state in new})
        if isinstance(data, QueryDict):
            data.setlist(self.add_prefix("concerned_states"), codes)
        else:
            data[self.add_prefix("concerned_states")] = codes
        confirmed = sorted(shown | {state.code for state in proposed})
        data[self.add_prefix("route_confirmed")] = ",".join(confirmed)
        self.data = data
        self.add_error(
            "concerned_states",
            _(
                "Proposed from the route: confirm. The case names %(states)s; they are ticked "
                "below and are asked to consent only once you save again. Untick any that need "
                "not consent."
            )
            % {"states": ", ".join(f"{state.name} ({state.code})" for state in new)},
        )

    def add_content_errors(self, errors: dict) -> None:
        for name, messages in errors.items():
            field = PREFIX + name
            for message in messages:
                if field in self.fields and field not in self.errors:
                    self.add_error(field, message)
                elif field not in self.fields:
                    self.add_error(None, message)

    @classmethod
    def initial_for(cls, share: Share) -> dict:
        return {
            "title": share.title,
            **content_initial(share.template, share.content),
            "concerned_states": list(share.concerned_states.all()),
            "recipient_states": list(share.recipient_states.all()),
            "secretariat_may_read": share.secretariat_may_read,
            "distribution_confidential": share.distribution_confidential,
            # The route as saved was decided on: only a state it newly names is proposed.
            "route_confirmed": ",".join(
                state.code
                for state in selectors.proposed_concerned(
                    share.template, share.content, originating_state_id=share.originating_state_id
                )
            ),
            **{name: getattr(share, name) for name in HANDLING_FIELD_NAMES},
        }


DOCUMENT_TYPES = [
    "Passport", "Identity card", "Travel document", "Visa", "Residence permit", "Blank document",
    "Other",
]  # fmt: skip


class DocumentCheckForm(forms.Form):
    """A number (with its issuing state and type, if known), or a machine-readable zone typed
    by hand or pasted: its check digits are verified, a wrong one named."""

    number = forms.CharField(
        label=_("Document number"),
        max_length=100,
        required=False,
        help_text=_("Case, spaces and dashes do not matter."),
    )
    issuing_state = forms.ModelChoiceField(
        label=_("Issuing state"),
        queryset=State.objects.order_by("name_en"),
        to_field_name="code",
        required=False,
    )
    document_type = forms.ChoiceField(
        label=_("Type of document"),
        choices=[("", _("Any"))] + [(t, t) for t in DOCUMENT_TYPES],
        required=False,
    )
    mrz = forms.CharField(
        label=_("Or the machine-readable zone"),
        max_length=200,
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "cols": 46,
                "spellcheck": "false",
                "autocapitalize": "characters",
                "class": "mrz",
            }
        ),
        help_text=_(
            "The two lines at the foot of a passport's photo page, or the three lines on the back "
            "of an identity card: type or paste them, one line under the other. Spaces and "
            "lower case do not matter; '<' is the filler."
        ),
    )

    def clean(self):
        from .document_api import query_from_mrz
        from .mrz import MRZError
        from .validation import normalise_document_number

        cleaned = super().clean()
        text = cleaned.get("mrz") or ""
        if text.strip():
            try:
                cleaned["query"] = query_from_mrz(text)
            except MRZError as error:
                self.add_error("mrz", error.message)
        elif normalise_document_number(cleaned.get("number") or ""):
            cleaned["query"] = document_selectors.DocumentQuery(
                number=cleaned["number"],
                issuing_state=cleaned["issuing_state"].code
                if cleaned.get("issuing_state")
                else None,
                document_type=cleaned.get("document_type") or None,
            )
        elif "number" not in self.errors:
            self.add_error("number", _("Enter a document number or the machine-readable zone."))
        return cleaned


class HitOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DocumentHit.Outcome.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReshareForm(forms.Form):
    """A recipient state asks to pass a share on: named states, or a national authority."""

    states = forms.ModelMultipleChoiceField(
        label=_("States to pass it on to"),
        queryset=State.objects.none(),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    authority = forms.CharField(
        label=_("Or a national authority of your state"),
        max_length=300,
        required=False,
        help_text=_("In words, e.g. the prosecutor's office."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, share: Share, state_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        have = {share.originating_state_id, *share.recipient_states.values_list("pk", flat=True)}
        if share.distribution_confidential:  # leaving out the recipients would name them
            have = {share.originating_state_id, state_id}
        self.fields["states"].queryset = selectors.recipient_choices(share.template).exclude(
            pk__in=have
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("states") and not (cleaned.get("authority") or "").strip():
            self.add_error("states", _("Name the states, or the national authority."))
        return cleaned


class JudicialUseForm(forms.Form):
    """The provider records permission (H1) for one recipient state's judicial use."""

    state = forms.ModelChoiceField(
        label=_("State permitted to use it in judicial proceedings"),
        queryset=State.objects.none(),
        to_field_name="code",
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, share: Share, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].queryset = share.recipient_states.order_by("name_en")


class WithdrawForm(forms.Form):
    """The confirmation of a withdrawal: the reason is required and told to the audit log."""

    reason = forms.CharField(
        label=_("Reason for withdrawing it"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the share's history and the audit log."),
    )


class FoundDocumentForm(forms.Form):
    """A focal point reports a document another state issued that its services found."""

    issuing_state = forms.ModelChoiceField(
        label=_("Issuing state"), queryset=State.objects.order_by("name_en"), to_field_name="code"
    )
    document_type = forms.ChoiceField(
        label=_("Type of document"), choices=[(t, t) for t in DOCUMENT_TYPES]
    )
    number = forms.CharField(label=_("Document number"), max_length=100)
    found_on = forms.DateField(label=_("Found on"), help_text=_("YYYY-MM-DD"))
    place = forms.CharField(label=_("Place found"), max_length=300, required=False)
    remarks = forms.CharField(
        label=_("Remarks"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FoundDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("Confirm: it is our document")), ("reject", _("Reject"))],
    )
    note = forms.CharField(label=_("Note (required to reject)"), max_length=500, required=False)


class DocumentImportForm(forms.Form):
    """A focal point's CSV list of its own state's lost and stolen documents, checked or
    imported; who may read the new notices once its state consents."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One document a line, with a header line naming the columns (see the example). "
            "Comma or semicolon separated."
        ),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding"),
        choices=[("utf-8", "UTF-8"), ("windows-1251", "Windows-1251")],
        initial="utf-8",
        help_text=_('Excel\'s "CSV UTF-8" is UTF-8; its plain "CSV" in Russian is Windows-1251.'),
    )
    recipient_states = forms.ModelMultipleChoiceField(
        label=_("Recipient states"),
        queryset=State.objects.members().order_by("name_en"),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who may check the new documents once your state consents to each."),
    )
    all_member_states = forms.BooleanField(
        label=_("All member states"),
        required=False,
        initial=True,
        help_text=_("Release them to every member state (the choice above is then ignored)."),
    )
    secretariat_may_read = forms.BooleanField(
        label=_("The Secretariat may read them once released"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("all_member_states"):
            cleaned["recipient_states"] = list(_member_states())
        return cleaned
