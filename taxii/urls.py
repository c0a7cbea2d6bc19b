from django.urls import path

from . import views

urlpatterns = [
    path("", views.Discovery.as_view(), name="taxii-discovery"),
    path("cica/", views.ApiRoot.as_view(), name="taxii-api-root"),
    path(
        "cica/extension-definitions/share-1.json",
        views.share_extension_schema,
        name="taxii-share-extension-schema",
    ),
    path("cica/collections/", views.Collections.as_view(), name="taxii-collections"),
    path("cica/collections/<str:pk>/", views.Collection.as_view(), name="taxii-collection"),
    path("cica/collections/<str:pk>/objects/", views.Objects.as_view(), name="taxii-objects"),
    path(
        "cica/collections/<str:pk>/objects/<str:object_id>/",
        views.Objects.as_view(),
        name="taxii-object",
    ),
    path(
        "cica/collections/<str:pk>/objects/<str:object_id>/versions/",
        views.Versions.as_view(),
        name="taxii-versions",
    ),
    path("cica/collections/<str:pk>/manifest/", views.Manifest.as_view(), name="taxii-manifest"),
]
