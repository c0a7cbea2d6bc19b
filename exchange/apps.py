from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Information exchange")

    def ready(self) -> None:
        from . import approval, notice_kinds, signals  # noqa: F401

        approval.register()
        from cica_portal import review_sections

        from . import document_selectors
        from .models import DocumentHit

        review_sections.register(
            review_sections.ReviewSection(
                name="exchange.documents",
                model=DocumentHit,
                order=40,
                title=_("Lost and stolen documents"),
                template="exchange/review_section_documents.html",
                figures=document_selectors.document_figures_for_year,
                rows=document_selectors.document_rows_for_year,
            )
        )
        notice_kinds.register()
