"""The reset link travels through a real SMTP server on loopback (aiosmtpd), not only Django's outbox."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from zhengan.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_reset_link_is_mailed_over_smtp(client, make_user, smtp_server):
    inbox = smtp_server
    user = make_user(email="wang.itsec@example.com.tw")
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.url == reverse("accounts:password_reset_done")
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == user.email
    body = message.get_payload(decode=True).decode("utf-8")
    assert "一次性" in body and "one-time" in body
    link = re.search(r"/accounts/password-reset/[^/\s]+/[^/\s]+/", body).group(0)
    assert client.get(link, follow=True).context["validlink"]
    assert AuditEvent.objects.filter(event_type="password_reset_requested").count() == 1
