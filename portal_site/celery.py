"""The Celery app: broker and schedules come from Django's settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings")

app = Celery("cica_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
