"""The obligations calendar (issue #5): what the firm must do, when, and who does it. Pure, no database.

- Every applicable control with a period becomes a recurring obligation. Periods fixed by the text are
  used as written; 定期 without a period and 依所屬資安分級 take the firm's own choice (`PeriodPolicy`),
  and the obligation says so (`firm_choice`, `schedule_reason`).
- Event-driven controls (上架前, 系統更新時, 重大資安事件後三個月內, 員工離職時 ...) become obligations when the
  event is recorded: due at the event date plus the text's deadline, or on the event date when the text
  fixes none.
- A completion (date, note, evidence SHA-256s) is appended, never replaced; a recurring obligation's next
  due date is counted from the day it was done.
- Views are plain functions over a list: overdue, due within N days, a month calendar, per owner.

The web layer stores `Obligation` values (they are frozen pydantic models that round-trip through JSON)
and the evidence bytes (by SHA-256, see `evidence_store.py`); this module only computes.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from zhengan.applicability import Statement
from zhengan.catalog.loader import Catalog
from zhengan.catalog.schema import Control, Period, Strength
from zhengan.schedule import Interval, PeriodPolicy, add_duration, interval_for, next_occurrence
from zhengan.text import Text

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ObligationError(ValueError):
    """A request the calendar cannot honour; the message is in Chinese then English."""

    def __init__(self, message: Text):
        self.text = message
        super().__init__(message.both())


class Owner(BaseModel):
    """Who answers for an obligation: a named user or a role (資安長, 資訊部主管 ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["user", "role"]
    name: str = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _no_blank(cls, value: str) -> str:
        if not value.strip() or value != value.strip():
            raise ValueError("owner name must not be blank or padded / 負責人名稱不得空白或前後留白")
        return value

    def label(self) -> Text:
        return Text(
            zh=f"{'使用者' if self.kind == 'user' else '角色'}：{self.name}", en=f"{self.kind}: {self.name}"
        )


class Completion(BaseModel):
    """One time the obligation was done: when, what was done, and the evidence files' SHA-256."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    done_on: date
    note: str = ""
    evidence_sha256: tuple[str, ...] = ()
    by: str | None = None

    @field_validator("evidence_sha256")
    @classmethod
    def _hashes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for digest in value:
            if not SHA256.match(digest):
                raise ValueError(f"not a lower-case SHA-256 hex digest / 非 SHA-256 雜湊值: {digest!r}")
        if len(set(value)) != len(value):
            raise ValueError("the same evidence file is listed twice / 佐證檔案重複")
        return value


class SystemRef(BaseModel):
    """An information system of the register, with the vocabulary `system_scopes` it belongs to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    scopes: frozenset[str] = frozenset()

    def covers(self, control: Control) -> bool:
        """A scoped control binds the system when the system has every scope the control names."""
        return set(control.system_scope) <= self.scopes


class EventRecord(BaseModel):
    """An event that makes controls due: a planned release, a confirmed major incident, a leaver ..."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trigger: str  # a key of vocabulary.yaml `triggers`
    occurred_on: date  # for 「…前」 triggers (before release), the date the event is planned for
    reference: str = Field(min_length=1)  # the firm's own handle: INC-2026-007, app v3.2, 王小明
    system: str | None = None

    @field_validator("reference")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if not value.strip() or "\n" in value or "\r" in value:
            raise ValueError("reference: one non-blank line / 事件識別須為一行非空白文字")
        return value.strip()

    @property
    def id(self) -> str:
        return f"{self.trigger}:{self.occurred_on.isoformat()}:{self.reference}"


class Obligation(BaseModel):
    """One thing the firm must do: a recurring control (per system where it is scoped) or one event's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str  # control id, + "@system" for a system's, + "#trigger:date:reference" for an event's
    control_id: str
    citation: str  # 第三條第三款, (二)6., 3.(3)
    title: Text
    strength: Strength
    system: str | None = None
    scope: Text | None = None  # for a firm-level obligation of a scoped control: 「核心系統」
    period: Period | None = None
    period_text: str | None = None  # the verbatim words: 至少每半年一次, 定期
    interval_months: int = 0
    interval_days: int = 0
    firm_choice: bool = False  # the firm set the period (定期 / 依所屬資安分級), not the text
    schedule_reason: Text  # why this period or deadline, in both languages
    event: EventRecord | None = None
    event_text: str | None = None  # the verbatim words of the event: 應於三個月內重新完成資通安全評估作業
    owner: Owner | None = None
    counted_from: date  # the day the current cycle is counted from: start, last done or the event
    next_due: date | None  # None once an event-driven obligation is done
    completions: tuple[Completion, ...] = ()

    @property
    def recurring(self) -> bool:
        return self.event is None

    @property
    def done(self) -> bool:
        return self.next_due is None

    @property
    def interval(self) -> Interval:
        return Interval(self.interval_months, self.interval_days, self.firm_choice, self.schedule_reason)

    def is_overdue(self, today: date) -> bool:
        return self.next_due is not None and self.next_due < today

    def last_completion(self) -> Completion | None:
        return self.completions[-1] if self.completions else None


class Status(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    OPEN = "open"


STATUS_LABELS = {
    Status.DONE: Text(zh="已完成", en="done"),
    Status.OVERDUE: Text(zh="逾期", en="overdue"),
    Status.OPEN: Text(zh="待辦", en="open"),
}


def status(obligation: Obligation, today: date) -> Status:
    if obligation.done:
        return Status.DONE
    return Status.OVERDUE if obligation.is_overdue(today) else Status.OPEN


# Derivation -------------------------------------------------------------------------------------


def _title(control: Control) -> Text:
    if control.title is not None:
        return control.title
    return Text(zh=control.text[:30], en=control.text_en[:80])


def _scope_text(catalog: Catalog, control: Control) -> Text | None:
    if not control.system_scope:
        return None
    labels = [catalog.scope_label(s) for s in control.system_scope]
    return Text(zh="且".join(x.zh for x in labels), en=" that are also ".join(x.en for x in labels))


def _owner_for(owners: Mapping[str, Owner] | None, key: str, control_id: str) -> Owner | None:
    if not owners:
        return None
    return owners.get(key) or owners.get(control_id)


def derive_obligations(
    statement: Statement,
    start: date,
    policy: PeriodPolicy | None = None,
    security_tier: int | None = None,
    *,
    systems: Sequence[SystemRef] | None = None,
    owners: Mapping[str, Owner] | None = None,
    last_done: Mapping[str, date] | None = None,
) -> list[Obligation]:
    """The recurring obligations of every applicable control that has a period.

    `start` is the day the calendar starts counting from: with no record of when a control was last done,
    its first due date is one period after `start`. `last_done` (by obligation key or control id) gives a
    known last date instead. `security_tier` defaults to the profile's.

    A control scoped to a kind of system (核心系統 ...) becomes one obligation per system of `systems` that
    has every scope it names (key `SR-4.4@交易主機`); with `systems=None` (no register yet) it is one
    firm-level obligation that names the scope. `owners` maps an obligation key or control id to its owner.
    """
    policy = policy or PeriodPolicy()
    tier = statement.profile.security_tier if security_tier is None else security_tier
    if tier not in policy.by_security_tier_months:
        raise ObligationError(
            Text(
                zh=f"資安分級 {tier} 未設定週期（by_security_tier_months）",
                en=f"security tier {tier} has no period in by_security_tier_months",
            )
        )
    names = [s.name for s in systems or ()]
    if len(set(names)) != len(names):
        raise ObligationError(Text(zh="資通系統名稱重複", en="a system name appears twice"))
    catalog = statement.catalog
    result: list[Obligation] = []
    for decision in statement.decisions:
        if not decision.applies:
            continue
        control = catalog.control(decision.control_id)
        if control.period is None:
            continue
        interval = interval_for(control.period, policy, tier)
        if control.system_scope and systems is not None:
            targets: list[tuple[str, str | None]] = [
                (f"{control.id}@{s.name}", s.name) for s in systems if s.covers(control)
            ]
        else:
            targets = [(control.id, None)]
        for key, system in targets:
            counted_from = start
            if last_done:
                counted_from = last_done.get(key) or last_done.get(control.id) or start
            result.append(
                Obligation(
                    key=key,
                    control_id=control.id,
                    citation=control.citation,
                    title=_title(control),
                    strength=control.strength,
                    system=system,
                    scope=_scope_text(catalog, control) if system is None else None,
                    period=control.period,
                    period_text=control.period_text,
                    interval_months=interval.months,
                    interval_days=interval.days,
                    firm_choice=interval.firm_choice,
                    schedule_reason=interval.reason,
                    owner=_owner_for(owners, key, control.id),
                    counted_from=counted_from,
                    next_due=next_occurrence(counted_from, interval),
                )
            )
    return sort_by_due(result)


def apply_policy(
    obligations: Iterable[Obligation], policy: PeriodPolicy, security_tier: int
) -> list[Obligation]:
    """Recompute the firm-chosen periods after the firm changes its policy; text-fixed ones stay."""
    result = []
    for obligation in obligations:
        if obligation.recurring and obligation.firm_choice and obligation.period is not None:
            interval = interval_for(obligation.period, policy, security_tier)
            obligation = obligation.model_copy(
                update={
                    "interval_months": interval.months,
                    "interval_days": interval.days,
                    "schedule_reason": interval.reason,
                    "next_due": next_occurrence(obligation.counted_from, interval),
                }
            )
        result.append(obligation)
    return result


def record_event(
    statement: Statement,
    trigger: str,
    occurred_on: date,
    reference: str,
    *,
    system: SystemRef | None = None,
    owners: Mapping[str, Owner] | None = None,
) -> list[Obligation]:
    """The obligations an event brings: one per applicable control that lists the trigger.

    Due at `occurred_on` plus the text's deadline (AP-3.3: within three months of a confirmed major
    incident), or on `occurred_on` itself when the text fixes none (上架前: record the planned release
    date). With `system`, controls scoped to kinds of system the system is not are left out.
    """
    catalog = statement.catalog
    if trigger not in catalog.vocabulary.triggers:
        known = ", ".join(sorted(catalog.vocabulary.triggers))
        raise ObligationError(
            Text(
                zh=f"未定義的事件「{trigger}」；可用：{known}",
                en=f"unknown trigger {trigger!r}; known: {known}",
            )
        )
    event = EventRecord(
        trigger=trigger,
        occurred_on=occurred_on,
        reference=reference,
        system=system.name if system else None,
    )
    label = catalog.trigger_label(trigger)
    result = []
    for decision in statement.decisions:
        if not decision.applies:
            continue
        control = catalog.control(decision.control_id)
        if system is not None and not system.covers(control):
            continue
        for spec in control.events:
            if spec.trigger != trigger:
                continue
            if spec.within:
                due = add_duration(occurred_on, spec.within)
                words = f"「{spec.text}」" if spec.text else spec.within
                reason = Text(
                    zh=f"{label.zh}（{occurred_on.isoformat()}，{event.reference}）：條文規定{words}，期限 {due.isoformat()}",
                    en=f"{label.en} ({occurred_on.isoformat()}, {event.reference}): the text sets {spec.within}; due {due.isoformat()}",
                )
            else:
                due = occurred_on
                reason = Text(
                    zh=f"{label.zh}（{occurred_on.isoformat()}，{event.reference}）：條文未定期限，以事件日為期限",
                    en=f"{label.en} ({occurred_on.isoformat()}, {event.reference}): the text sets no deadline; due on the event date",
                )
            system_part = f"@{system.name}" if system else ""
            key = f"{control.id}{system_part}#{event.id}"
            result.append(
                Obligation(
                    key=key,
                    control_id=control.id,
                    citation=control.citation,
                    title=_title(control),
                    strength=control.strength,
                    system=event.system,
                    scope=_scope_text(catalog, control) if system is None else None,
                    schedule_reason=reason,
                    event=event,
                    event_text=spec.text,
                    owner=_owner_for(owners, key, control.id),
                    counted_from=occurred_on,
                    next_due=due,
                )
            )
            break  # one obligation per control and event, even if the trigger is listed twice
    return sort_by_due(result)


# Life cycle -------------------------------------------------------------------------------------


def complete(
    obligation: Obligation,
    done_on: date,
    note: str = "",
    evidence_sha256: Sequence[str] = (),
    by: str | None = None,
) -> Obligation:
    """A new obligation with the completion appended; a recurring one is next due one period later."""
    if obligation.done:
        raise ObligationError(
            Text(
                zh=f"{obligation.key} 已完成，不得重複登錄",
                en=f"{obligation.key} is already done; it cannot be completed again",
            )
        )
    last = obligation.last_completion()
    if last is not None and done_on < last.done_on:
        raise ObligationError(
            Text(
                zh=f"{obligation.key} 完成日 {done_on.isoformat()} 早於前次完成日 {last.done_on.isoformat()}",
                en=f"{obligation.key}: done on {done_on.isoformat()} is before the last completion {last.done_on.isoformat()}",
            )
        )
    completion = Completion(done_on=done_on, note=note, evidence_sha256=tuple(evidence_sha256), by=by)
    if obligation.recurring:
        return obligation.model_copy(
            update={
                "completions": (*obligation.completions, completion),
                "counted_from": done_on,
                "next_due": next_occurrence(done_on, obligation.interval),
            }
        )
    return obligation.model_copy(
        update={"completions": (*obligation.completions, completion), "next_due": None}
    )


def assign(obligation: Obligation, owner: Owner | None) -> Obligation:
    return obligation.model_copy(update={"owner": owner})


def occurrences(obligation: Obligation, until: date) -> list[date]:
    """The next due date and, for a recurring obligation, the later ones up to `until` if each is done
    on its due date (a projection: completing late moves them)."""
    if obligation.next_due is None or obligation.next_due > until:
        return []
    dates = [obligation.next_due]
    if obligation.recurring and (obligation.interval_months or obligation.interval_days):
        # Count each from the cycle's start, not from the previous clamped date: 31 Jan + 1, 2, 3 months
        # gives 28 Feb, 31 Mar, 30 Apr rather than drifting to the 28th.
        step = 2
        while True:
            later = _plus(
                obligation.counted_from, obligation.interval_months * step, obligation.interval_days * step
            )
            if later > until:
                break
            dates.append(later)
            step += 1
    return dates


def _plus(start: date, months: int, days: int) -> date:
    return next_occurrence(start, Interval(months, days, False, Text(zh="-", en="-")))


# Views ------------------------------------------------------------------------------------------


def sort_by_due(obligations: Iterable[Obligation]) -> list[Obligation]:
    return sorted(obligations, key=lambda o: (o.next_due or date.max, o.key))


def open_obligations(obligations: Iterable[Obligation]) -> list[Obligation]:
    return [o for o in obligations if not o.done]


def overdue(obligations: Iterable[Obligation], today: date) -> list[Obligation]:
    """Open obligations whose due date has passed, the longest overdue first."""
    return sort_by_due(o for o in obligations if o.is_overdue(today))


def due_within(obligations: Iterable[Obligation], today: date, days: int) -> list[Obligation]:
    """Open obligations due from today to `days` days ahead (30, 90 ...), overdue ones excluded."""
    if days < 0:
        raise ObligationError(Text(zh="天數不得為負", en="days must not be negative"))
    end = today + timedelta(days=days)
    return sort_by_due(o for o in obligations if o.next_due is not None and today <= o.next_due <= end)


@dataclass(frozen=True)
class CalendarEntry:
    obligation: Obligation
    due: date
    projected: bool  # a later occurrence of a recurring obligation, not yet its next due date


@dataclass(frozen=True)
class MonthView:
    year: int
    month: int
    weeks: list[list[date | None]]  # rows of seven days; None outside the month
    entries: dict[date, list[CalendarEntry]]  # every day of the month, possibly empty

    def on(self, day: date) -> list[CalendarEntry]:
        return self.entries.get(day, [])


def month_view(
    obligations: Iterable[Obligation], year: int, month: int, first_weekday: int = calendar.SUNDAY
) -> MonthView:
    """A month calendar: each day's due obligations, with projected recurrences (Sunday-first weeks, as
    Taiwanese calendars print them; pass calendar.MONDAY for ISO weeks)."""
    if not 1 <= month <= 12:
        raise ObligationError(Text(zh=f"月份 {month} 不在 1 至 12", en=f"month {month} is not 1-12"))
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    entries: dict[date, list[CalendarEntry]] = {
        first + timedelta(days=i): [] for i in range((last - first).days + 1)
    }
    for obligation in sort_by_due(obligations):
        for index, due in enumerate(occurrences(obligation, last)):
            if due >= first:
                entries[due].append(CalendarEntry(obligation, due, projected=index > 0))
    for day in entries:
        entries[day].sort(key=lambda e: e.obligation.key)
    weeks = [
        [d if d.month == month else None for d in week]
        for week in calendar.Calendar(first_weekday).monthdatescalendar(year, month)
    ]
    return MonthView(year, month, weeks, entries)


def by_owner(obligations: Iterable[Obligation]) -> dict[Owner | None, list[Obligation]]:
    """Obligations grouped by owner: users and roles by name, the unassigned (None) last."""
    groups: dict[Owner | None, list[Obligation]] = {}
    for obligation in obligations:
        groups.setdefault(obligation.owner, []).append(obligation)
    order = sorted((o for o in groups if o is not None), key=lambda o: (o.kind, o.name))
    if None in groups:
        order.append(None)
    return {owner: sort_by_due(groups[owner]) for owner in order}


def owned_by(obligations: Iterable[Obligation], user: str, roles: Iterable[str] = ()) -> list[Obligation]:
    """What one user answers for, in person or through a role: the content of that user's feed."""
    roles = set(roles)
    return sort_by_due(
        o
        for o in obligations
        if o.owner is not None
        and (
            (o.owner.kind == "user" and o.owner.name == user)
            or (o.owner.kind == "role" and o.owner.name in roles)
        )
    )
