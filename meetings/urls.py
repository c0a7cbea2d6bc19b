from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("list/", views.meeting_list, name="list"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/ics/", views.meeting_ics, name="ics"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/participants.xlsx", views.participants_xlsx, name="participants-xlsx"),
    path("<int:pk>/documents/", views.document_upload, name="document-upload"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/decisions/", views.record_decision, name="record-decision"),
    path("<int:pk>/letters/", views.meeting_letters, name="letters"),
    path("<int:pk>/official-list/", views.official_list, name="official-list"),
    path("<int:pk>/official-list.pdf", views.official_list_pdf, name="official-list-pdf"),
    path("<int:pk>/official-list.csv", views.official_list_csv, name="official-list-csv"),
    path(
        "<int:pk>/official-list/publish/",
        views.official_list_publish,
        name="official-list-publish",
    ),
    path("<int:pk>/check-in/", views.check_in, name="check-in"),
    path("invitations/<int:pk>/send/", views.invitation_send, name="invitation-send"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="invitation-answer"),
    path(
        "invitations/<int:pk>/delegation/",
        views.invitation_delegation,
        name="invitation-delegation",
    ),
    path(
        "invitations/<int:pk>/propose-again/",
        views.invitation_propose_again,
        name="invitation-propose-again",
    ),
    path(
        "registrations/<int:pk>/validate/",
        views.registration_validate,
        name="registration-validate",
    ),
    path(
        "registrations/<int:pk>/credentials/",
        views.registration_credentials,
        name="registration-credentials",
    ),
    path("letters/<int:pk>.pdf", views.letter_pdf, name="letter-pdf"),
    path("letters/<int:pk>/send/", views.letter_send, name="letter-send"),
    path(
        "registrations/<int:pk>/confirm/", views.registration_confirm, name="registration-confirm"
    ),
    path("registrations/<int:pk>/decide/", views.registration_decide, name="registration-decide"),
    path(
        "registrations/<int:pk>/withdraw/",
        views.registration_withdraw,
        name="registration-withdraw",
    ),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("documents/<int:pk>/circulate/", views.minutes_circulate, name="minutes-circulate"),
    path("documents/<int:pk>/versions/", views.document_versions, name="document-versions"),
    path("versions/<int:pk>/", views.document_version_download, name="document-version"),
    path("library/", views.library, name="library"),
    path("calendar-feed/", views.feed_settings, name="feed-settings"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("training/", views.training_list, name="training-list"),
    path("training/new/", views.training_new, name="training-new"),
    path("training/<int:pk>/", views.training_detail, name="training-detail"),
    path("training/<int:pk>/<slug:action>/", views.training_decide, name="training-decide"),
    path("needs/", views.needs_list, name="needs-list"),
    path("needs/new/", views.needs_new, name="needs-new"),
    path("needs/<int:pk>/", views.needs_detail, name="needs-detail"),
    path("needs/<int:pk>/close/", views.needs_close, name="needs-close"),
    path("needs/answers/<int:pk>/", views.needs_answer, name="needs-answer"),
    path("series/<int:pk>/generate/", views.series_generate, name="series-generate"),
]
