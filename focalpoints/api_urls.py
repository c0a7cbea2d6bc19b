from django.urls import path

from . import api

urlpatterns = [
    path("focal-points/", api.FocalPointList.as_view(), name="api-focal-points"),
    path("focal-points/<int:pk>/", api.FocalPointDetail.as_view(), name="api-focal-point-detail"),
    path(
        "organisation-contact-points/",
        api.OrganisationContactList.as_view(),
        name="api-organisation-contact-points",
    ),
]
