"""`zhengan remind` mails overdue findings too (the findings provider is wired in settings), once a week per
finding, through a real SMTP server on loopback."""

from __future__ import annotations

from datetime import date
from email.header import decode_header, make_header

import pytest

from zhengan.web.findings import services as findings
from zhengan.web.obligations import reminders

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_overdue_finding_reaches_its_owner_once_a_week(smtp_server, make_user, firm_profile):
    owner = make_user("it_security", email="owner@example.com.tw")
    finding = findings.create_finding(
        user=owner,
        owner=owner,
        title="防火牆規則未覆核",
        description="DMZ rules not reviewed this half year",
        category="technical",
        topic="network",
        severity="high",
        risk="unreviewed rules may expose services",
        recommendation="review the DMZ rules and remove the unused ones",
        control_ids=["CC17010-2.6"],
        raised_on=date(2026, 9, 1),
    )
    assert finding.deadline == date(2026, 10, 1)  # high: 30 days by the default policy
    reminders.run(date(2026, 10, 5))
    mails = [
        m for m in smtp_server.messages if finding.reference in str(make_header(decode_header(m["Subject"])))
    ]
    assert [m["To"] for m in mails] == ["owner@example.com.tw"]
    body = mails[0].get_payload(decode=True).decode("utf-8")
    assert "CC17010-2.6" in body
    reminders.run(date(2026, 10, 6))  # the same ISO week: nothing again
    reminders.run(date(2026, 10, 12))  # the next week: once more
    subjects = [str(make_header(decode_header(m["Subject"]))) for m in smtp_server.messages]
    assert sum(finding.reference in s for s in subjects) == 2
