from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cica_portal import account_views, notice_views, oidc, views
from cica_portal.decisions import views as decision_views

from . import views as site_views

api_v1: list[URLPattern | URLResolver] = [
    path("", include("cica_portal.api_urls")),
    path("", include("actionplan.api_urls")),
    path("", include("focalpoints.api_urls")),
    path("", include("meetings.api_urls")),
    path("", include("exchange.api_urls")),
    path("", include("inquiries.api_urls")),
    path("", include("taxii.export_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its init script from its own address: no inline script for the CSP.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]

urlpatterns = [
    path("", site_views.home, name="home"),
    path("healthz", site_views.healthz, name="healthz"),
    path("help/", site_views.help_page, name="help"),
    path("accessibility/", site_views.accessibility_statement, name="accessibility"),
    path("healthz/ready", site_views.healthz_ready, name="healthz-ready"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    # OpenID Connect sign-in: 404 unless OIDC_ENABLED (cica_portal/oidc.py).
    path("oidc/authenticate/", oidc.SignIn.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.Callback.as_view(), name="oidc_authentication_callback"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("approvals/", views.approvals_list, name="approvals"),
    path("approvals/inbox/", views.approvals_inbox, name="approvals-inbox"),
    path("approvals/<int:pk>/", views.approval_detail, name="approval-detail"),
    path("approvals/<int:pk>/retable/", views.approval_retable, name="approval-retable"),
    path("decisions/", decision_views.register_list, name="decisions"),
    path("decisions/export.csv", decision_views.register_csv, name="decisions-csv"),
    path("decisions/export.xlsx", decision_views.register_xlsx, name="decisions-xlsx"),
    path("decisions/<int:pk>/", decision_views.register_detail, name="decision-detail"),
    path("account/two-factor/", account_views.two_factor, name="two-factor"),
    path("account/two-factor/setup/", account_views.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/verify/", account_views.two_factor_verify, name="two-factor-verify"),
    path(
        "account/two-factor/recovery/",
        account_views.two_factor_recovery,
        name="two-factor-recovery",
    ),
    path(
        "account/two-factor/recovery-codes/",
        account_views.two_factor_recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("account/api-tokens/", account_views.api_tokens, name="api-tokens"),
    path(
        "account/api-tokens/<int:pk>/revoke/",
        account_views.api_token_revoke,
        name="api-token-revoke",
    ),
    path("notifications/", notice_views.notifications_list, name="notifications"),
    path(
        "notifications/read-all/", views.notifications_mark_all_read, name="notifications-read-all"
    ),
    path("notifications/read/", notice_views.notifications_mark_read, name="notifications-read"),
    path(
        "account/notifications/",
        notice_views.notice_preferences_page,
        name="notice-preferences",
    ),
    path(
        "account/notifications/unsubscribe/<str:token>/",
        notice_views.notice_unsubscribe,
        name="notice-unsubscribe",
    ),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification-open"),
    path("plan/", include("actionplan.urls")),
    path("focal-points/", include("focalpoints.urls")),
    path("meetings/", include("meetings.urls")),
    path("exchange/", include("exchange.urls")),
    path("information-requests/", include("inquiries.urls")),
    path("api/v1/", include(api_v1)),
    path("taxii2/", include("taxii.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = _("CICA cooperation portal: Secretariat")
admin.site.site_title = _("CICA portal admin")
admin.site.index_title = _("Secretariat administration")

handler400 = "cica_portal.views.bad_request"
handler403 = "cica_portal.views.permission_denied"
handler404 = "cica_portal.views.page_not_found"
handler500 = "cica_portal.views.server_error"
