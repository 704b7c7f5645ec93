"""The sign-in lockout (django-axes), read and lifted per account.

Axes keeps one attempt row per (user name, address, browser) and locks a sign-in when the
rows of its account, or the rows of its address, reach `AXES_FAILURE_LIMIT`
(`AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]`). Lifting an account's lockout by
deleting its rows would also forget what each address guessed, so an address that tried
passwords against it could start again. Here an account's lockout is lifted by detaching
its rows from its user name: the account signs in again, the failures still count against
the addresses they came from until the cool-off ends.
"""
from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Greatest
from django.utils import timezone


def _recent() -> object:
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)


def failures(usernames: list[str]) -> dict[str, int]:
    """Return the recent failures counted for each of these accounts (absent: none)."""
    rows = (_recent().filter(username__in=usernames).values("username")
            .annotate(total=Sum("failures_since_start")))
    return {row["username"]: row["total"] for row in rows}


def locked(usernames: list[str]) -> set[str]:
    """Return the accounts among `usernames` that are locked out now."""
    return {name for name, total in failures(usernames).items()
            if total >= settings.AXES_FAILURE_LIMIT}


def lift(username: str) -> int:
    """Lift the lockout of one account and return the failures it had; the addresses
    the failures came from keep counting them (see the module's docstring)."""
    lifted = 0
    with transaction.atomic():
        for attempt in AccessAttempt.objects.select_for_update().filter(username=username):
            lifted += attempt.failures_since_start
            # Attempts are unique per (name, address, browser); NULL names are not, so
            # merge into the address's existing row instead of making a second one.
            merged = AccessAttempt.objects.filter(
                username__isnull=True, ip_address=attempt.ip_address,
                user_agent=attempt.user_agent).update(
                failures_since_start=F("failures_since_start") + attempt.failures_since_start,
                attempt_time=Greatest("attempt_time", attempt.attempt_time))
            if merged:
                attempt.delete()
            else:
                AccessAttempt.objects.filter(pk=attempt.pk).update(username=None)
    return lifted


def forgive(username: str) -> None:
    """Forget an account's own failures once it signed in with its password (what
    `AXES_RESET_ON_SUCCESS` would do, without also wiping the failures its address
    guessed against other accounts)."""
    AccessAttempt.objects.filter(username=username).delete()
