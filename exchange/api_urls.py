from django.urls import path

from . import api

urlpatterns = [
    path("exchange/templates/", api.TemplateList.as_view(), name="api-exchange-templates"),
    path("exchange/shares/", api.ShareListCreate.as_view(), name="api-exchange-shares"),
    path("exchange/shares/<int:pk>/", api.ShareDetail.as_view(), name="api-exchange-share"),
    path(
        "exchange/shares/<int:pk>/submit/",
        api.ShareSubmit.as_view(),
        name="api-exchange-share-submit",
    ),
    path(
        "exchange/shares/<int:pk>/decision/",
        api.ShareDecision.as_view(),
        name="api-exchange-share-decision",
    ),
    path(
        "exchange/shares/<int:pk>/withdraw/",
        api.ShareWithdraw.as_view(),
        name="api-exchange-share-withdraw",
    ),
    path(
        "exchange/shares/<int:pk>/reshare-requests/",
        api.ShareReshareRequests.as_view(),
        name="api-exchange-share-reshare-requests",
    ),
    path(
        "exchange/shares/<int:pk>/judicial-permissions/",
        api.ShareJudicialPermissions.as_view(),
        name="api-exchange-share-judicial-permissions",
    ),
    path(
        "exchange/shares/<int:pk>/export/",
        api.ShareExport.as_view(),
        name="api-exchange-share-export",
    ),
    path(
        "exchange/receipts/<int:pk>/acknowledge/",
        api.ReceiptAcknowledge.as_view(),
        name="api-exchange-receipt-acknowledge",
    ),
    path(
        "exchange/documents/check/",
        api.DocumentCheck.as_view(),
        name="api-exchange-document-check",
    ),
]
