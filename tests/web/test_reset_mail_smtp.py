"""The reset link travels through a real SMTP server on loopback (aiosmtpd), not only Django's outbox."""

from __future__ import annotations

import re
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.test import override_settings
from django.urls import reverse

from zhengan.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_reset_link_is_mailed_over_smtp(client, make_user, smtp_server):
    controller, inbox = smtp_server
    user = make_user(email="wang.itsec@example.com.tw")
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
    ):
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
