"""Forms of the focal-point network. The state, status and owner never come from a form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cica_portal.models import Area, User

from .models import FocalPoint, Language


class LanguagesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=Language.choices, label=_("Languages"), required=False, **kwargs)


class NominationForm(forms.ModelForm):
    """What a release approver fills in to nominate, or to correct a nomination."""

    areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.order_by("number"),
        label=_("Areas"),
        widget=forms.CheckboxSelectMultiple,
    )
    languages = LanguagesField()

    class Meta:
        model = FocalPoint
        fields = [
            "name",
            "name_other_script",
            "organisation",
            "position",
            "areas",
            "role",
            "languages",
            "email",
            "phone",
            "address",
            "term_start",
            "term_end",
            "user",
            "kind",
            "time_zone",
            "note_verbale_reference",
            "note_verbale_scan",
        ]
        widgets = {
            "term_start": forms.DateInput(attrs={"type": "date"}),
            "term_end": forms.DateInput(attrs={"type": "date"}),
            "address": forms.Textarea(attrs={"rows": 3}),
            # Scans are never served by URL: a plain input, not one that links the current file.
            "note_verbale_scan": forms.FileInput(),
        }
        help_texts = {
            "note_verbale_reference": _(
                "The reference of the note verbale by which the state designates this focal "
                "point; the Secretariat checks it before verifying."
            ),
            "note_verbale_scan": _("A scan of the note verbale (PDF or image)."),
            "user": _(
                "The focal point's portal account, if they have one: they can then keep "
                "their details up to date themselves."
            ),
        }

    def __init__(self, *args, state, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False
        self.fields["time_zone"].required = False
        self.fields["user"].queryset = User.objects.filter(
            role=User.Role.FOCAL_POINT, state=state, is_active=True
        ).order_by("username")
        if self.instance.pk:
            self.initial["languages"] = self.instance.language_codes
            self.initial["areas"] = list(self.instance.areas.all())

    def clean(self):
        data = super().clean()
        if (
            data.get("term_end")
            and data.get("term_start")
            and data["term_end"] < data["term_start"]
        ):
            self.add_error("term_end", _("The term cannot end before it starts."))
        data["kind"] = data.get("kind") or self.instance.kind or FocalPoint.Kind.PERSON
        data["time_zone"] = data.get("time_zone") or self.instance.time_zone or "UTC"
        if not data.get("note_verbale_scan"):
            data.pop("note_verbale_scan", None)  # keep the scan already on the nomination
        return data

    def _post_clean(self):
        # The service writes the entry; the model is never saved from the form.
        pass


class ContactDetailsForm(forms.Form):
    """A focal point's own details; the verified ones wait for the Secretariat."""

    name = forms.CharField(label=_("Name"), max_length=200)
    name_other_script = forms.CharField(
        label=_("Name in the other script"),
        max_length=200,
        required=False,
        help_text=FocalPoint._meta.get_field("name_other_script").help_text,
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    address = forms.CharField(
        label=_("Address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    languages = LanguagesField()

    @classmethod
    def initial_for(cls, entry: FocalPoint) -> dict:
        """What the focal point last entered: pending values over the verified ones."""
        initial = {key: getattr(entry, key) for key in FocalPoint.SELF_SERVICE_FIELDS}
        initial.update(entry.pending_changes)
        initial["languages"] = entry.language_codes
        return initial


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AreaPrefill(forms.Form):
    """?area=N on the nomination page (from a gap in the coverage matrix): only the area."""

    area = forms.ModelChoiceField(queryset=Area.objects.all(), to_field_name="number")


class DutyShiftForm(forms.Form):
    """A shift, entered in the office's time zone."""

    person = forms.CharField(label=_("Person on duty"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    starts_at = forms.DateTimeField(
        label=_("On duty from"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("On duty until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean(self):
        from django.utils import timezone

        data = super().clean()
        for key in ("starts_at", "ends_at"):
            if data.get(key):  # read in the office's zone, whatever the reader's
                data[key] = timezone.make_aware(timezone.make_naive(data[key]), self.zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A shift must end after it starts."))
        return data


class ActingDeputyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    starts_on = forms.DateField(
        label=_("Acting from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Acting until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The acting period cannot end before it starts."))
        return data
