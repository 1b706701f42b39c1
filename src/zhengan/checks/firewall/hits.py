"""Hit counts and the six-month question of CC17010-2.6 (評估六個月內無流量之防火牆規則之必要性).

Hit counts arrive as dated snapshots, one series per device (cluster member) and rule. Evidence of use:
a last-hit time when the device gives one, or a counter that grew between two snapshots (dated at the
later snapshot, the latest moment it could have happened). A counter that went down was reset: hits
after the reset count as use, and the time between the earlier snapshot and the reset is unobserved,
so observation restarts at the reset (or at the later snapshot when the reset time is unknown).

A rule is unused only when every cluster member that reported the rule set shows no use since the
cut-off and was observed continuously from on or before the cut-off. Anything less is "unknown".
"""

from __future__ import annotations

import calendar
import csv
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from zhengan.checks.firewall.model import RuleBase
from zhengan.checks.result import InputError, SourceRef
from zhengan.text import Text
from zhengan.timeutil import TAIPEI


@dataclass
class HitRecord:
    device: str
    ruleset: str
    rule: str  # the rule's name or id, as in Rule.name
    hit_count: int | None
    taken_at: datetime | None  # when the counter was read; None: the file does not say
    last_hit: datetime | None = None
    counting_since: datetime | None = None  # counter start (last reset or rule creation) when known
    source: SourceRef | None = None


@dataclass
class HitFile:
    path: str
    records: list[HitRecord] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)

    def error(self, line: int | None, zh: str, en: str, raw: str | None = None) -> None:
        self.errors.append(
            InputError(source=SourceRef(file=self.path, line=line), message=Text(zh=zh, en=en), raw=raw)
        )


class Usage(StrEnum):
    USED = "used"
    UNUSED = "unused"
    UNKNOWN = "unknown"


@dataclass
class UsageVerdict:
    usage: Usage
    last_used: datetime | None
    members: dict[str, Usage]
    note: Text


def months_before(moment: datetime, months: int) -> datetime:
    """The same day `months` calendar months earlier (later when negative), clamped to the month's end."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def records_from_rulebase(base: RuleBase) -> list[HitRecord]:
    """Counters a configuration file itself carries (iptables-save -c, nft counters)."""
    return [
        HitRecord(
            device=base.device or device_from_filename(base.path),
            ruleset=rule.ruleset,
            rule=rule.name,
            hit_count=rule.hit_count,
            taken_at=base.taken_at,
            last_hit=rule.last_hit,
            source=rule.source_ref,
        )
        for rule in base.rules
        if rule.hit_count is not None or rule.last_hit is not None
    ]


_DATE_SUFFIX = re.compile(r"[-_.]?\d{4}-?\d{2}-?\d{2}([-_T]?\d{2,6})?$")


def device_from_filename(path: str) -> str:
    """`fw01-2024-03-04.txt` -> `fw01`: snapshots of one device taken on different days form one series."""
    stem = Path(path).stem
    return _DATE_SUFFIX.sub("", stem) or stem


def _member_verdict(
    records: list[HitRecord], cutoff: datetime, as_of: datetime
) -> tuple[Usage, datetime | None]:
    dated = sorted((r for r in records if r.taken_at is not None), key=lambda r: r.taken_at)  # type: ignore[arg-type,return-value]
    last_used: datetime | None = None
    observed_since: datetime | None = None
    observed_until: datetime | None = None

    def used(at: datetime | None) -> None:
        nonlocal last_used
        if at is not None and (last_used is None or at > last_used):
            last_used = at

    for record in records:
        used(record.last_hit)
        if record.counting_since is not None and (
            observed_since is None or record.counting_since < observed_since
        ):
            observed_since = record.counting_since
        if record.taken_at is None:
            observed_until = as_of  # devices that report absolute times (PAN-OS) are read at review time
    if dated:
        first = dated[0]
        if observed_since is None or first.taken_at < observed_since:  # type: ignore[operator]
            observed_since = first.taken_at if first.counting_since is None else first.counting_since
        if first.hit_count and first.last_hit is None:
            used(first.taken_at)  # hits before the first snapshot, time unknown: assume the latest
        for previous, current in itertools.pairwise(dated):
            if previous.hit_count is None or current.hit_count is None:
                continue
            if current.hit_count > previous.hit_count:
                used(current.taken_at if current.last_hit is None else current.last_hit)
            elif current.hit_count < previous.hit_count:  # counter reset
                if current.hit_count > 0:
                    used(current.taken_at if current.last_hit is None else current.last_hit)
                restart = current.counting_since or current.taken_at
                if restart is not None and restart > cutoff:
                    observed_since = restart
        end = dated[-1].taken_at
        if observed_until is None or (end is not None and end > observed_until):
            observed_until = end
    if last_used is not None and last_used >= cutoff:
        return Usage.USED, last_used
    if (
        observed_since is not None
        and observed_since <= cutoff
        and observed_until is not None
        and observed_until >= as_of - timedelta(days=31)
    ):
        return Usage.UNUSED, last_used
    return Usage.UNKNOWN, last_used


def evaluate_usage(
    records: list[HitRecord], as_of: datetime, months: int = 6
) -> dict[tuple[str, str], UsageVerdict]:
    """Verdict per (rule set, rule) across all cluster members that reported the rule set."""
    cutoff = months_before(as_of, months)
    members_of: dict[str, set[str]] = defaultdict(set)
    series: dict[tuple[str, str], dict[str, list[HitRecord]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        members_of[record.ruleset].add(record.device)
        series[(record.ruleset, record.rule)][record.device].append(record)
    verdicts: dict[tuple[str, str], UsageVerdict] = {}
    for key, by_member in series.items():
        members: dict[str, Usage] = {}
        last_used: datetime | None = None
        for member in sorted(members_of[key[0]]):
            if member not in by_member:
                members[member] = Usage.UNKNOWN
                continue
            usage, member_last = _member_verdict(by_member[member], cutoff, as_of)
            members[member] = usage
            if member_last is not None and (last_used is None or member_last > last_used):
                last_used = member_last
        if Usage.USED in members.values():
            usage = Usage.USED
        elif all(u is Usage.UNUSED for u in members.values()):
            usage = Usage.UNUSED
        else:
            usage = Usage.UNKNOWN
        cut = cutoff.astimezone(TAIPEI).date().isoformat()
        note = {
            Usage.USED: Text(zh=f"{cut} 之後有流量", en=f"traffic since {cut}"),
            Usage.UNUSED: Text(
                zh=f"自 {cut} 起所有叢集成員（{len(members)}）皆無流量",
                en=f"no traffic on any of {len(members)} cluster member(s) since {cut}",
            ),
            Usage.UNKNOWN: Text(
                zh="命中資料不足以判斷六個月內是否有流量（快照期間不足、計數器重置或叢集成員缺資料）",
                en="hit data cannot show six months without traffic (short window, counter reset or member missing)",
            ),
        }[usage]
        verdicts[key] = UsageVerdict(usage, last_used, members, note)
    return verdicts


# ---- generic hit-count CSV ------------------------------------------------------------------------

HIT_CSV_COLUMNS = ("device", "ruleset", "rule", "taken_at", "hit_count", "last_hit")


def parse_time(text: str) -> datetime | None:
    """ISO 8601; a time without zone is Taipei time; an integer is a Unix time; empty/0 is None."""
    value = text.strip()
    if not value or value == "0":
        return None
    if value.isdigit():
        return datetime.fromtimestamp(int(value), tz=TAIPEI)
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=TAIPEI)


def parse_hit_csv(path: Path) -> HitFile:
    """Columns device, ruleset, rule, taken_at, hit_count, last_hit (see docs/firewall.md)."""
    result = HitFile(path=str(path))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [
            c
            for c in ("device", "ruleset", "rule", "taken_at", "hit_count")
            if c not in (reader.fieldnames or [])
        ]
        if missing:
            result.error(1, f"缺少欄位：{', '.join(missing)}", f"missing columns: {', '.join(missing)}")
            return result
        for row in reader:
            line = reader.line_num
            try:
                count = row["hit_count"].strip()
                result.records.append(
                    HitRecord(
                        device=row["device"].strip(),
                        ruleset=row["ruleset"].strip(),
                        rule=row["rule"].strip(),
                        hit_count=int(count) if count else None,
                        taken_at=parse_time(row["taken_at"]),
                        last_hit=parse_time(row.get("last_hit") or ""),
                        source=SourceRef(file=str(path), line=line),
                    )
                )
            except (ValueError, AttributeError) as exc:
                result.error(line, f"無法讀取此列：{exc}", f"unreadable row: {exc}", raw=str(row))
    return result
