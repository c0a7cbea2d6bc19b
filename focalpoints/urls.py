from django.urls import path

from . import network_views, views

app_name = "focalpoints"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("vcard/", views.directory_vcard, name="directory-vcard"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("nominations/", views.nominations, name="nominations"),
    path("nominate/", views.nominate, name="nominate"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/export.csv", views.coverage_csv, name="coverage-csv"),
    path("coverage/<str:code>/<int:number>/", views.coverage_cell, name="coverage-cell"),
    path("contact-points/<int:pk>/vcard/", views.contact_vcard, name="contact-vcard"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/vcard/", views.entry_vcard, name="vcard"),
    path("<int:pk>/edit/", views.edit_nomination, name="edit"),
    path("<int:pk>/details/", views.my_details, name="my-details"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/return/", views.return_entry, name="return"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    # The network proves it is alive: offices, designation, confirmation, tests.
    path("<int:pk>/roster/", network_views.roster, name="roster"),
    path(
        "<int:pk>/roster/<str:kind>/<int:item>/remove/",
        network_views.roster_remove,
        name="roster-remove",
    ),
    path("<int:pk>/note-verbale/", network_views.note_verbale, name="note-verbale"),
    path(
        "<int:pk>/note-verbale/check/",
        network_views.check_note_verbale,
        name="check-note-verbale",
    ),
    path("<int:pk>/confirm/", network_views.confirm, name="confirm"),
    path("activate/<str:token>/", network_views.activate, name="activate"),
    path("confirmation/", network_views.confirmation, name="confirmation"),
    path("confirmation/open/", network_views.campaign_open, name="campaign-open"),
    path("confirmation/<int:pk>/close/", network_views.campaign_close, name="campaign-close"),
    path("<int:pk>/confirmation/correct/", network_views.campaign_correct, name="campaign-correct"),
    path("tests/", network_views.communication_tests, name="communication-tests"),
    path("tests/start/", network_views.communication_test_start, name="communication-test-start"),
    path("tests/<int:pk>/", network_views.communication_test, name="communication-test"),
    path(
        "tests/<int:pk>/report.csv",
        network_views.communication_test_csv,
        name="communication-test-csv",
    ),
    path("tests/messages/<int:pk>/", network_views.test_message, name="test-message"),
    path("acknowledge/<str:token>/", network_views.acknowledge, name="acknowledge"),
]
