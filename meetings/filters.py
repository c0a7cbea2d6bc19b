"""Calendar filters, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cica_portal.filters import AreaFilter

from .models import Kind, Meeting, NeedsQuestionnaire


class MeetingFilter(django_filters.FilterSet):
    area = AreaFilter()
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Kind.choices, empty_label=_("All kinds")
    )

    class Meta:
        model = Meeting
        fields = ["area", "kind"]


class MeetingApiFilter(MeetingFilter):
    after = django_filters.DateFilter(
        label=_("Starting on or after (YYYY-MM-DD)"), field_name="start", lookup_expr="date__gte"
    )
    before = django_filters.DateFilter(
        label=_("Starting on or before (YYYY-MM-DD)"), field_name="start", lookup_expr="date__lte"
    )
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices)

    class Meta:
        model = Meeting
        fields = ["area", "kind", "status", "after", "before"]

    def is_valid(self) -> bool:
        """An empty date is a mistake to report, not a filter to drop silently."""
        valid = super().is_valid()
        for name in ("after", "before"):
            if name in self.data and not str(self.data.get(name) or "").strip():
                self.form.add_error(name, _("Enter a date as YYYY-MM-DD."))
                valid = False
        return valid


class NeedsQuestionnaireApiFilter(django_filters.FilterSet):
    area = AreaFilter(field_name="area")

    class Meta:
        model = NeedsQuestionnaire
        fields = ["area"]
