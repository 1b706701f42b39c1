"""Password rules beyond Django's own: character classes, no user name, no reuse, minimum age (SR-6.7)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CLASSES = (
    ("lowercase", re.compile(r"[a-z]")),
    ("uppercase", re.compile(r"[A-Z]")),
    ("digit", re.compile(r"[0-9]")),
    ("symbol", re.compile(r"[^A-Za-z0-9]")),
)


class CharacterClassesValidator:
    """At least `min_classes` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        present = sum(1 for _name, pattern in CLASSES if pattern.search(password))
        if present < self.min_classes:
            raise ValidationError(
                _(
                    "The password must mix at least %(n)d of: lower-case letters, upper-case letters, digits, symbols."
                )
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Mix at least %(n)d of: lower-case letters, upper-case letters, digits, symbols.") % {
            "n": self.min_classes
        }


class NotContainingUsernameValidator:
    def validate(self, password: str, user=None) -> None:
        username = getattr(user, "username", "") or ""
        if len(username) >= 3 and username.lower() in password.lower():
            raise ValidationError(
                _("The password must not contain the user name."), code="password_has_username"
            )

    def get_help_text(self) -> str:
        return _("It must not contain your user name.")


class PasswordHistoryValidator:
    """Not one of the last `history` passwords (SR-6.7)."""

    def __init__(self, history: int = 3):
        self.history = history

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        for old in user.password_history.all()[: self.history]:
            if check_password(password, old.password):
                raise ValidationError(
                    ngettext(
                        "The password must differ from your last password.",
                        "The password must differ from your last %(n)d passwords.",
                        self.history,
                    )
                    % {"n": self.history},
                    code="password_reused",
                )

    def get_help_text(self) -> str:
        return _("It must differ from your last %(n)d passwords.") % {"n": self.history}


class MinimumAgeValidator:
    """A password is kept at least `days` before a voluntary change (SR-6.7), so history cannot be cycled.

    A change the system forces (first login, administrator reset, expiry) is always allowed, and so is
    a reset through the e-mailed one-time link (the person proved the mailbox; each use is audited).
    """

    def __init__(self, days: int = 1):
        self.days = days

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None or user.must_change_password or user.password_changed_at is None:
            return
        if user.password_expired() or getattr(user, "resetting_by_link", False):
            return
        if timezone.now() - user.password_changed_at < timedelta(days=self.days):
            raise ValidationError(
                _("A password can be changed again only %(n)d day(s) after the last change.")
                % {"n": self.days},
                code="password_too_young",
            )

    def get_help_text(self) -> str:
        return _("You can change it again %(n)d day(s) after the last change.") % {"n": self.days}
