"""Filters every app's lists share (pages and API alike)."""

from typing import Any

import django_filters  # type: ignore[import-untyped]  # ships no type information
from django.utils.translation import gettext_lazy as _

from .models import Area


class AreaFilter(django_filters.ModelChoiceFilter):
    """One of the Action Plan's four areas, chosen by its number ("?area=2") and shown as the
    area names itself ("II. Police related issues"); `field_name` is the lookup to the areas."""

    def __init__(self, *, field_name: str = "areas", **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Area"))
        kwargs.setdefault("queryset", Area.objects.order_by("number"))
        kwargs.setdefault("to_field_name", "number")
        kwargs.setdefault("empty_label", _("All areas"))
        super().__init__(field_name=field_name, **kwargs)
