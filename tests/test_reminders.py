"""E-mail reminders: which are due (pure), the bilingual message, and sending through a real SMTP server
(aiosmtpd) on loopback, once per (obligation, kind, stage day) thanks to the ledger."""

from __future__ import annotations

import email
import json
import socket
from datetime import UTC, date, datetime
from email import policy as email_policy

import pytest
from aiosmtpd.controller import Controller

from zhengan.applicability import statement
from zhengan.obligations import Owner, complete, derive_obligations, record_event
from zhengan.reminders import (
    JsonFileLedger,
    Kind,
    LedgerFileError,
    MemoryLedger,
    ReminderError,
    ReminderKey,
    ReminderPolicy,
    SmtpSettings,
    compose,
    describe_run,
    reminder_for,
    reminders_due,
    send_reminders,
)

START = date(2026, 1, 1)
CISO = Owner(kind="role", name="資安長")
ALICE = Owner(kind="user", name="alice")
ADDRESSES = {CISO: ["ciso@firm.example.tw", "deputy@firm.example.tw"], ALICE: ["alice@firm.example.tw"]}
FIXED = datetime(2026, 6, 24, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def first(catalog, profiles):
    return statement(catalog, profiles["first_category_securities"])


@pytest.fixture(scope="module")
def obligations(first):
    owners = {"SR-3.3": CISO, "SR-7.8": ALICE}
    return {o.key: o for o in derive_obligations(first, START, owners=owners)}


# Which reminders are due -----------------------------------------------------------------------


def test_stages_before_the_due_date(obligations):
    review = obligations["SR-3.3"]  # due 2026-07-01
    policy = ReminderPolicy()  # 30, 7, 1 and 0 days before
    assert reminder_for(review, date(2026, 5, 31), policy) is None  # 31 days before
    thirty = reminder_for(review, date(2026, 6, 1), policy)
    assert (thirty.kind, thirty.day, thirty.days) == (Kind.UPCOMING, date(2026, 6, 1), 30)
    # A job that missed the 7-day stage (24 June) still sends it on the 26th, with the true days left.
    late_run = reminder_for(review, date(2026, 6, 26), policy)
    assert (late_run.day, late_run.days) == (date(2026, 6, 24), 5)
    assert reminder_for(review, date(2026, 6, 30), policy).day == date(2026, 6, 30)
    on_the_day = reminder_for(review, date(2026, 7, 1), policy)
    assert (on_the_day.day, on_the_day.days, on_the_day.kind) == (date(2026, 7, 1), 0, Kind.UPCOMING)


def test_overdue_reminders_repeat_every_n_days(obligations):
    review = obligations["SR-3.3"]
    policy = ReminderPolicy(overdue_every_days=7)
    days = {reminder_for(review, date(2026, 7, d), policy).day for d in range(2, 9)}
    assert days == {date(2026, 7, 2)}  # 1-7 days late: one stage
    eighth = reminder_for(review, date(2026, 7, 9), policy)
    assert (eighth.kind, eighth.day, eighth.days) == (Kind.OVERDUE, date(2026, 7, 9), 8)


def test_daily_controls_and_done_events_send_nothing_by_default(first, obligations):
    daily = obligations["SR-3.6"]
    assert reminder_for(daily, date(2026, 1, 2), ReminderPolicy()) is None
    assert reminder_for(daily, date(2026, 1, 2), ReminderPolicy(include_daily=True)).days == 0
    [incident] = record_event(first, "major_incident", date(2026, 3, 10), "INC-1")
    assert reminder_for(complete(incident, date(2026, 4, 1)), date(2026, 6, 9), ReminderPolicy()) is None
    due = {r.obligation.key for r in reminders_due([*obligations.values(), incident], date(2026, 6, 9))}
    assert "AP-3.3#major_incident:2026-03-10:INC-1" in due and {"SR-3.3", "SR-7.8", "CC17010-2.6"} <= due
    assert not any(k.startswith("SR-3.6") for k in due)


def test_policy_validation():
    assert ReminderPolicy(days_before=(1, 14, 14, 3)).days_before == (14, 3, 1)
    with pytest.raises(ValueError):
        ReminderPolicy(days_before=(-1,))
    with pytest.raises(ValueError):
        ReminderPolicy(overdue_every_days=0)


# The message -----------------------------------------------------------------------------------


def test_the_message_is_chinese_first_then_english_in_utf8(catalog, obligations):
    reminder = reminder_for(obligations["SR-3.3"], date(2026, 6, 24), ReminderPolicy())
    message = compose(
        reminder,
        catalog,
        "zhengan@firm.example.tw",
        ADDRESSES[CISO],
        link="https://z.example/o/SR-3.3",
        sent_at=FIXED,
    )
    parsed = email.message_from_bytes(message.as_bytes(), policy=email_policy.default)
    title = catalog.control("SR-3.3").title
    assert parsed["Subject"] == (
        f"【證安提醒】7 天後到期：SR-3.3 {title.zh}（2026-07-01） / Due in 7 day(s): SR-3.3 {title.en} (2026-07-01)"
    )
    assert parsed["To"] == "ciso@firm.example.tw, deputy@firm.example.tw"
    assert parsed["X-Zhengan-Reminder"] == "SR-3.3 upcoming 2026-06-24"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed.get_content_charset() == "utf-8"
    text = parsed.get_content()
    assert text.index("將於 7 天後（2026-07-01）到期") < text.index("This obligation is due in 7 day(s)")
    assert catalog.control("SR-3.3").text in text and catalog.control("SR-3.3").text_en in text
    assert "負責人：角色：資安長" in text and "https://z.example/o/SR-3.3" in text
    with pytest.raises(ReminderError):
        compose(reminder, catalog, "zhengan@firm.example.tw", [])


def test_overdue_and_firm_chosen_wording(catalog, obligations):
    clock = obligations["SR-4.9"].model_copy(update={"owner": ALICE})
    reminder = reminder_for(clock, date(2027, 1, 11), ReminderPolicy())
    message = compose(reminder, catalog, "zhengan@firm.example.tw", ["alice@firm.example.tw"], sent_at=FIXED)
    assert message["Subject"].startswith("【證安提醒】逾期 10 天：SR-4.9")
    assert "Overdue by 10 day(s)" in message["Subject"]
    assert "週期由公司自訂" in message.get_content() and "firm's own choice" in message.get_content()


# Sending through a real SMTP server ------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps what it receives and refuses one address."""

    refused = "nobody@firm.example.tw"

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=email_policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, SmtpSettings(host="127.0.0.1", port=controller.port, sender="zhengan@firm.example.tw")
    finally:
        controller.stop()


def test_reminders_are_sent_once_per_stage(catalog, obligations, smtp_server, tmp_path):
    inbox, settings = smtp_server
    items = [obligations["SR-3.3"], obligations["SR-7.8"], obligations["AP-6"]]  # AP-6 has no owner
    ledger = JsonFileLedger(tmp_path / "ledger.json")
    today = date(2026, 6, 24)
    report = send_reminders(items, today, catalog, settings, ADDRESSES, ledger, now=lambda: FIXED)
    assert sorted(report.sent) == [
        ReminderKey("SR-3.3", Kind.UPCOMING, date(2026, 6, 24)),
        ReminderKey("SR-7.8", Kind.UPCOMING, date(2026, 6, 24)),
    ]
    assert report.no_recipient == [] and report.failed == []  # AP-6 is not due within 30 days yet
    assert len(inbox.messages) == 2
    rcpts = {m["X-Zhengan-Reminder"].split()[0]: (to, m) for to, m in inbox.messages}
    to, message = rcpts["SR-3.3"]
    assert to == ["ciso@firm.example.tw", "deputy@firm.example.tw"]
    assert message["Subject"].startswith("【證安提醒】7 天後到期：SR-3.3")
    assert "帳號" in message.get_content()

    # The same day again, and the next day (same stage): nothing new, even with a fresh ledger object.
    again = send_reminders(
        items, today, catalog, settings, ADDRESSES, JsonFileLedger(tmp_path / "ledger.json")
    )
    next_day = send_reminders(items, date(2026, 6, 25), catalog, settings, ADDRESSES, ledger)
    assert again.sent == [] and len(again.already_sent) == 2
    assert next_day.sent == [] and len(inbox.messages) == 2
    # The one-day stage is new.
    later = send_reminders(items, date(2026, 6, 30), catalog, settings, ADDRESSES, ledger)
    assert [k.day for k in later.sent] == [date(2026, 6, 30)] * 2 and len(inbox.messages) == 4

    stored = json.loads((tmp_path / "ledger.json").read_text(encoding="utf-8"))
    assert stored["version"] == 1 and len(stored["sent"]) == 4
    assert {
        "obligation": "SR-3.3",
        "kind": "upcoming",
        "day": "2026-06-24",
        "sent_at": FIXED.isoformat(),
    } in stored["sent"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left behind


def test_unassigned_and_refused_are_reported_and_retried(catalog, obligations, smtp_server):
    inbox, settings = smtp_server
    ledger = MemoryLedger()
    today = date(2026, 12, 25)  # AP-6 (no owner) and AP-5 due 2027-01-01: 7 days
    ap5 = obligations["AP-5"].model_copy(update={"owner": Owner(kind="user", name="nobody")})
    lookup = {**ADDRESSES, Owner(kind="user", name="nobody"): ["nobody@firm.example.tw"]}
    report = send_reminders([obligations["AP-6"], ap5], today, catalog, settings, lookup, ledger)
    assert report.no_recipient == [ReminderKey("AP-6", Kind.UPCOMING, date(2026, 12, 25))]
    assert [k for k, _ in report.failed] == [ReminderKey("AP-5", Kind.UPCOMING, date(2026, 12, 25))]
    assert "550" in report.failed[0][1] and report.sent == [] and inbox.messages == []
    assert not ledger.was_sent(ReminderKey("AP-5", Kind.UPCOMING, date(2026, 12, 25)))
    log = describe_run(report, today, FIXED)
    assert "失敗 failed: AP-5 upcoming 2026-12-25" in log and "無收件人 no recipient: AP-6" in log
    assert log.index("已寄出 0 封") < log.index("sent 0")
    # The address is fixed: the next run sends the missed stage.
    fixed = send_reminders(
        [ap5], date(2026, 12, 26), catalog, settings, lambda o: ["it@firm.example.tw"], ledger
    )
    assert fixed.sent == [ReminderKey("AP-5", Kind.UPCOMING, date(2026, 12, 25))]
    assert inbox.messages[0][0] == ["it@firm.example.tw"]


def test_an_unreachable_server_is_an_error_and_marks_nothing(catalog, obligations):
    ledger = MemoryLedger()
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), sender="zhengan@firm.example.tw", timeout=5)
    with pytest.raises(ReminderError, match=r"無法連線郵件伺服器 127\.0\.0\.1") as caught:
        send_reminders([obligations["SR-3.3"]], date(2026, 6, 24), catalog, settings, ADDRESSES, ledger)
    assert "cannot reach the mail server" in str(caught.value)
    assert ledger.sent == {}
    # Nothing to send: no connection is attempted at all.
    quiet = send_reminders([obligations["SR-3.3"]], date(2026, 1, 5), catalog, settings, ADDRESSES, ledger)
    assert quiet.sent == [] and quiet.failed == []


def test_a_corrupt_ledger_file_is_refused_with_file_and_line(tmp_path):
    broken = tmp_path / "ledger.json"
    broken.write_text('{"version": 1,\n "sent": [\n', encoding="utf-8")
    with pytest.raises(LedgerFileError, match=r"ledger.json:3 提醒紀錄檔不是有效的 JSON"):
        JsonFileLedger(broken)
    broken.write_text(
        '{"version": 1, "sent": [{"obligation": "SR-3.3", "kind": "sometime"}]}', encoding="utf-8"
    )
    with pytest.raises(LedgerFileError, match=r"sent\[0\]"):
        JsonFileLedger(broken)
    broken.write_text('{"version": 2, "sent": []}', encoding="utf-8")
    with pytest.raises(LedgerFileError, match="version"):
        JsonFileLedger(broken)
