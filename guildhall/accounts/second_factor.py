"""The second factor (django-otp): a TOTP authenticator app, set up from a QR code, and ten
single-use recovery codes. Who must have one is the organizations' rule
(`orgs.middleware.SecondFactorMiddleware`); API tokens are not affected.
"""
from __future__ import annotations

import secrets
from base64 import b32encode
from binascii import unhexlify
from typing import Any

import segno
from django.db import transaction
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from guildhall.accounts.models import RecoveryCode
from guildhall.audit.services import record

RECOVERY_CODES = 10
SESSION_KEY = "second_factor_pending_key"


def has_second_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def users_with_second_factor(user_ids: list[int]) -> set[int]:
    return set(TOTPDevice.objects.filter(user__in=user_ids, confirmed=True)
               .values_list("user_id", flat=True))


def pending_key(session: Any) -> str:
    """Return the secret being set up in this session (hex), made on first use; it is
    stored on the account only once a code made from it is confirmed."""
    if not session.get(SESSION_KEY):
        session[SESSION_KEY] = default_key()
    return session[SESSION_KEY]


def setup_uri(user: Any, key: str) -> str:
    """Return the otpauth:// address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key).config_url


def setup_qr(uri: str) -> str:
    """Return the QR code of `uri` as a data: address (an image the page's policy allows)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def manual_key(key: str) -> str:
    """Return the secret as the apps ask for it when typed: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def confirm_setup(request: Any, code: str) -> list[str] | None:
    """Store the pending authenticator if `code` was made from it, mark this session as
    verified and return new recovery codes (shown once); None when the code is wrong."""
    key = request.session.get(SESSION_KEY)
    code = _clean(code)
    totp = TOTP(unhexlify(key)) if key else None
    if totp is None or not (code.isdigit() and len(code) == 6) or \
            not totp.verify(int(code), tolerance=1):
        return None
    user = request.user
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        # The code just used may not sign in a second time (last_t).
        device = TOTPDevice.objects.create(user=user, key=key, name="authenticator",
                                           confirmed=True, drift=totp.drift, last_t=totp.t())
        recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        RecoveryCode.objects.bulk_create(RecoveryCode.make(recovery, c) for c in codes)
        record(actor=user, action="auth.second_factor_setup", obj=user)
    del request.session[SESSION_KEY]
    otp_login(request, device)
    return [f"{c[:4]}-{c[4:]}" for c in codes]


def use_recovery_code(device: StaticDevice, code: str) -> bool:
    """Use up `code` if it is one of the device's unused recovery codes (compared with
    each stored salted hash); wrong codes are throttled as django-otp does."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return False
    with transaction.atomic():
        match = next((c for c in RecoveryCode.objects.select_for_update().filter(device=device)
                      if c.matches(code)), None)
        if match is None:
            device.throttle_increment()
            return False
        match.delete()
        device.throttle_reset(commit=False)
        device.set_last_used_timestamp(commit=False)
        device.save()
    return True


def verify(request: Any, code: str) -> bool:
    """Mark this session as verified if `code` is the authenticator's current code or an
    unused recovery code (which is then used up). Each device throttles wrong codes."""
    user = request.user
    code = _clean(code)
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True)) if code.isdigit() \
        and len(code) == 6 else list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        recovery = isinstance(device, StaticDevice)
        if use_recovery_code(device, code) if recovery else device.verify_token(code):
            otp_login(request, device)
            record(actor=user, action="auth.second_factor", obj=user,
                   after={"recovery_code": True,
                          "recovery_codes_left": device.recovery_codes.count()}
                   if recovery else None)
            return True
    record(actor=user, action="auth.second_factor_failed", obj=user)
    return False


def remove(user: Any) -> int:
    """Remove the person's authenticator and recovery codes; return how many devices."""
    devices = [TOTPDevice.objects.filter(user=user), StaticDevice.objects.filter(user=user)]
    removed = sum(d.count() for d in devices)
    for d in devices:
        d.delete()
    return removed
