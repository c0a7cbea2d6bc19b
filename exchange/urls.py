from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.choose_template, name="choose-template"),
    path("new/<slug:slug>/", views.create, name="create"),
    path("documents/check/", views.check, name="check"),
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
