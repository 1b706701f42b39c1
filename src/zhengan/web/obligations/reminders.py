"""`zhengan remind`: the daily run that mails reminders, once per reminder stage (issue #5).

Messages come from providers (settings.ZHENGAN_REMINDER_PROVIDERS, dotted paths to
`provider(today) -> list[dict]` with keys `key`, `recipients`, `subject`, `body`): this app's
`provider` gives the obligations' reminders (the pure core `zhengan.reminders` decides which are due:
N days before the due date per the firm's ReminderPolicy, then every `overdue_every_days` while overdue);
the findings app can add its own. Each message is sent through Django's e-mail backend (EMAIL_* settings,
from ZHENGAN_EMAIL_HOST ...) and its key recorded in `ReminderSent` right after the server accepted it,
so a second run the same day sends nothing. A crash between the two may repeat one message; none is lost.
A lock (PostgreSQL advisory lock, or a file lock in the data directory) keeps two runs apart.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection
from django.urls import reverse
from django.utils.module_loading import import_string

from zhengan import reminders as core
from zhengan.catalog.loader import load_catalog
from zhengan.text import Text
from zhengan.web.obligations.models import ReminderSent

LOCK_ID = 0x7A68656E  # "zhen": the PostgreSQL advisory lock of `zhengan remind`


def _link(ref: str) -> str | None:
    base = getattr(settings, "ZHENGAN_BASE_URL", "") or ""
    if not base:
        return None
    return base.rstrip("/") + reverse("obligations:detail", kwargs={"ref": ref})


def provider(today: date) -> list[dict]:
    """The obligations' reminders due today (ledger not consulted here: the run does that)."""
    from zhengan.web.firm.policies import current_policies
    from zhengan.web.obligations import services

    catalog = load_catalog()
    obligations = services.calendar_obligations(services.current_obligations())
    result = []
    for reminder in core.reminders_due(obligations, today, current_policies().reminders):
        key = reminder.key
        result.append(
            {
                "key": f"obligation {key.obligation_key} {key.kind.value} {key.day.isoformat()}",
                "recipients": services.recipients(reminder.obligation.owner),
                "subject": core.subject(reminder),
                "body": core.body(reminder, catalog, _link(services.ref_of(reminder.obligation.key))),
            }
        )
    return result


@dataclass
class Outcome:
    key: str
    recipients: list[str]
    subject: str
    state: str  # sent, already_sent, no_recipient, failed, would_send
    detail: str = ""


STATES = {
    "sent": Text(zh="已寄出", en="sent"),
    "already_sent": Text(zh="先前已寄", en="already sent"),
    "no_recipient": Text(zh="無收件人", en="no recipient"),
    "failed": Text(zh="失敗", en="failed"),
    "would_send": Text(zh="將寄出（試跑）", en="would send (dry run)"),
}


@dataclass
class Run:
    today: date
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for o in self.outcomes if o.state == state)

    def summary(self) -> Text:
        n = {state: self.count(state) for state in STATES}
        zh = (
            f"{self.today.isoformat()}：已寄出 {n['sent']} 封，先前已寄 {n['already_sent']} 則，"
            f"無收件人 {n['no_recipient']} 則，失敗 {n['failed']} 則"
        )
        en = (
            f"{self.today.isoformat()}: sent {n['sent']}, already sent {n['already_sent']}, "
            f"no recipient {n['no_recipient']}, failed {n['failed']}"
        )
        if self.dry_run:
            zh += f"；試跑，將寄出 {n['would_send']} 封"
            en += f"; dry run, would send {n['would_send']}"
        return Text(zh=zh, en=en)


@contextlib.contextmanager
def run_lock() -> Iterator[None]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
        return
    path = Path(settings.DATA_DIR) / "remind.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def collect(today: date) -> list[dict]:
    items = []
    for dotted in settings.ZHENGAN_REMINDER_PROVIDERS:
        items += import_string(dotted)(today)
    return items


def run(today: date, *, dry_run: bool = False) -> Run:
    """Send today's reminders not sent before. Raises core.ReminderError if the mail server is unreachable
    (nothing is recorded for messages not accepted)."""
    result = Run(today, dry_run)
    with run_lock():
        pending = []
        for item in collect(today):
            key, recipients = item["key"], list(item["recipients"])
            outcome = Outcome(key, recipients, item["subject"], "")
            result.outcomes.append(outcome)
            if ReminderSent.objects.filter(key=key).exists():
                outcome.state = "already_sent"
            elif not recipients:
                outcome.state = "no_recipient"
            elif dry_run:
                outcome.state = "would_send"
            else:
                pending.append((item, outcome))
        if not pending:
            return result
        mail = get_connection(fail_silently=False)
        try:
            mail.open()
        except OSError as error:
            raise core.ReminderError(
                Text(
                    zh=f"無法連線郵件伺服器：{error}",
                    en=f"cannot reach the mail server: {error}",
                )
            ) from error
        try:
            for item, outcome in pending:
                message = EmailMessage(
                    item["subject"],
                    item["body"],
                    settings.DEFAULT_FROM_EMAIL,
                    outcome.recipients,
                    connection=mail,
                    headers={"Auto-Submitted": "auto-generated", "X-Zhengan-Reminder": item["key"]},
                )
                try:
                    message.send()
                except Exception as error:  # any refusal: report it, retry next run
                    outcome.state, outcome.detail = "failed", str(error)
                    continue
                ReminderSent.objects.get_or_create(
                    key=outcome.key, defaults={"recipients": outcome.recipients}
                )
                outcome.state = "sent"
        finally:
            with contextlib.suppress(Exception):
                mail.close()
    return result
