"""Signing in: two factors, lockout after five failures (SR-6.5), address rate limit (SR-6.8), idle
timeout (SR-3.5), e-mailed one-time reset links (SR-6.9), masked passwords (SR-6.10), all audited."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.web.conftest import PASSWORD, next_code, sign_in_fully
from zhengan.web.accounts import mfa
from zhengan.web.audit.chain import verify
from zhengan.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _events(*types):
    return list(AuditEvent.objects.filter(event_type__in=types).values_list("event_type", flat=True))


def _password(client, username, password=PASSWORD, ip="192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_two_factors_then_the_dashboard(client, make_user):
    user = make_user()
    response = _password(client, user.username)
    assert response.url == reverse("accounts:mfa_verify")
    # Password alone is not a session: the dashboard still asks to sign in.
    assert client.get("/").status_code == 302 and "/accounts/login/" in client.get("/").url
    assert client.post(reverse("accounts:mfa_verify"), {"code": "000000"}).status_code == 200
    response = client.post(reverse("accounts:mfa_verify"), {"code": next_code(user.totp_secret)})
    assert response.url == reverse("catalogue:dashboard")
    assert client.get("/").status_code == 200
    login = AuditEvent.objects.filter(event_type="login").last()
    assert login.user_id == user.pk and login.source_ip == "127.0.0.1" and login.detail["factors"] == 2
    assert AuditEvent.objects.get(event_type="login_password_ok").source_ip == "192.0.2.10"
    assert _events("login_failed") == ["login_failed"]  # the wrong code
    assert verify().ok


def test_a_totp_code_is_accepted_once(client, make_user):
    user = make_user()
    code = next_code(user.totp_secret)
    _password(client, user.username)
    client.post(reverse("accounts:mfa_verify"), {"code": code})
    client.post(reverse("accounts:logout"))
    _password(client, user.username)
    replay = client.post(reverse("accounts:mfa_verify"), {"code": code})
    assert replay.status_code == 200  # refused, stays on the code page
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_works_once(client, make_user):
    user = make_user()
    codes = mfa.new_recovery_codes(user)
    _password(client, user.username)
    assert client.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).url == reverse(
        "catalogue:dashboard"
    )
    client.post(reverse("accounts:logout"))
    _password(client, user.username)
    assert client.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 200
    assert mfa.remaining_recovery_codes(user) == 9
    assert "mfa_recovery_code_used" in _events("mfa_recovery_code_used")


def test_five_failures_lock_the_account_for_fifteen_minutes(client, make_user):
    user = make_user()
    for _ in range(4):
        assert _password(client, user.username, "Wrong-Pass-1234").status_code == 200
    user.refresh_from_db()
    assert not user.is_locked()
    _password(client, user.username, "Wrong-Pass-1234")
    user.refresh_from_db()
    assert user.is_locked()
    assert user.locked_until - timezone.now() > timedelta(minutes=14, seconds=50)
    # Now even the right password is refused, and it is not tried.
    response = _password(client, user.username)
    assert response.status_code == 200 and "mfa" not in response.get("Location", "")
    assert _events("login_failed").count("login_failed") == 5
    assert _events("account_locked") == ["account_locked"]
    assert _events("login_refused_locked") == ["login_refused_locked"]
    # After the lock ends the account signs in again.
    user.locked_until = timezone.now() - timedelta(seconds=1)
    user.save(update_fields=["locked_until"])
    assert _password(client, user.username).url == reverse("accounts:mfa_verify")
    assert verify().ok


def test_wrong_codes_count_towards_the_lockout(client, make_user):
    user = make_user()
    _password(client, user.username)
    for _ in range(5):
        client.post(reverse("accounts:mfa_verify"), {"code": "123456"})
    user.refresh_from_db()
    assert user.is_locked()


@override_settings(
    ZHENGAN_POLICY={**__import__("django.conf").conf.settings.ZHENGAN_POLICY, "LOCKOUT_THRESHOLD": 3}
)
def test_a_stricter_threshold_locks_sooner(client, make_user):
    user = make_user()
    for _ in range(3):
        _password(client, user.username, "Wrong-Pass-1234")
    user.refresh_from_db()
    assert user.is_locked()


def test_an_address_that_keeps_failing_is_slowed_down(client, make_user, settings):
    limit = settings.ZHENGAN_POLICY["IP_FAILURE_LIMIT"]
    for i in range(limit):
        _password(client, f"nobody{i}", "Wrong-Pass-1234", ip="198.51.100.7")
    blocked = _password(client, "nobody", "Wrong-Pass-1234", ip="198.51.100.7")
    assert blocked.status_code == 429
    assert _events("login_rate_limited") == ["login_rate_limited"]
    # Another address is not affected.
    user = make_user()
    assert _password(client, user.username, ip="198.51.100.8").status_code == 302


def test_unknown_users_fail_like_wrong_passwords(client, make_user):
    user = make_user()
    unknown = _password(client, "no.such.person", "Wrong-Pass-1234")
    wrong = _password(client, user.username, "Wrong-Pass-1234")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()
    assert AuditEvent.objects.filter(event_type="login_failed", username="no.such.person").exists()


def test_the_password_is_masked_and_never_echoed(client, make_user):
    user = make_user()
    page = client.get(LOGIN).content.decode()
    assert re.search(r'<input type="password" name="password"', page)
    failed = _password(client, user.username, "Secret-Typed-Value-1").content.decode()
    assert "Secret-Typed-Value-1" not in failed


def test_an_idle_session_ends(client, make_user, settings):
    user = make_user()
    sign_in_fully(client, user)
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = time.time() - settings.ZHENGAN_POLICY["IDLE_MINUTES"] * 60 - 5
    session.save()
    response = client.get("/")
    assert response.url == reverse("accounts:login")
    assert client.get("/").status_code == 302
    assert _events("session_timeout") == ["session_timeout"]


def test_session_cookie_lifetime_is_the_idle_time(settings):
    assert settings.SESSION_COOKIE_AGE == settings.ZHENGAN_POLICY["IDLE_MINUTES"] * 60 == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_HTTPONLY


def test_logout_is_post_only_and_audited(client, make_user):
    user = make_user()
    sign_in_fully(client, user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get("/").status_code == 302
    assert _events("logout") == ["logout"]


def test_password_reset_link_is_one_time(client, make_user):
    user = make_user(email="huang.audit@example.com.tw")
    response = client.post(reverse("accounts:password_reset"), {"email": "huang.audit@example.com.tw"})
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["huang.audit@example.com.tw"]
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    new = "Reset-By-Mail-2026"
    done = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert done.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new)
    # The same link does not work twice.
    again = client.get(link, follow=True)
    assert not again.context["validlink"]
    assert _events("password_reset_requested", "password_reset_completed") == [
        "password_reset_requested",
        "password_reset_completed",
    ]


def test_password_reset_says_the_same_for_unknown_addresses(client, make_user):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com.tw"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_reset_tokens_expire(settings):
    assert settings.PASSWORD_RESET_TIMEOUT <= 3600


def test_enrolment_shows_a_qr_code_and_gives_recovery_codes(client, make_user):
    user = make_user(enrolled=False)
    _password(client, user.username)
    page = client.get(reverse("accounts:mfa_enrol"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', html).group(1)
    done = client.post(reverse("accounts:mfa_enrol"), {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    user.refresh_from_db()
    assert user.mfa_enrolled and user.totp_secret == secret
    assert client.get("/").status_code == 200
    assert _events("mfa_enrolled") == ["mfa_enrolled"]


def test_a_wrong_current_password_counts_as_a_failure(client, make_user):
    user = make_user()
    sign_in_fully(client, user)
    for _ in range(5):
        client.post(
            reverse("accounts:password_change"),
            {
                "old_password": "Not-My-Password-1",
                "new_password1": "Xy-New-Pass-123",
                "new_password2": "Xy-New-Pass-123",
            },
        )
    user.refresh_from_db()
    assert user.is_locked()
    assert client.get("/").status_code == 302  # signed out when locked
