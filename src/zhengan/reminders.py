"""E-mail reminders: N days before an obligation is due, and while it is overdue; each sent once.

Three parts, so that the daily `zhengan remind` job (added with the web database) is a thin call:

- `reminders_due(obligations, today, policy)`: which reminders are due today (pure). Each reminder has a
  *stage day*: for 「7 days before」 it is due − 7, for overdue ones due + 1 and every `overdue_every_days`
  after. A job that did not run on the stage day still sends it on the next run, and a second run sends
  nothing new, because the ledger remembers (obligation key, kind, stage day).
- `compose(...)`: the bilingual message (Traditional Chinese first, then English, UTF-8).
- `send_reminders(...)`: one SMTP connection, one message per reminder to the owner's addresses, each
  recorded in the ledger right after the server accepted it. A crash between the two may repeat that one
  message on the next run; it never loses one. Reminders whose owner has no address are counted, not
  dropped.

Ledgers: `MemoryLedger` (tests, one-off runs) and `JsonFileLedger` (a file, rewritten atomically, locked
while a run is in progress); the web layer provides a database-backed one with the same three methods.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import smtplib
import ssl
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from zhengan.catalog.loader import Catalog
from zhengan.obligations import Obligation, Owner, sort_by_due
from zhengan.text import Text
from zhengan.timeutil import format_taipei, utc_now


class ReminderError(RuntimeError):
    def __init__(self, message: Text):
        self.text = message
        super().__init__(message.both())


class Kind(StrEnum):
    UPCOMING = "upcoming"
    OVERDUE = "overdue"


class ReminderPolicy(BaseModel):
    """When to remind. The defaults: 30, 7 and 1 day(s) before, on the day, then weekly while overdue."""

    model_config = ConfigDict(extra="forbid")

    days_before: tuple[int, ...] = Field((30, 7, 1, 0), min_length=1)
    overdue_every_days: int = Field(7, ge=1, le=365)
    # Daily controls (SR-3.6, SR-4.3, CC17010-3.2) are routine work, not calendar events: no mail unless asked.
    include_daily: bool = False

    @field_validator("days_before")
    @classmethod
    def _days(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(d < 0 or d > 366 for d in value):
            raise ValueError("days_before: 0-366 days / 提前天數須介於 0 至 366")
        return tuple(sorted(set(value), reverse=True))


class ReminderKey(NamedTuple):
    obligation_key: str
    kind: Kind
    day: date  # the stage day, not the day it happened to be sent


@dataclass(frozen=True)
class Reminder:
    obligation: Obligation
    kind: Kind
    day: date  # stage day
    due: date
    days: int  # days left (upcoming) or days overdue (overdue)

    @property
    def key(self) -> ReminderKey:
        return ReminderKey(self.obligation.key, self.kind, self.day)


def reminder_for(obligation: Obligation, today: date, policy: ReminderPolicy) -> Reminder | None:
    """The reminder whose stage `today` is in, if any."""
    due = obligation.next_due
    if due is None:
        return None
    is_daily = obligation.recurring and obligation.interval_months == 0 and obligation.interval_days == 1
    if is_daily and not policy.include_daily:
        return None
    left = (due - today).days
    if left >= 0:
        reached = [n for n in policy.days_before if n >= left]
        if not reached:
            return None
        stage = min(reached)
        return Reminder(obligation, Kind.UPCOMING, due - timedelta(days=stage), due, left)
    late = -left
    stage = (late - 1) // policy.overdue_every_days
    return Reminder(
        obligation, Kind.OVERDUE, due + timedelta(days=1 + stage * policy.overdue_every_days), due, late
    )


def reminders_due(
    obligations: Iterable[Obligation], today: date, policy: ReminderPolicy | None = None
) -> list[Reminder]:
    """Every reminder whose stage has been reached by `today` (the ledger filters those already sent)."""
    policy = policy or ReminderPolicy()
    found = (reminder_for(o, today, policy) for o in sort_by_due(obligations))
    return [r for r in found if r is not None]


# Composition ------------------------------------------------------------------------------------


def subject(reminder: Reminder) -> str:
    o = reminder.obligation
    due = reminder.due.isoformat()
    if reminder.kind == Kind.OVERDUE:
        zh = f"【證安提醒】逾期 {reminder.days} 天：{o.control_id} {o.title.zh}（應於 {due} 完成）"
        en = f"Overdue by {reminder.days} day(s): {o.control_id} {o.title.en} (due {due})"
    elif reminder.days == 0:
        zh = f"【證安提醒】今日到期：{o.control_id} {o.title.zh}（{due}）"
        en = f"Due today: {o.control_id} {o.title.en} ({due})"
    else:
        zh = f"【證安提醒】{reminder.days} 天後到期：{o.control_id} {o.title.zh}（{due}）"
        en = f"Due in {reminder.days} day(s): {o.control_id} {o.title.en} ({due})"
    return f"{zh} / {en}"


def body(reminder: Reminder, catalog: Catalog, link: str | None = None) -> str:
    o = reminder.obligation
    control = catalog.control(o.control_id)
    document = catalog.document_of(o.control_id).title
    owner = o.owner.label() if o.owner else Text(zh="未指派", en="unassigned")
    due = reminder.due.isoformat()
    if reminder.kind == Kind.OVERDUE:
        state = Text(
            zh=f"已逾期 {reminder.days} 天（應於 {due} 完成）",
            en=f"overdue by {reminder.days} day(s) (due {due})",
        )
    elif reminder.days == 0:
        state = Text(zh=f"今日（{due}）到期", en=f"due today ({due})")
    else:
        state = Text(
            zh=f"將於 {reminder.days} 天後（{due}）到期", en=f"due in {reminder.days} day(s) ({due})"
        )
    zh = [
        "以下法遵義務" + state.zh + "：",
        "",
        f"控制項：{o.control_id} {o.title.zh}",
        f"出處：{document.zh} {o.citation}",
        f"負責人：{owner.zh}",
        f"週期或期限：{o.schedule_reason.zh}",
    ]
    en = [
        f"This obligation is {state.en}:",
        "",
        f"Control: {o.control_id} {o.title.en}",
        f"Source: {document.en}, {o.citation}",
        f"Owner: {owner.en}",
        f"Period or deadline: {o.schedule_reason.en}",
    ]
    if o.firm_choice:
        zh.append("（週期由公司自訂，條文未定明確週期）")
        en.append("(The period is the firm's own choice; the text fixes none.)")
    if o.system:
        zh.append(f"資通系統：{o.system}")
        en.append(f"System: {o.system}")
    if o.scope:
        zh.append(f"適用範圍：{o.scope.zh}")
        en.append(f"Scope: {o.scope.en}")
    last = o.last_completion()
    if last:
        zh.append(f"前次完成：{last.done_on.isoformat()}")
        en.append(f"Last done: {last.done_on.isoformat()}")
    zh += ["", f"條文：{control.text}"]
    en += ["", f"Text: {control.text_en}"]
    if link:
        zh.append(f"登錄完成情形：{link}")
        en.append(f"Record the completion: {link}")
    footer = "此信由證安（zhengan）自動寄送。 / Sent automatically by zhengan."
    return "\n".join([*zh, "", "-" * 40, "", *en, "", footer]) + "\n"


def compose(
    reminder: Reminder,
    catalog: Catalog,
    sender: str,
    recipients: Sequence[str],
    *,
    link: str | None = None,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """The reminder as an e-mail: bilingual subject and body (zh-TW first), UTF-8."""
    if not recipients:
        raise ReminderError(Text(zh="沒有收件人", en="no recipients"))
    message = EmailMessage()
    message["Subject"] = subject(reminder)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    moment = sent_at or utc_now()
    message["Date"] = format_datetime(moment)
    domain = Address(addr_spec=sender).domain if "@" in sender else "zhengan.invalid"
    message["Message-ID"] = make_msgid("zhengan-reminder", domain=domain or "zhengan.invalid")
    message["Content-Language"] = "zh-TW, en"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    key = reminder.key
    message["X-Zhengan-Reminder"] = f"{key.obligation_key} {key.kind.value} {key.day.isoformat()}"
    message.set_content(body(reminder, catalog, link), charset="utf-8")
    return message


# Ledger -----------------------------------------------------------------------------------------


class Ledger(Protocol):
    """Which reminders were sent. `lock()` holds off a second run while one is in progress."""

    def was_sent(self, key: ReminderKey) -> bool: ...

    def mark_sent(self, key: ReminderKey, sent_at: datetime) -> None: ...

    def lock(self) -> contextlib.AbstractContextManager[None]: ...


class MemoryLedger:
    def __init__(self) -> None:
        self.sent: dict[ReminderKey, datetime] = {}

    def was_sent(self, key: ReminderKey) -> bool:
        return key in self.sent

    def mark_sent(self, key: ReminderKey, sent_at: datetime) -> None:
        self.sent.setdefault(key, sent_at)

    def lock(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()


class LedgerFileError(ValueError):
    pass


class JsonFileLedger:
    """A JSON file: {"version": 1, "sent": [{"obligation", "kind", "day", "sent_at"}, ...]}.

    Every `mark_sent` rewrites the file through a temporary file and an atomic rename, so the file is
    always whole; `lock()` takes an exclusive lock on `<file>.lock` for the duration of a run.
    """

    VERSION = 1

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.sent: dict[ReminderKey, datetime] = self._read()

    def _read(self) -> dict[ReminderKey, datetime]:
        if not self.path.exists():
            return {}
        raw = self.path.read_text(encoding="utf-8")
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise LedgerFileError(
                f"{self.path}:{exc.lineno} 提醒紀錄檔不是有效的 JSON / reminder ledger is not valid JSON: {exc.msg}"
            ) from None
        if (
            not isinstance(data, dict)
            or data.get("version") != self.VERSION
            or not isinstance(data.get("sent"), list)
        ):
            raise LedgerFileError(
                f"{self.path}: 欄位 version/sent 不符（應為 version 1 與 sent 清單）/ "
                f"fields version/sent: expected version 1 and a list"
            )
        sent = {}
        for index, row in enumerate(data["sent"]):
            try:
                key = ReminderKey(row["obligation"], Kind(row["kind"]), date.fromisoformat(row["day"]))
                sent[key] = datetime.fromisoformat(row["sent_at"])
            except (KeyError, TypeError, ValueError) as exc:
                raise LedgerFileError(
                    f"{self.path}: sent[{index}] 紀錄無法讀取 / record cannot be read: {exc!r}"
                ) from None
        return sent

    def _write(self) -> None:
        rows = [
            {
                "obligation": k.obligation_key,
                "kind": k.kind.value,
                "day": k.day.isoformat(),
                "sent_at": v.isoformat(),
            }
            for k, v in sorted(
                self.sent.items(), key=lambda kv: (kv[0].day, kv[0].obligation_key, kv[0].kind)
            )
        ]
        text = json.dumps({"version": self.VERSION, "sent": rows}, ensure_ascii=False, indent=1) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def was_sent(self, key: ReminderKey) -> bool:
        return key in self.sent

    def mark_sent(self, key: ReminderKey, sent_at: datetime) -> None:
        if key in self.sent:
            return
        self.sent[key] = sent_at
        self._write()

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                # Another run may have sent reminders while we waited for the lock.
                self.sent = self._read()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


# Sending ----------------------------------------------------------------------------------------


class SmtpSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = "localhost"
    port: int = Field(25, ge=1, le=65535)
    sender: str = Field(min_length=3)
    security: str = Field("none", pattern="^(none|starttls|tls)$")
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0


@dataclass
class SendReport:
    """What a run did, every reminder accounted for."""

    sent: list[ReminderKey] = field(default_factory=list)
    already_sent: list[ReminderKey] = field(default_factory=list)
    no_recipient: list[ReminderKey] = field(default_factory=list)
    failed: list[tuple[ReminderKey, str]] = field(default_factory=list)

    def summary(self) -> Text:
        n = (len(self.sent), len(self.already_sent), len(self.no_recipient), len(self.failed))
        return Text(
            zh=f"已寄出 {n[0]} 封，先前已寄 {n[1]} 則，無收件人 {n[2]} 則，失敗 {n[3]} 則",
            en=f"sent {n[0]}, already sent {n[1]}, no recipient {n[2]}, failed {n[3]}",
        )


RecipientLookup = Callable[[Owner | None], Sequence[str]] | Mapping[Owner, Sequence[str]]


def _addresses(lookup: RecipientLookup, owner: Owner | None) -> list[str]:
    if callable(lookup):
        return list(lookup(owner))
    return list(lookup.get(owner, ())) if owner is not None else []


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    try:
        if settings.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
        if settings.username:
            client.login(settings.username, settings.password or "")
    except (OSError, smtplib.SMTPException) as exc:
        raise ReminderError(
            Text(
                zh=f"無法連線郵件伺服器 {settings.host}:{settings.port}：{exc}",
                en=f"cannot reach the mail server {settings.host}:{settings.port}: {exc}",
            )
        ) from exc
    return client


def send_reminders(
    obligations: Iterable[Obligation],
    today: date,
    catalog: Catalog,
    smtp: SmtpSettings,
    recipients: RecipientLookup,
    ledger: Ledger,
    policy: ReminderPolicy | None = None,
    *,
    link_for: Callable[[Obligation], str] | None = None,
    now: Callable[[], datetime] = utc_now,
) -> SendReport:
    """Send today's reminders not sent before; what `zhengan remind` (run daily by cron) will call.

    The SMTP connection is opened only when there is something to send. A message the server refuses is
    reported as failed and stays unsent in the ledger, so the next run retries it.
    """
    report = SendReport()
    with ledger.lock():
        pending: list[tuple[Reminder, list[str]]] = []
        for reminder in reminders_due(obligations, today, policy):
            if ledger.was_sent(reminder.key):
                report.already_sent.append(reminder.key)
                continue
            addresses = _addresses(recipients, reminder.obligation.owner)
            if not addresses:
                report.no_recipient.append(reminder.key)
                continue
            pending.append((reminder, addresses))
        if not pending:
            return report
        client = _connect(smtp)
        try:
            for reminder, addresses in pending:
                moment = now()
                link = link_for(reminder.obligation) if link_for else None
                message = compose(reminder, catalog, smtp.sender, addresses, link=link, sent_at=moment)
                try:
                    refused = client.send_message(message)
                except smtplib.SMTPServerDisconnected as exc:
                    report.failed.append((reminder.key, f"伺服器中斷連線 / server disconnected: {exc}"))
                    client = _connect(smtp)
                    continue
                except smtplib.SMTPException as exc:
                    report.failed.append((reminder.key, f"伺服器拒收 / refused by the server: {exc}"))
                    continue
                ledger.mark_sent(reminder.key, moment)
                report.sent.append(reminder.key)
                if refused:
                    refused_list = ", ".join(sorted(refused))
                    report.failed.append(
                        (reminder.key, f"部分收件人被拒 / some recipients refused: {refused_list}")
                    )
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                client.quit()
    return report


def describe_run(report: SendReport, today: date, ran_at: datetime | None = None) -> str:
    """A few lines for the cron log: the day, the counts and each failure, Chinese first."""
    moment = format_taipei(ran_at or utc_now())
    lines = [f"{today.isoformat()}（執行於 ran at {moment}）：{report.summary().both()}"]
    for key, why in report.failed:
        lines.append(f"  失敗 failed: {key.obligation_key} {key.kind.value} {key.day.isoformat()}: {why}")
    for key in report.no_recipient:
        lines.append(f"  無收件人 no recipient: {key.obligation_key} {key.kind.value} {key.day.isoformat()}")
    return "\n".join(lines)
