from django.urls import path

from . import views

app_name = "actionplan"
urlpatterns = [
    path("", views.index, name="index"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/status/", views.item_change_status, name="item-status"),
    path("items/<int:pk>/approval/", views.item_put_to_approval, name="item-approval"),
    path("items/<int:pk>/silence/", views.item_put_under_silence, name="item-silence"),
    path(
        "items/<int:pk>/approval/withdraw/",
        views.item_withdraw_approval,
        name="item-approval-withdraw",
    ),
    path("measures/", views.proposals, name="proposals"),
    path("measures/propose/", views.propose, name="propose"),
    path("measures/<int:pk>/", views.proposal_detail, name="proposal"),
    path("measures/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal-withdraw"),
    path("reports/", views.reports, name="reports"),
    path("reports/start/<int:year>/", views.report_start, name="report-start"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report-submit"),
    path("reports/<int:pk>/return/", views.report_return, name="report-return"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment-delete"),
    path("review/", views.review_list, name="reviews"),
    path("review/<int:year>/", views.review_detail, name="review"),
    path("review/<int:year>/export.xlsx", views.review_export, name="review-export"),
    path("review/<int:year>/review.pdf", views.review_pdf, name="review-pdf"),
    path("review/<int:year>/text/", views.review_text, name="review-text"),
    path("review/<int:year>/stage/", views.review_stage, name="review-stage"),
    path("review/<int:year>/swg/", views.review_swg, name="review-swg"),
    path("review/<int:year>/soc/", views.review_soc, name="review-soc"),
    path("review/<int:year>/open/", views.review_open, name="review-open"),
]
