from django.urls import path

from . import api_views
from .decisions import api as decision_api

urlpatterns = [
    path("auth/token/", api_views.ObtainToken.as_view(), name="api-token"),
    path("member-states/", api_views.MemberStateList.as_view(), name="api-member-states"),
    path("notifications/", api_views.NotificationList.as_view(), name="api-notifications"),
    path("approvals/", api_views.ApprovalList.as_view(), name="api-approvals"),
    path("approvals/<int:pk>/", api_views.ApprovalDetail.as_view(), name="api-approval-detail"),
    path(
        "approvals/<int:pk>/answer/", api_views.ApprovalAnswer.as_view(), name="api-approval-answer"
    ),
    path("decisions/", decision_api.DecisionList.as_view(), name="api-decisions"),
    path("decisions/<int:pk>/", decision_api.DecisionDetail.as_view(), name="api-decision-detail"),
]
