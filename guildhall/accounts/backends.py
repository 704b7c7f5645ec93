from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UsernameOrEmailBackend(ModelBackend):
    """Sign in with either the user name or the e-mail address."""

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:
        if not username or password is None:
            return None
        User = get_user_model()
        # An exact user name wins over an e-mail address, so nobody can shadow a colleague.
        user = User.objects.filter(username=username).first() or \
            User.objects.filter(email__iexact=username).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_name(request: Any, credentials: dict | None) -> str | None:
    """Return the name django-axes counts failures under: the account the typed name
    signs in to (user name or any case of its e-mail address), so case variants of an
    address share one count; an unknown name as typed, folded to lower case."""
    typed = ((credentials or {}).get("username") or "").strip()
    if not typed:
        return None
    User = get_user_model()
    user = User.objects.filter(username=typed).first() or \
        User.objects.filter(email__iexact=typed).first()
    return user.username if user is not None else typed.lower()
