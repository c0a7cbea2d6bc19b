from django.conf import settings

from .rights import portal_rights


def portal(request):
    """What the base layout needs: the user's unread notifications, the languages, and what the
    user may reach (`portal_rights`: the navigation and the dashboard test only these)."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        # Merged notices are shown (and read) under the one they were merged into.
        unread = user.notifications.filter(read_at=None, merged_into=None).count()
    return {
        "unread_notifications": unread,
        "portal_languages": settings.LANGUAGES,
        "portal_rights": portal_rights(user) if user is not None else {},
        "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else "",
    }
