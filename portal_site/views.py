"""The project's own pages: the dashboard every role lands on, help and contact, the
accessibility statement, and the health checks."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cica_portal import approvals, notifications
from cica_portal.rights import may_answer_for_state


@require_GET
@never_cache
def healthz(request):
    """Liveness: this process serves requests (200), whatever the servers behind it do. A
    load balancer or an orchestrator restarts a node that fails this, and nothing else."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def healthz_ready(request):
    """Readiness: 503 only when this node cannot serve (the database does not answer). The
    broker and the cache are shared by every node: when they fail the answer is still 200,
    "degraded", so a load balancer does not take every node out over one shared server."""
    checks = {"database": "ok", "broker": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        checks["database"] = f"down: {type(error).__name__}"
    try:
        from .celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
    except Exception as error:
        checks["broker"] = f"down: {type(error).__name__}"
    default_cache = caches["default"]
    if hasattr(default_cache, "ping") and not default_cache.ping():
        checks["cache"] = "down: using each node's memory"
    body: dict = {}
    if checks["database"] != "ok":
        body["status"] = "unavailable"
    else:
        body["status"] = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    if checks["database"] == "ok" and request.user.is_authenticated and request.user.is_staff:
        # Delivery figures for the operator only: to anyone else they would tell how busy
        # the exchange is.
        try:
            body["emails"] = notifications.delivery_counts()
        except Exception as error:  # a hung count must not fail the node
            body["emails"] = f"unknown: {type(error).__name__}"
    return JsonResponse({**body, **checks}, status=503 if body["status"] == "unavailable" else 200)


@require_GET
def help_page(request):
    """Help and contact: the same link in every page's footer (WCAG 2.2, 3.2.6), open without
    logging in, since a person who cannot log in needs it most."""
    return render(request, "help.html", {"secretariat_email": settings.SECRETARIAT_EMAIL})


@require_GET
def accessibility_statement(request):
    """What was tested, how, what is known not to work, and how to report a barrier."""
    return render(request, "accessibility.html", {"secretariat_email": settings.SECRETARIAT_EMAIL})


@login_required
def home(request):
    """The landing page: each role sees its own starting points."""
    user = request.user
    context = {"inbox": approvals.inbox_top(user, 5) if may_answer_for_state(user) else None}
    return render(request, "portal/home.html", context)
