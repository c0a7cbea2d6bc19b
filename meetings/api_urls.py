from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("meetings/registrations", api.RegistrationViewSet, basename="api-registration")
router.register("meetings/library", api.LibraryViewSet, basename="api-meeting-library")
router.register(
    "meetings/needs/questionnaires",
    api.NeedsQuestionnaireViewSet,
    basename="api-needs-questionnaire",
)
router.register("meetings/needs/answers", api.NeedsAnswerViewSet, basename="api-needs-answer")
router.register("meetings", api.MeetingViewSet, basename="api-meeting")

urlpatterns = [
    path(
        "meetings/training-requests/",
        api.TrainingRequestList.as_view(),
        name="api-training-requests",
    ),
    path(
        "meetings/training-requests/<int:pk>/",
        api.TrainingRequestDetail.as_view(),
        name="api-training-request",
    ),
    *router.urls,
]
