from django.urls import path

from . import api, document_api

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
        document_api.DocumentCheck.as_view(),
        name="api-exchange-document-check",
    ),
    path("exchange/documents/hits/", document_api.HitList.as_view(), name="api-exchange-hits"),
    path(
        "exchange/documents/import/",
        document_api.DocumentImport.as_view(),
        name="api-exchange-document-import",
    ),
    path(
        "exchange/documents/hits/<int:pk>/outcome/",
        document_api.HitOutcome.as_view(),
        name="api-exchange-hit-outcome",
    ),
    path(
        "exchange/documents/hits/<int:pk>/release/",
        document_api.HitRelease.as_view(),
        name="api-exchange-hit-release",
    ),
    path(
        "exchange/documents/notices/<int:pk>/",
        document_api.NoticeDetail.as_view(),
        name="api-exchange-notice",
    ),
    path(
        "exchange/documents/found/",
        document_api.FoundDocuments.as_view(),
        name="api-exchange-found-documents",
    ),
    path(
        "exchange/documents/found/<int:pk>/",
        document_api.FoundDocumentDetail.as_view(),
        name="api-exchange-found-document",
    ),
    path(
        "exchange/documents/found/<int:pk>/decision/",
        document_api.FoundDocumentDecision.as_view(),
        name="api-exchange-found-document-decision",
    ),
]
