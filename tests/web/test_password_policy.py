"""Password policy: strength, no user name, no common password, history of 3, minimum and maximum age,
random initial passwords, Argon2, and a configuration that may only be stricter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.web.conftest import PASSWORD, sign_in_fully
from zhengan.web.accounts.passwords import initial_password

pytestmark = pytest.mark.django_db


def _codes(password: str, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


def test_a_strong_password_passes():
    assert _codes("Harbour-Lantern-42") == set()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Sh0rt!pass", "password_too_short"),  # 10 characters
        ("alllowercaseletters", "password_too_simple"),  # one class
        ("lowercaseand12345", "password_too_simple"),  # two classes
        ("Password1234", "password_too_common"),
    ],
)
def test_weak_passwords_are_refused(password, code):
    assert code in _codes(password)


def test_the_user_name_may_not_appear(make_user):
    user = make_user(username="lin.compliance")
    assert "password_has_username" in _codes("X9!LIN.COMPLIANCE-x", user)


def test_the_last_three_passwords_are_not_reused(make_user):
    user = make_user()
    second, third = "Second-Pass-2024", "Third-Pass-2025"
    for password in (second, third):
        user.password_changed_at = timezone.now() - timedelta(days=2)
        user.set_password(password)
        user.save()
    user.password_changed_at = timezone.now() - timedelta(days=2)
    user.save()
    for old in (PASSWORD, second, third):
        assert "password_reused" in _codes(old, user)
    user.set_password("Fourth-Pass-2026")
    user.save()
    user.password_changed_at = timezone.now() - timedelta(days=2)
    user.save()
    # The first password is now four back: allowed again.
    assert "password_reused" not in _codes(PASSWORD, user)


def test_minimum_age_of_one_day_for_a_voluntary_change(make_user):
    user = make_user()
    assert "password_too_young" in _codes("Brand-New-Pass-9", user)
    user.password_changed_at = timezone.now() - timedelta(days=1, minutes=1)
    assert "password_too_young" not in _codes("Brand-New-Pass-9", user)


def test_minimum_age_does_not_block_a_forced_change(make_user):
    user = make_user(must_change=True)
    assert "password_too_young" not in _codes("Brand-New-Pass-9", user)


def test_a_password_older_than_90_days_must_be_changed(client, make_user):
    user = make_user()
    user.password_changed_at = timezone.now() - timedelta(days=91)
    user.save(update_fields=["password_changed_at"])
    sign_in_fully(client, user)
    response = client.get(reverse("catalogue:dashboard"))
    assert response.status_code == 302 and response.url == reverse("accounts:password_change")


def test_passwords_are_hashed_with_argon2(make_user):
    user = make_user()
    assert user.password.startswith("argon2$argon2id$")
    assert PASSWORD not in user.password


def test_initial_passwords_are_random_and_pass_the_policy(make_user):
    user = make_user(username="wang.itsec")
    passwords = {initial_password(user) for _ in range(20)}
    assert len(passwords) == 20
    for password in passwords:
        assert _codes(password, None) == set()
        assert "wang" not in password.lower()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOCKOUT_THRESHOLD", 6),
        ("LOCKOUT_MINUTES", 10),
        ("PASSWORD_MIN_LENGTH", 8),
        ("PASSWORD_MAX_AGE_DAYS", 180),
        ("PASSWORD_MIN_AGE_DAYS", 0),
        ("PASSWORD_HISTORY", 2),
    ],
)
def test_a_weaker_policy_is_refused_at_start_up(settings, name, value):
    policy = {**settings.ZHENGAN_POLICY, name: value}
    with override_settings(ZHENGAN_POLICY=policy):
        errors = [e for e in run_checks(tags=["security"]) if e.id.startswith("zhengan.")]
    assert len(errors) == 1
    assert f"ZHENGAN_{name}" in errors[0].msg


def test_a_stricter_policy_is_accepted(settings):
    policy = {**settings.ZHENGAN_POLICY, "LOCKOUT_THRESHOLD": 3, "LOCKOUT_MINUTES": 30, "PASSWORD_HISTORY": 5}
    with override_settings(ZHENGAN_POLICY=policy):
        assert [e for e in run_checks(tags=["security"]) if e.id.startswith("zhengan.")] == []


def test_forced_change_at_first_sign_in_then_mfa(client, make_user):
    user = make_user(must_change=True, enrolled=False)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    # Nothing but the password change is reachable.
    for name in ("catalogue:dashboard", "catalogue:browse", "accounts:mfa_enrol"):
        assert client.get(reverse(name)).url == reverse("accounts:password_change")
    weak = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "weakpassword", "new_password2": "weakpassword"},
    )
    assert weak.status_code == 200
    same = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert same.status_code == 200  # reuse of the initial password is refused
    done = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Own-Choice-Pass-7",
            "new_password2": "Own-Choice-Pass-7",
        },
    )
    assert done.url == reverse("accounts:mfa_enrol")
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("catalogue:dashboard")).url == reverse("accounts:mfa_enrol")
