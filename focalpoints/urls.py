from django.urls import path

from . import views

app_name = "focalpoints"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("vcard/", views.directory_vcard, name="directory-vcard"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("nominations/", views.nominations, name="nominations"),
    path("nominate/", views.nominate, name="nominate"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/<str:code>/<int:number>/", views.coverage_cell, name="coverage-cell"),
    path("contact-points/<int:pk>/vcard/", views.contact_vcard, name="contact-vcard"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/vcard/", views.entry_vcard, name="vcard"),
    path("<int:pk>/edit/", views.edit_nomination, name="edit"),
    path("<int:pk>/details/", views.my_details, name="my-details"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/return/", views.return_entry, name="return"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
