"""`zhengan remind` through a real SMTP server on loopback (aiosmtpd): the right people, bilingual
messages, and a second run the same day sends nothing."""

from __future__ import annotations

from datetime import date
from email.header import decode_header, make_header

import pytest
from django.test import override_settings
from typer.testing import CliRunner

from tests.web.conftest import free_port
from zhengan.web.obligations import reminders
from zhengan.web.obligations.models import OwnerAssignment, ReminderSent

pytestmark = pytest.mark.django_db(transaction=True)


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


@pytest.fixture
def owners(make_user, firm_profile, calendar_from):
    calendar_from(date(2026, 1, 1))  # SR-3.3 and SR-7.8 (every half year) fall due on 2026-07-01
    engineer = make_user("it_security", email="wang@example.com.tw")
    officers = [make_user("compliance_officer", email=f"co{i}@example.com.tw") for i in (1, 2)]
    make_user("compliance_officer", email="gone@example.com.tw", is_active=False)
    OwnerAssignment.objects.create(key="SR-3.3", user=engineer)
    OwnerAssignment.objects.create(key="SR-7.8", role="compliance_officer")
    return engineer, officers


def test_reminders_are_mailed_once_to_the_owners(smtp_server, owners):
    day = date(2026, 6, 24)  # seven days before
    first = reminders.run(day)
    by_to = {m["To"]: m for m in smtp_server.messages}
    assert set(by_to) == {"wang@example.com.tw", "co1@example.com.tw, co2@example.com.tw"}
    review = by_to["wang@example.com.tw"]
    subject = _subject(review)
    assert "7 天後到期" in subject and "Due in 7 day(s)" in subject and "SR-3.3" in subject
    body = review.get_payload(decode=True).decode("utf-8")
    assert "控制項：SR-3.3" in body and "Control: SR-3.3" in body
    assert review["Auto-Submitted"] == "auto-generated"
    assert review["X-Zhengan-Reminder"] == "obligation SR-3.3 upcoming 2026-06-24"
    assert first.count("sent") == 2 and first.count("no_recipient") > 0  # unassigned ones are counted

    second = reminders.run(day)
    assert len(smtp_server.messages) == 2  # no duplicates
    assert second.count("sent") == 0 and second.count("already_sent") == 2
    assert ReminderSent.objects.count() == 2

    # Overdue: a new stage, a new message.
    reminders.run(date(2026, 7, 2))
    overdue = [_subject(m) for m in smtp_server.messages if "逾期" in _subject(m)]
    assert len(overdue) == 2 and all("Overdue by 1 day(s)" in s for s in overdue)


def test_the_command_prints_a_bilingual_summary_and_dry_run_sends_nothing(smtp_server, owners):
    from zhengan.cli import app

    runner = CliRunner()
    dry = runner.invoke(app, ["remind", "--today", "2026-06-24", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would send 2" in dry.output and "將寄出 2 封" in dry.output
    assert smtp_server.messages == [] and ReminderSent.objects.count() == 0
    real = runner.invoke(app, ["remind", "--today", "2026-06-24"])
    assert real.exit_code == 0, real.output
    assert "已寄出 2 封" in real.output and "sent 2" in real.output
    again = runner.invoke(app, ["remind", "--today", "2026-06-24"])
    assert "already sent 2" in again.output and len(smtp_server.messages) == 2
    bad = runner.invoke(app, ["remind", "--today", "2026-13-01"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_an_unreachable_server_records_nothing(owners):
    from zhengan.reminders import ReminderError

    with (
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=free_port(),
        ),
        pytest.raises(ReminderError, match="無法連線郵件伺服器"),
    ):
        reminders.run(date(2026, 6, 24))
    assert ReminderSent.objects.count() == 0
