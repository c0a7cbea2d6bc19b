from django.urls import path

from . import document_views, views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.choose_template, name="choose-template"),
    path("new/<slug:slug>/", views.create, name="create"),
    path("documents/check/", document_views.check, name="check"),
    path("documents/hits/", document_views.hits, name="hits"),
    path("documents/import/", document_views.import_documents, name="import-documents"),
    path("documents/found/", document_views.found_documents, name="found-documents"),
    path(
        "documents/found/<int:pk>/decision/",
        document_views.found_document_decision,
        name="found-document-decision",
    ),
    path("documents/hits/<int:pk>/outcome/", document_views.hit_outcome, name="hit-outcome"),
    path("documents/hits/<int:pk>/release/", document_views.hit_release, name="hit-release"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
    path("<int:pk>/decision/", views.decide, name="decide"),
    path("<int:pk>/reshare/", views.reshare, name="reshare"),
    path("<int:pk>/judicial-use/", views.judicial_use, name="judicial-use"),
    path("<int:pk>/export/", views.export, name="export"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
]
