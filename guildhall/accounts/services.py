from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from guildhall.accounts.models import ApiToken
from guildhall.audit.services import record


def token_create(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """Create an API token for `actor`; return it with the key, which is shown only once."""
    key = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken(user=actor, name=name.strip() or "API", prefix=key[:10],
                         key_hash=ApiToken.hash_key(key))
        token.full_clean()
        token.save()
        record(actor=actor, action="token.create", obj=token, after={"name": token.name,
                                                                      "prefix": token.prefix})
    return token, key


def token_revoke(*, actor: Any, token: ApiToken) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor=actor, action="token.revoke", obj=token, after={"prefix": token.prefix})


def user_for_token(key: str) -> Any:
    """Return the active user owning the unrevoked token `key`, or None."""
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def password_changed(*, user: Any, reset: bool) -> None:
    """Audit a new password. After a reset by e-mail — perhaps because the account was
    taken over — every session and API token of the person ends too."""
    with transaction.atomic():
        revoked = 0
        if reset:
            revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
                revoked_at=timezone.now())
            user.end_all_sessions()
        record(actor=user, action="auth.password_reset" if reset else "auth.password_change",
               obj=user, after={"tokens_revoked": revoked} if reset else None)
