"""The directory's search, shared by the page and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cica_portal.filters import AreaFilter
from cica_portal.models import State

from .models import FocalPoint, Language


class StateCodeChoiceField(forms.ModelChoiceField):
    """A state by its ISO code, in either case."""

    def to_python(self, value):
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)

    def label_from_instance(self, obj):
        return obj.name


class StateCodeFilter(django_filters.ModelChoiceFilter):
    field_class = StateCodeChoiceField


class FocalPointFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name, organisation or position"), method="search", max_length=100
    )
    state = StateCodeFilter(
        label=_("Member state"),
        queryset=State.objects.members().order_by("name_en"),
        to_field_name="code",
        empty_label=_("All states"),
    )
    area = AreaFilter()
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        choices=Language.choices,
        method="by_language",
        empty_label=_("Any language"),
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=FocalPoint.Role.choices, empty_label=_("Primary and deputies")
    )

    class Meta:
        model = FocalPoint
        fields = ["q", "state", "area", "language", "role"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(organisation__icontains=value)
            | Q(position__icontains=value)
            | Q(state__name_en__icontains=value)
            | Q(state__name_ru__icontains=value)
        )

    def by_language(self, queryset, name, value):
        return queryset.filter(languages__contains=f",{value},") if value else queryset
