"""Initial passwords: random and unrelated to the user (FC-8.3.d), changed at first sign-in (SR-6.3)."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

ALPHABET = string.ascii_letters + string.digits + "!#$%*+-=?@_"


def initial_password(user=None, length: int = 16) -> str:
    """A random password that passes the policy, including for `user` (it never contains the name)."""
    while True:
        candidate = "".join(secrets.choice(ALPHABET) for _ in range(length))
        try:
            validate_password(candidate, user=None)
        except ValidationError:
            continue
        if user is not None and user.username.lower() in candidate.lower():
            continue
        return candidate


def set_initial_password(user) -> str:
    """Give `user` a new one-time password that must be changed at the next sign-in."""
    password = initial_password(user)
    user.set_password(password)
    user.must_change_password = True
    user.save()
    return password
