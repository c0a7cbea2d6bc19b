from django.apps import AppConfig


class PortalSiteConfig(AppConfig):
    """The project above the apps: settings, root URLs, the Celery app, the dashboard, the health
    checks and the commands that span every app (the demo, the scale data, the announcement)."""

    name = "portal_site"
