"""Failed sign-ins: lock an account after N failures (SR-6.5) and slow an address down (SR-6.8).

Every failure and every lockout goes into the hash-chained audit trail.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhengan.web.accounts.models import LoginFailure, User
from zhengan.web.audit.events import log, source_ip


def policy(name: str) -> int:
    return settings.ZHENGAN_POLICY[name]


def address_blocked(request) -> bool:
    """Too many failures from this source address within the window (any user names)."""
    since = timezone.now() - timedelta(minutes=policy("IP_WINDOW_MINUTES"))
    failures = LoginFailure.objects.filter(source_ip=source_ip(request), at__gte=since).count()
    return failures >= policy("IP_FAILURE_LIMIT")


def record_failure(request, username: str, user: User | None, stage: str) -> None:
    """One failed attempt: count it against the address and the account; lock at the threshold."""
    with transaction.atomic():
        LoginFailure.objects.create(source_ip=source_ip(request), username=username[:150])
        log(request, "login_failed", user=user, username=username, detail={"stage": stage})
        if user is None:
            return
        user = User.objects.select_for_update().get(pk=user.pk)
        user.failed_logins += 1
        fields = ["failed_logins"]
        if user.failed_logins >= policy("LOCKOUT_THRESHOLD"):
            user.locked_until = timezone.now() + timedelta(minutes=policy("LOCKOUT_MINUTES"))
            user.failed_logins = 0
            fields.append("locked_until")
            log(
                request,
                "account_locked",
                user=user,
                obj_type="user",
                obj_id=user.pk,
                detail={"until": user.locked_until.isoformat(), "threshold": policy("LOCKOUT_THRESHOLD")},
            )
        user.save(update_fields=fields)


def record_success(user: User) -> None:
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
