from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("action-plan/reports", api.ReportViewSet, basename="api-actionplan-report")
router.register(
    "action-plan/review-cycles", api.ReviewCycleViewSet, basename="api-actionplan-cycle"
)

urlpatterns = [
    path("action-plan/areas/", api.AreaList.as_view(), name="api-actionplan-areas"),
    *router.urls,
]
