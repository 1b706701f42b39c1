"""Users: one personal account per person (SR-6.1), with role, MFA and password-policy state."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengan.web.accounts.roles import ROLE_CHOICES
from zhengan.web.fieldcrypt import EncryptedCharField

# Shared or generic names are not personal accounts (SR-6.1).
GENERIC_NAMES = frozenset(
    {
        "admin",
        "administrator",
        "root",
        "test",
        "guest",
        "user",
        "shared",
        "system",
        "operator",
        "support",
        "demo",
    }
)


def validate_personal_username(value: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9._-]{3,150}", value):
        raise ValidationError(_("Use 3 to 150 letters, digits, dots, hyphens or underscores."), code="format")
    if value.lower() in GENERIC_NAMES:
        raise ValidationError(
            _("“%(name)s” is a shared or generic name; every account must belong to one person (SR-6.1)."),
            code="generic",
            params={"name": value},
        )


class UserManager(BaseUserManager):
    def create_user(self, username: str, email: str, full_name: str, role: str, password: str | None = None):
        user = self.model(
            username=username, email=self.normalize_email(email), full_name=full_name, role=role
        )
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        return user


class User(AbstractBaseUser):
    username = models.CharField(
        _("user name"), max_length=150, unique=True, validators=[validate_personal_username]
    )
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("e-mail"), unique=True)
    role = models.CharField(_("role"), max_length=32, choices=ROLE_CHOICES)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    # Password policy (SR-6.3, SR-6.7, FC-8.3.a)
    must_change_password = models.BooleanField(default=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    # Lockout (SR-6.5)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    # TOTP (SR-6.2, CC17010-4). The secret is encrypted at rest (fieldcrypt.py): a database dump or backup
    # does not give away the second factor. Reading it with a wrong key raises, never returns "".
    totp_secret = EncryptedCharField(max_length=64, blank=True)
    totp_last_step = models.BigIntegerField(default=0)  # refuses a code used before
    mfa_enrolled_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ("email", "full_name", "role")

    class Meta:
        ordering = ("username",)

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})"

    @property
    def mfa_enrolled(self) -> bool:
        return bool(self.totp_secret and self.mfa_enrolled_at)

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))

    def password_expired(self, now=None) -> bool:
        days = settings.ZHENGAN_POLICY["PASSWORD_MAX_AGE_DAYS"]
        if self.password_changed_at is None:
            return True
        return (now or timezone.now()) - self.password_changed_at > timezone.timedelta(days=days)

    def snapshot(self) -> dict:
        """What the audit trail records before and after a change (never the password or secret)."""
        return {
            "username": self.username,
            "full_name": self.full_name,
            "email": self.email,
            "role": self.role,
            "is_active": self.is_active,
            "must_change_password": self.must_change_password,
            "mfa_enrolled": self.mfa_enrolled,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
        }

    def save(self, *args, **kwargs):
        # Django clears _password inside save(); remember whether a new password is being stored.
        new_password = self._password is not None
        if new_password:
            self.password_changed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "password_changed_at"}
        super().save(*args, **kwargs)
        if new_password and self.has_usable_password():
            PasswordHistory.objects.create(user=self, password=self.password)


class PasswordHistory(models.Model):
    """Hashes of earlier passwords, so the last N are not reused (SR-6.7)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")


class RecoveryCode(models.Model):
    """A one-time MFA recovery code, kept only as a hash."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)


class LoginFailure(models.Model):
    """Every failed sign-in, with its source address, for the per-address rate limit (SR-6.8)."""

    source_ip = models.GenericIPAddressField(null=True, db_index=True)
    username = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now, db_index=True)
