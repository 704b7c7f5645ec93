from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person. Roles live on memberships, never on the user."""

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    # Bumped to end every session of the user at once (deactivation, role revocation).
    session_generation = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    #: The domain of the address an erased account keeps (`site.personal_data`).
    ERASED_DOMAIN = "erased.invalid"

    @property
    def is_erased(self) -> bool:
        """True once the person's data was erased: the account can never be used again."""
        return self.email.endswith("@" + self.ERASED_DOMAIN)

    def get_session_auth_hash(self, secret: str | None = None) -> str:
        """Return a hash that changes with the password and the session generation."""
        return salted_hmac(
            "guildhall.accounts.User.session",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        """The same hash with each previous key (SECRET_KEY_FALLBACKS), so a key rotation
        keeps sessions; Django then stores the new key's hash in the session."""
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self.get_session_auth_hash(secret=secret)

    def end_all_sessions(self) -> None:
        """Invalidate every session of this user on their next request."""
        User.objects.filter(pk=self.pk).update(session_generation=models.F("session_generation") + 1)
        self.refresh_from_db(fields=["session_generation"])


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return "gh_" + secrets.token_urlsafe(32)


class RecoveryCode(models.Model):
    """One single-use recovery code of the second factor, stored as a salted PBKDF2 hash
    (django-otp's own StaticToken keeps the code itself). The codes belong to the
    person's django-otp StaticDevice, which keeps the throttling and the session's
    "verified by" reference."""

    ITERATIONS = 100_000

    device = models.ForeignKey("otp_static.StaticDevice", models.CASCADE,
                               related_name="recovery_codes")
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"recovery code {self.pk}"

    @classmethod
    def digest(cls, code: str, salt: str) -> str:
        return hashlib.pbkdf2_hmac("sha256", code.encode(), salt.encode(), cls.ITERATIONS).hex()

    @classmethod
    def make(cls, device: object, code: str) -> RecoveryCode:
        salt = secrets.token_hex(16)
        return cls(device=device, salt=salt, code_hash=cls.digest(code, salt))

    def matches(self, code: str) -> bool:
        return secrets.compare_digest(self.code_hash, self.digest(code, self.salt))
