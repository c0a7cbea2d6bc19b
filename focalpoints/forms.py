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
        ]
        widgets = {
            "term_start": forms.DateInput(attrs={"type": "date"}),
            "term_end": forms.DateInput(attrs={"type": "date"}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "user": _(
                "The focal point's portal account, if they have one: they can then keep "
                "their details up to date themselves."
            ),
        }

    def __init__(self, *args, state, **kwargs):
        super().__init__(*args, **kwargs)
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
