from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from guildhall.accounts import lockout
from guildhall.audit.services import record
from guildhall.lib.masking import mask_email


@receiver(user_logged_in)
def _audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(actor=user, action="auth.login", obj=user)
    lockout.forgive(user.username)


@receiver(user_logged_out)
def _audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(actor=user, action="auth.logout", obj=user)


@receiver(user_login_failed)
def _audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None,
                        **kwargs: Any) -> None:
    typed = str(credentials.get("username", ""))[:150]
    record(actor=None, action="auth.login_failed",
           after={"username": mask_email(typed) if "@" in typed else typed})
