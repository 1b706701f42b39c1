"""TOTP multi-factor authentication (SR-6.2, CC17010-4): enrolment by QR code, verification, recovery codes."""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
import segno
from django.db import transaction
from django.utils import timezone

from zhengan.web.accounts.models import RecoveryCode, User

ISSUER = "zhengan"
STEP = 30
RECOVERY_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG: no external image, nothing leaves the server."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step whose code equals `code`, allowing one step of clock drift either way."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    now = time.time() if at is None else at
    totp = pyotp.TOTP(secret)
    current = int(now // STEP)
    for step in (current - 1, current, current + 1):
        if secrets.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def verify_totp(user: User, code: str) -> bool:
    """Accept a code once: a code of a step already used is refused (no replay)."""
    step = matching_step(user.totp_secret, code)
    if step is None or step <= user.totp_last_step:
        return False
    user.totp_last_step = step
    user.save(update_fields=["totp_last_step"])
    return True


def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Confirm enrolment with a first code; returns the new recovery codes, or None if the code is wrong."""
    step = matching_step(secret, code)
    if step is None:
        return None
    with transaction.atomic():
        user.totp_secret = secret
        user.totp_last_step = step
        user.mfa_enrolled_at = timezone.now()
        user.save(update_fields=["totp_secret", "totp_last_step", "mfa_enrolled_at"])
        return new_recovery_codes(user)


def reset(user: User) -> None:
    """Administrator reset: the user enrols again at the next sign-in."""
    with transaction.atomic():
        user.totp_secret = ""
        user.totp_last_step = 0
        user.mfa_enrolled_at = None
        user.save(update_fields=["totp_secret", "totp_last_step", "mfa_enrolled_at"])
        user.recovery_codes.all().delete()


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the plain codes are shown once and kept only as hashes."""
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        user.recovery_codes.all().delete()
        RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash(c)) for c in codes])
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    with transaction.atomic():
        match = (
            user.recovery_codes.select_for_update()
            .filter(code_hash=_hash(code), used_at__isnull=True)
            .first()
        )
        if match is None:
            return False
        match.used_at = timezone.now()
        match.save(update_fields=["used_at"])
    return True


def remaining_recovery_codes(user: User) -> int:
    return user.recovery_codes.filter(used_at__isnull=True).count()
