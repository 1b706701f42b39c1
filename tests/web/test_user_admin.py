"""User administration by the administrator, every change audited with before and after; the audit page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.web.conftest import sign_in_fully
from zhengan.web.accounts.models import User
from zhengan.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, make_user):
    user = make_user("administrator", username="chen.admin")
    sign_in_fully(client, user)
    return user


def test_create_user_shows_a_one_time_password(client, admin):
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "kao.itsec",
            "full_name": "高資安",
            "email": "kao@example.com.tw",
            "role": "it_security",
        },
    )
    assert response.status_code == 200
    password = response.context["password"]
    user = User.objects.get(username="kao.itsec")
    assert user.check_password(password) and user.must_change_password and not user.mfa_enrolled
    event = AuditEvent.objects.get(event_type="user_created")
    assert event.user_id == admin.pk and event.after["role"] == "it_security"
    assert password not in str(event.after)


def test_shared_names_and_duplicate_addresses_are_refused(client, admin):
    shared = client.post(
        reverse("accounts:user_create"),
        {"username": "operator", "full_name": "值班", "email": "op@example.com.tw", "role": "it_security"},
    )
    assert shared.status_code == 200 and "SR-6.1" in shared.content.decode()
    duplicate = client.post(
        reverse("accounts:user_create"),
        {"username": "another.person", "full_name": "X", "email": admin.email, "role": "it_security"},
    )
    assert duplicate.status_code == 200
    assert not User.objects.filter(username__in=["operator", "another.person"]).exists()


def test_mfa_reset_is_audited_and_forces_enrolment(client, admin, make_user):
    user = make_user("internal_auditor")
    client.post(reverse("accounts:user_reset_mfa", kwargs={"pk": user.pk}))
    user.refresh_from_db()
    assert not user.mfa_enrolled and user.totp_secret == ""
    event = AuditEvent.objects.get(event_type="mfa_reset_by_admin")
    assert event.before["mfa_enrolled"] is True and event.after["mfa_enrolled"] is False
    assert event.object_id == str(user.pk)


def test_unlock_is_audited(client, admin, make_user):
    user = make_user()
    user.locked_until = timezone.now() + timedelta(minutes=10)
    user.save()
    client.post(reverse("accounts:user_unlock", kwargs={"pk": user.pk}))
    user.refresh_from_db()
    assert not user.is_locked()
    assert AuditEvent.objects.get(event_type="account_unlocked").before["locked_until"] is not None


def test_new_initial_password_forces_a_change(client, admin, make_user):
    user = make_user()
    response = client.post(reverse("accounts:user_reset_password", kwargs={"pk": user.pk}))
    user.refresh_from_db()
    assert user.must_change_password and user.check_password(response.context["password"])


def test_the_administrator_cannot_demote_or_deactivate_themselves(client, admin):
    response = client.post(
        reverse("accounts:user_edit", kwargs={"pk": admin.pk}),
        {"full_name": admin.full_name, "email": admin.email, "role": "board_viewer"},
    )
    assert response.status_code == 200
    admin.refresh_from_db()
    assert admin.role == "administrator" and admin.is_active


def test_role_change_is_audited_with_before_and_after(client, admin, make_user):
    user = make_user("board_viewer")
    client.post(
        reverse("accounts:user_edit", kwargs={"pk": user.pk}),
        {"full_name": user.full_name, "email": user.email, "role": "internal_auditor", "is_active": "on"},
    )
    event = AuditEvent.objects.get(event_type="user_updated")
    assert (event.before["role"], event.after["role"]) == ("board_viewer", "internal_auditor")


def test_the_audit_page_lists_and_verifies(client, admin):
    client.post(reverse("accounts:user_reset_mfa", kwargs={"pk": admin.pk}))
    sign_in_fully(client, admin)  # still a signed-in session for this test
    admin.refresh_from_db()
    page = client.get(reverse("audit:list"), {"verify": "1"})
    # After its own MFA reset the administrator is sent to enrol first.
    assert page.status_code == 302


def test_the_auditor_reads_and_verifies_the_chain(client, make_user):
    auditor = make_user("internal_auditor")
    sign_in_fully(client, auditor)
    client.get(reverse("accounts:users"))  # denied, audited
    page = client.get(reverse("audit:list"), {"verify": "1"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "access_denied" in html
    assert page.context["check"].ok and "稽核紀錄鏈完整" in html
