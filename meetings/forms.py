"""Forms of the meetings pages. None of them carries a state, a role or a status."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from actionplan.selectors import decided_status_choices, plan_items
from cica_portal.models import Area, Organisation
from cica_portal.uploads import validate_upload

from .models import (
    ENDS_AFTER_START,
    Delegate,
    DocumentLanguage,
    Format,
    Languages,
    LetterKind,
    LetterLanguage,
    Meeting,
    MeetingDocument,
    TrainingRequest,
    validate_time_zone,
)


class DelegateForm(forms.ModelForm):
    class Meta:
        model = Delegate
        fields = ["name", "position", "role", "interpretation", "dietary", "access"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Empty rows are ignored; a row without a role is a delegate.
        self.fields["name"].required = False
        self.fields["role"].required = False


MAX_DELEGATES = 50


def delegate_formset(
    data=None, *, registration=None, previous=None, rows: int = 3, cap: int | None = None
):
    """The delegation's rows: its own delegates, or else those of the state's previous
    delegation (`previous`), so that nobody types the same names twice."""
    initial = None
    source = registration if registration is not None else previous
    if source is not None and data is None:
        initial = [
            {f: getattr(d, f) for f in DelegateForm.Meta.fields} for d in source.delegates.all()
        ][: cap or MAX_DELEGATES]
    # absolute_max: a posted TOTAL_FORMS of 100000 builds 50 forms, not Django's default 1050.
    formset = forms.formset_factory(
        DelegateForm,
        extra=rows,
        max_num=cap or MAX_DELEGATES,
        absolute_max=MAX_DELEGATES,
        validate_max=True,
    )
    return formset(data=data, initial=initial, prefix="delegates")


class TrainingRequestForm(forms.ModelForm):
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.order_by("number"))

    class Meta:
        model = TrainingRequest
        fields = ["area", "topic", "preferred_period", "expected_participants", "needs"]
        widgets = {"needs": forms.Textarea(attrs={"rows": 4})}

    def clean_expected_participants(self):
        value = self.cleaned_data["expected_participants"]
        if value < 1:
            raise forms.ValidationError(_("Expect at least one participant."))
        return value


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the requesting state"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class RegistrationDecisionForm(forms.Form):
    """The Secretariat returns a delegation for changes, or declines it, always with a reason."""

    RETURN, DECLINE = "return", "decline"

    reason = forms.CharField(
        label=_("Reason for the focal point"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    action = forms.ChoiceField(
        choices=[(RETURN, _("Return for changes")), (DECLINE, _("Decline"))],
        widget=forms.HiddenInput,
    )


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=4000)


class ScheduleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start = forms.DateTimeField(
        label=_("Starts (local time of the venue)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    end = forms.DateTimeField(
        label=_("Ends (local time of the venue)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    time_zone = forms.CharField(
        label=_("Time zone"), initial="Asia/Almaty", max_length=64, validators=[validate_time_zone]
    )
    venue = forms.CharField(label=_("Venue"), required=False, max_length=300)
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    def clean(self):
        data = super().clean()
        zone_name = data.get("time_zone")
        if zone_name and data.get("start") and data.get("end"):
            import zoneinfo

            zone = zoneinfo.ZoneInfo(zone_name)
            # The form reads wall-clock times; they are the venue's, not the server's.
            data["start"] = data["start"].replace(tzinfo=None).replace(tzinfo=zone)
            data["end"] = data["end"].replace(tzinfo=None).replace(tzinfo=zone)
            if not Meeting.ends_after_start(data["start"], data["end"]):
                self.add_error("end", ENDS_AFTER_START)
        return data


class InviteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("International body"), queryset=Organisation.objects.filter(active=True)
    )
    message = forms.CharField(
        label=_("Why it is invited (shown to the member states)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_name = forms.CharField(label=_("Contact point"), required=False, max_length=200)
    contact_email = forms.EmailField(label=_("Contact point's email"), required=False)


class InvitationLetterForm(forms.Form):
    """The agreed invitation's letter: in which language, to whom at the body."""

    language = forms.ChoiceField(label=_("Language of the letter"), choices=LetterLanguage.choices)
    contact_name = forms.CharField(label=_("Contact point"), required=False, max_length=200)
    contact_email = forms.EmailField(label=_("Contact point's email"))


class InvitationAnswerForm(forms.Form):
    ACCEPTED, DECLINED = "accepted", "declined"
    answer = forms.ChoiceField(
        label=_("The body's answer"),
        choices=[(ACCEPTED, _("Accepted")), (DECLINED, _("Declined"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (e.g. the letter's date)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CredentialsForm(forms.Form):
    file = forms.FileField(
        label=_("Credentials (a signed letter, PDF or scan)"), validators=[validate_upload]
    )


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Badge code"),
        max_length=80,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "inputmode": "text"}
        ),
    )


class MeetingDecisionForm(forms.Form):
    """A decision taken at the meeting; optionally moving a plan item's status by it. Its
    fields are prefixed: the meeting's page also holds the document form's title."""

    prefix = "decision"

    title = forms.CharField(label=_("Title of the decision"), max_length=300)
    text = forms.CharField(
        label=_("Text of the decision"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("As the meeting adopted it; entered in the decision register with a number."),
    )
    item = forms.ModelChoiceField(
        label=_("Plan item it moves (optional)"), queryset=plan_items(), required=False
    )
    to_status = forms.ChoiceField(label=_("The item's new status"), required=False)
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [("", "—"), *decided_status_choices()]
        self.fields["item"].label_from_instance = lambda item: f"{item.label} {item.text[:90]}"


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingDocument.DocKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    access = forms.ChoiceField(
        label=_("Who may read it"),
        choices=MeetingDocument.Access.choices,
        initial=MeetingDocument.Access.PARTICIPANTS,
    )
    file = forms.FileField(
        label=_("File"),
        validators=[validate_upload],
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument text, PNG or JPEG."),
    )
    # The library: the file's language, and the title in Russian (the other version's file
    # is added on the document's page).
    language = forms.ChoiceField(
        label=_("Language of the file"),
        choices=DocumentLanguage.choices,
        initial=DocumentLanguage.EN,
        required=False,
    )
    title_ru = forms.CharField(label=_("Title in Russian"), max_length=300, required=False)


class OccurrencesForm(forms.Form):
    """The proposed dates of a series, each to confirm."""

    dates = forms.MultipleChoiceField(
        label=_("Occurrences to create"), widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args, proposed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dates"].choices = [
            (
                start.date().isoformat(),
                f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} ({start.tzinfo})",
            )
            for start, end in proposed
        ]
        self.fields["dates"].initial = [start.date().isoformat() for start, _end in proposed]


class LettersForm(forms.Form):
    """Which letters the Secretariat makes for a meeting, and in which languages."""

    kind = forms.ChoiceField(
        label=_("Letters"),
        # A body's invitation letter is made from its invitation, one body at a time.
        choices=[c for c in LetterKind.choices if c[0] != LetterKind.BODY_INVITATION],
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LetterLanguage.choices,
        initial=list(LetterLanguage.values),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Invitations and notes verbales go to every member state; visa support letters to "
            "every delegate of a confirmed delegation. Letters already made are kept."
        ),
    )


# --- Needs assessment for "training of the trainers" -------------------------------------------


class NeedsQuestionnaireForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.order_by("number"))
    title = forms.CharField(label=_("Title"), max_length=300)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    topics = forms.CharField(
        label=_("Topics offered"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One training topic a line; each state says which it needs and for whom."),
    )
    answers_due = forms.DateField(
        label=_("Answers due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class NeedsAnswerForm(forms.Form):
    """A state's answer: its capacity, its trainers, and per topic of the questionnaire how many
    trainers it needs trained and in which language (none: not needed)."""

    institutional_capacity = forms.CharField(
        label=_("Institutional capacity"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Training institutions, curricula and facilities your state already has."),
    )
    trainers_available = forms.IntegerField(
        label=_("Trainers available"), min_value=0, max_value=10000, initial=0
    )
    other_needs = forms.CharField(
        label=_("Other needs"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, questionnaire, answer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic_names = questionnaire.topic_list
        had = {need.topic: need for need in answer.topics.all()} if answer else {}
        if answer is not None and not self.is_bound:
            self.initial.update(
                institutional_capacity=answer.institutional_capacity,
                trainers_available=answer.trainers_available,
                other_needs=answer.other_needs,
            )
        for index, topic in enumerate(self.topic_names):
            need = had.get(topic)
            self.fields[f"topic_{index}_trainees"] = forms.IntegerField(
                label=_("%(topic)s: trainers to train") % {"topic": topic},
                min_value=0,
                max_value=500,
                required=False,
                initial=need.trainees if need else 0,
            )
            self.fields[f"topic_{index}_language"] = forms.ChoiceField(
                label=_("%(topic)s: language") % {"topic": topic},
                choices=Languages.choices,
                initial=need.language if need else Languages.EN_RU,
                required=False,
            )

    def needs(self) -> list[dict]:
        return [
            {
                "topic": topic,
                "trainees": self.cleaned_data.get(f"topic_{index}_trainees") or 0,
                "language": self.cleaned_data.get(f"topic_{index}_language") or Languages.EN_RU,
            }
            for index, topic in enumerate(self.topic_names)
        ]


class CirculateMinutesForm(forms.Form):
    """Put draft minutes to the member states: by consensus before a day, or under silence."""

    CONSENSUS, SILENCE = "consensus", "silence"

    rule = forms.ChoiceField(
        label=_("Procedure"),
        choices=[
            (CONSENSUS, _("Adoption by consensus: every member state answers")),
            (SILENCE, _("Silence procedure: adopted unless a member state objects")),
        ],
        initial=CONSENSUS,
    )
    ends_on = forms.DateField(
        label=_("Answers due (or the silence ends) at the end of"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def ends_at(self):
        """The end of the day given, in the Secretariat's zone."""
        import datetime as dt

        from django.utils import timezone

        zone = self.zone or timezone.get_current_timezone()
        return dt.datetime.combine(self.cleaned_data["ends_on"], dt.time(23, 59), tzinfo=zone)


class DocumentVersionForm(forms.Form):
    """A new file of a document: its other language, or a revision of one."""

    language = forms.ChoiceField(label=_("Language"), choices=DocumentLanguage.choices)
    file = forms.FileField(
        label=_("File"),
        validators=[validate_upload],
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument text, PNG or JPEG."),
    )
    note = forms.CharField(label=_("What changed"), max_length=500, required=False)
    title_ru = forms.CharField(label=_("Title in Russian"), max_length=300, required=False)


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Words or symbol"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds")), *MeetingDocument.DocKind.choices],
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Either language")), *DocumentLanguage.choices],
        required=False,
    )
