"""Periods, due dates, system classes and sampling arithmetic: pure functions, no database.

- AP-3.1: an information system is class 1 (internet services for customers, or a core system), class 2
  (stores customer data) or class 3 (the rest); class 1 is assessed by the firm's tier, class 2 at least
  every three years, class 3 at least every five years.
- AP-3.2: sampling of a system's devices (at least 10% or 100 devices; the reading of 「或」 is configurable).
- AP-3.3: a confirmed major incident (personal-data leak or hacking) brings re-assessment within three months.
- The calendar: adding months keeps the day, clamped to the month's end (31 Aug + 6 months = 28/29 Feb).
"""

from __future__ import annotations

import calendar
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum, StrEnum

from pydantic import BaseModel, ConfigDict, Field

from zhengan.catalog.schema import Period
from zhengan.text import Text

MONTHS_OF: dict[Period, int] = {
    Period.MONTHLY: 1,
    Period.HALF_YEARLY: 6,
    Period.YEARLY: 12,
    Period.EVERY_3_YEARS: 36,
    Period.EVERY_5_YEARS: 60,
}


def add_months(start: date, months: int) -> date:
    """`start` plus whole months, the day clamped to the last day of the target month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def parse_duration(duration: str) -> tuple[int, int]:
    """An ISO 8601 duration of the catalogue (P3Y, P6M, P1Y6M, P30D) as (months, days)."""
    if not duration.startswith("P"):
        raise ValueError(f"not a duration: {duration!r}")
    months = days = 0
    number = ""
    for char in duration[1:]:
        if char.isdigit():
            number += char
            continue
        if not number:
            raise ValueError(f"not a duration: {duration!r}")
        value, number = int(number), ""
        if char == "Y":
            months += 12 * value
        elif char == "M":
            months += value
        elif char == "D":
            days += value
        else:
            raise ValueError(f"not a duration: {duration!r}")
    if number or len(duration) < 3:
        raise ValueError(f"not a duration: {duration!r}")
    return months, days


def add_duration(start: date, duration: str) -> date:
    months, days = parse_duration(duration)
    return add_months(start, months) + timedelta(days=days)


class PeriodPolicy(BaseModel):
    """The firm's own choices where the text leaves the period open (定期 / 依所屬資安分級)."""

    model_config = ConfigDict(extra="forbid")

    firm_defined_months: int = Field(12, ge=1, le=60, description="定期 without a period: default yearly")
    by_security_tier_months: dict[int, int] = Field(
        default_factory=lambda: {1: 12, 2: 12, 3: 12, 4: 12, 5: 12},
        description="依所屬資安分級定期辦理: months per security tier (the tier annex is not among the sources)",
    )


@dataclass(frozen=True)
class Interval:
    months: int
    days: int
    firm_choice: bool  # the firm set it (定期 / by tier), rather than the text
    reason: Text


def interval_for(period: Period, policy: PeriodPolicy, security_tier: int) -> Interval:
    """How far apart the occurrences of a recurring obligation are, and whose choice that is."""
    if period == Period.DAILY:
        return Interval(0, 1, False, Text(zh="條文規定每日", en="daily, as the text says"))
    if period in MONTHS_OF:
        months = MONTHS_OF[period]
        return Interval(
            months,
            0,
            False,
            Text(zh=f"條文規定每 {months} 個月", en=f"every {months} months, as the text says"),
        )
    if period == Period.BY_SECURITY_TIER:
        months = policy.by_security_tier_months[security_tier]
        return Interval(
            months,
            0,
            True,
            Text(
                zh=f"依所屬資安分級（第 {security_tier} 級）由公司訂為每 {months} 個月",
                en=f"every {months} months, set by the firm for security tier {security_tier}",
            ),
        )
    months = policy.firm_defined_months
    return Interval(
        months,
        0,
        True,
        Text(
            zh=f"條文僅稱「定期」，由公司訂為每 {months} 個月",
            en=f"the text says only 'regularly'; the firm set every {months} months",
        ),
    )


def next_occurrence(last_done: date, interval: Interval) -> date:
    return add_months(last_done, interval.months) + timedelta(days=interval.days)


# AP-3.1 ------------------------------------------------------------------------------------------


class SystemClass(IntEnum):
    FIRST = 1
    SECOND = 2
    THIRD = 3


CLASS_LABELS = {
    SystemClass.FIRST: Text(zh="第一類", en="class 1"),
    SystemClass.SECOND: Text(zh="第二類", en="class 2"),
    SystemClass.THIRD: Text(zh="第三類", en="class 3"),
}


@dataclass(frozen=True)
class SystemFacts:
    """The facts of an information system that decide its class (AP-3.1)."""

    customer_internet_service: bool  # 提供與客戶相關之網際網路服務
    core: bool  # 核心系統 (SR-2.2)
    stores_customer_data: bool  # 存放客戶資料


def classify(facts: SystemFacts) -> tuple[SystemClass, Text]:
    """The AP-3.1 class of a system, with the reason in both languages."""
    if facts.customer_internet_service or facts.core:
        why = [
            w
            for w, on in [
                ("提供與客戶相關之網際網路服務", facts.customer_internet_service),
                ("核心系統", facts.core),
            ]
            if on
        ]
        why_en = [
            w
            for w, on in [
                ("provides internet services to customers", facts.customer_internet_service),
                ("is a core system", facts.core),
            ]
            if on
        ]
        return SystemClass.FIRST, Text(
            zh=f"第一類（AP-3.1）：{'、'.join(why)}", en=f"class 1 (AP-3.1): {' and '.join(why_en)}"
        )
    if facts.stores_customer_data:
        return SystemClass.SECOND, Text(
            zh="第二類（AP-3.1）：存放客戶資料", en="class 2 (AP-3.1): stores customer data"
        )
    return SystemClass.THIRD, Text(
        zh="第三類（AP-3.1）：非第一類與第二類之資通系統", en="class 3 (AP-3.1): neither class 1 nor class 2"
    )


class AssessmentPolicy(BaseModel):
    """Assessment cycles. Class 1 follows the firm's security tier (the tier annex is not among the
    sources, so the firm configures it); classes 2 and 3 are assessed by the tier too, but at least every
    three and five years (AP-3.1)."""

    model_config = ConfigDict(extra="forbid")

    months_by_tier: dict[int, int] = Field(default_factory=lambda: {1: 12, 2: 12, 3: 24, 4: 36, 5: 36})
    incident_reassessment_months: int = Field(3, ge=1, le=3)  # AP-3.3: within three months, stricter allowed
    # AP-4 「第一類、第二類及第三類資通系統應依前項評估項目全部納入」: an assessment is completed (and the
    # AP-3.1 cycle restarts) only when every section 4 item has a result on every system in scope; a firm
    # that records gaps as "not assessed" and completes anyway sets this to false (docs/assessments.md).
    completion_requires_section_4: bool = True


CLASS_MAXIMUM_MONTHS = {SystemClass.SECOND: 36, SystemClass.THIRD: 60}


def assessment_interval_months(
    system_class: SystemClass, security_tier: int, policy: AssessmentPolicy
) -> tuple[int, Text]:
    by_tier = policy.months_by_tier[security_tier]
    if system_class == SystemClass.FIRST:
        return by_tier, Text(
            zh=f"第一類依所屬資安分級（第 {security_tier} 級）定期辦理：公司訂為每 {by_tier} 個月",
            en=f"class 1 follows security tier {security_tier}: the firm set every {by_tier} months",
        )
    ceiling = CLASS_MAXIMUM_MONTHS[system_class]
    months = min(by_tier, ceiling)
    years = ceiling // 12
    return months, Text(
        zh=f"{CLASS_LABELS[system_class].zh}依資安分級每 {by_tier} 個月，且每{years}年至少一次：每 {months} 個月",
        en=f"{CLASS_LABELS[system_class].en}: every {by_tier} months by tier, and at least every {years} years: every {months} months",
    )


@dataclass(frozen=True)
class Incident:
    """A confirmed major incident (AP-3.3): a personal-data leak (個資外洩) or a hacking attack (駭客攻擊)."""

    kind: str  # "personal_data_leak" | "hacking"
    confirmed_on: date


@dataclass(frozen=True)
class Due:
    due: date
    reason: Text


def next_assessment_due(
    system_class: SystemClass,
    security_tier: int,
    policy: AssessmentPolicy,
    last_completed: date | None,
    registered_on: date,
    incidents: list[Incident] = (),
) -> Due:
    """The next assessment due date of one system, and why.

    Counted from the last completed assessment (or from registration when there is none). A confirmed major
    incident after the last assessment brings the due date to within three months of its confirmation.
    """
    months, why = assessment_interval_months(system_class, security_tier, policy)
    start = last_completed or registered_on
    regular = Due(add_months(start, months), why)
    pending = [i for i in incidents if last_completed is None or i.confirmed_on > last_completed]
    best = regular
    for incident in pending:
        due = add_months(incident.confirmed_on, policy.incident_reassessment_months)
        if due < best.due:
            kind = {
                "personal_data_leak": ("個資外洩", "a personal-data leak"),
                "hacking": ("駭客攻擊", "a hacking attack"),
            }[incident.kind]
            best = Due(
                due,
                Text(
                    zh=f"AP-3.3：{incident.confirmed_on.isoformat()} 確認{kind[0]}，應於三個月內重新完成評估",
                    en=f"AP-3.3: {kind[1]} confirmed on {incident.confirmed_on.isoformat()}; re-assess within three months",
                ),
            )
    return best


# AP-3.2 ------------------------------------------------------------------------------------------


class SamplingReading(StrEnum):
    """How to read 「至少應占該系統全部設備之10%或100台以上」."""

    EITHER = "either"  # meeting either threshold suffices: at least min(10%, 100) (zhengan's default)
    BOTH = "both"  # the stricter reading: at least max(10%, 100), capped at the device count


@dataclass(frozen=True)
class SampleSize:
    devices: int
    size: int
    arithmetic: Text


def sampling_size(
    devices: int, reading: SamplingReading = SamplingReading.EITHER, percent: int = 10, floor: int = 100
) -> SampleSize:
    """The minimum sample of a system's devices under AP-3.2, with the arithmetic shown."""
    if devices < 0:
        raise ValueError("device count cannot be negative / 設備數不得為負")
    tenth = math.ceil(devices * percent / 100)
    if reading == SamplingReading.EITHER:
        size = min(tenth, floor, devices)
        zh = f"⌈{devices} × {percent}%⌉ = {tenth}；與 {floor} 台取其小（任一門檻即符合）：{size} 台"
        en = f"ceil({devices} × {percent}%) = {tenth}; the smaller of that and {floor} (either threshold suffices): {size}"
    else:
        size = min(max(tenth, floor), devices)
        zh = f"⌈{devices} × {percent}%⌉ = {tenth}；與 {floor} 台取其大，且不超過全部 {devices} 台：{size} 台"
        en = f"ceil({devices} × {percent}%) = {tenth}; the larger of that and {floor}, at most all {devices}: {size}"
    return SampleSize(devices, size, Text(zh=zh, en=en))


def draw_sample(devices: list[str], size: int, seed: int) -> list[str]:
    """A reproducible random sample: the same device list, size and seed give the same sample."""
    if size > len(devices):
        raise ValueError(f"sample of {size} from {len(devices)} devices / 抽樣數大於設備數")
    unique = sorted(set(devices))
    if len(unique) != len(devices):
        raise ValueError("device list has duplicates / 設備清單有重複")
    return sorted(random.Random(seed).sample(unique, size))
