from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FocalPointsConfig(AppConfig):
    name = "focalpoints"
    verbose_name = _("Focal-point network")

    def ready(self) -> None:
        from cica_portal import review_sections
        from cica_portal.review_sections import ReviewSection

        from . import selectors
        from .models import TestMessage

        # After the Action Plan's own figures and the test sections (order 100).
        review_sections.register(
            ReviewSection(
                name="focalpoints.network",
                model=TestMessage,
                order=150,
                title=_("The focal-point network: confirmation and communication tests"),
                template="focalpoints/review_section.html",
                figures=selectors.network_figures_for_year,
                rows=selectors.network_rows,
            )
        )
