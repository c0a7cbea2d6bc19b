"""Failed logins counted two ways: per account and address, and per address across accounts.

django-axes (8.x) compares every parameter set it is given with one limit. Password spraying
(a few guesses at many accounts from one address) needs a second, higher limit per address, so
that a ministry's office behind one address is not locked by one person's typos while a
sprayer is. This handler keeps axes' own count for `AXES_LOCKOUT_PARAMETERS` (the account at
the address) and adds the address's total over the same cool-off; reaching either limit locks.
It serves every door that goes through `authenticate()`: the portal login, the admin login and
the API token endpoint.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class SprayAwareHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if self.address_failures(request) >= settings.LOGIN_FAILURES_PER_ADDRESS:
            # Expressed on axes' scale, so that its own comparisons lock the request.
            return max(failures, get_failure_limit(request, credentials))
        return failures

    @staticmethod
    def address_failures(request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
