from django.urls import path

from . import api

urlpatterns = [
    path("information-requests/", api.RequestListCreate.as_view(), name="api-information-requests"),
    path(
        "information-requests/<int:pk>/",
        api.RequestDetail.as_view(),
        name="api-information-request",
    ),
    path(
        "information-requests/<int:pk>/answer/",
        api.RequestAnswer.as_view(),
        name="api-information-request-answer",
    ),
]
