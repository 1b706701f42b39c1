"""Active Directory password policies exported from PowerShell as JSON.

    Get-ADDefaultDomainPasswordPolicy | ConvertTo-Json | Out-File -Encoding utf8 domain-policy.json
    Get-ADFineGrainedPasswordPolicy -Filter * | ConvertTo-Json | Out-File -Encoding utf8 fgpp.json

ConvertTo-Json writes a TimeSpan as an object (`{"Ticks": ..., "Days": ..., "TotalMinutes": ...}`); a string
such as "42.00:00:00" (from `.ToString()`) is read as well. A zero MaxPasswordAge means passwords never
expire; a zero (or TimeSpan.MinValue) LockoutDuration means locked until an administrator unlocks; a zero
LockoutThreshold means accounts never lock. One file may hold one policy or an array of them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.password_model import Meaning, PasswordPolicy, Platform, Setting
from zhengan.checks.identity.readers.text_files import read_text
from zhengan.checks.result import SourceRef
from zhengan.text import Text

FORMAT = "ad-password-policy-json"
TICKS_PER_MINUTE = 600_000_000
TICKS_PER_DAY = TICKS_PER_MINUTE * 60 * 24
TIMESPAN_MIN_TICKS = -9223372036854775808
_TIMESPAN = re.compile(
    r"^(?P<sign>-)?(?:(?P<days>\d+)\.)?(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})(?:\.(?P<f>\d{1,7}))?$"
)
WINDOWS_COMPLEXITY_CLASSES = 3


def looks_like(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    text = read_text(path)
    return "LockoutThreshold" in text and "MinPasswordLength" in text


def _ticks(value: Any) -> int | None:
    if isinstance(value, dict) and "Ticks" in value:
        return int(value["Ticks"])
    if isinstance(value, str) and (match := _TIMESPAN.match(value.strip())):
        fraction = (match["f"] or "0").ljust(7, "0")
        ticks = (
            int(match["days"] or 0) * TICKS_PER_DAY
            + int(match["h"]) * 60 * TICKS_PER_MINUTE
            + int(match["m"]) * TICKS_PER_MINUTE
            + int(match["s"]) * 10_000_000
            + int(fraction)
        )
        return -ticks if match["sign"] else ticks
    return None


class _Lines:
    """Finds the line of the n-th occurrence of a key, so errors and findings can name it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def of(self, key: str, index: int) -> int | None:
        positions = [m.start() for m in re.finditer(rf'"{re.escape(key)}"\s*:', self.text)]
        if index < len(positions):
            return self.text.count("\n", 0, positions[index]) + 1
        return None


def read(path: Path) -> list[PasswordPolicy]:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(
            SourceRef(file=str(path), line=exc.lineno),
            Text(zh=f"JSON 格式錯誤：{exc.msg}", en=f"invalid JSON: {exc.msg}"),
        ) from exc
    items = data if isinstance(data, list) else [data]
    lines = _Lines(text)
    return [_policy(path, item, index, lines) for index, item in enumerate(items)]


def _policy(path: Path, item: Any, index: int, lines: _Lines) -> PasswordPolicy:
    if not isinstance(item, dict):
        raise ReadError(
            SourceRef(file=str(path), field=f"[{index}]"),
            Text(zh="每一筆原則應為 JSON 物件", en="each policy must be a JSON object"),
        )
    fine_grained = "Precedence" in item or "AppliesTo" in item
    # Which occurrence of a key belongs to this item: count earlier items that have it.
    occurrence = index

    def source(key: str) -> SourceRef:
        return SourceRef(file=str(path), line=lines.of(key, occurrence), field=key)

    def required(key: str) -> Any:
        if key not in item:
            raise ReadError(
                SourceRef(file=str(path), field=f"[{index}].{key}"),
                Text(zh=f"缺少欄位 {key}", en=f"missing field {key}"),
            )
        return item[key]

    def integer(key: str) -> int:
        value = required(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ReadError(
                source(key), Text(zh=f"{key} 應為整數", en=f"{key} must be an integer"), raw=str(value)
            )
        return value

    def span(key: str) -> tuple[int, str]:
        value = required(key)
        ticks = _ticks(value)
        if ticks is None:
            raise ReadError(
                source(key),
                Text(zh=f"{key} 不是可辨識的 TimeSpan", en=f"{key} is not a recognisable TimeSpan"),
                raw=json.dumps(value),
            )
        return ticks, json.dumps(value) if isinstance(value, dict) else str(value)

    def flag(key: str) -> bool:
        value = required(key)
        if not isinstance(value, bool):
            raise ReadError(
                source(key), Text(zh=f"{key} 應為 true/false", en=f"{key} must be true/false"), raw=str(value)
            )
        return value

    max_ticks, max_raw = span("MaxPasswordAge")
    if max_ticks in (0, TIMESPAN_MIN_TICKS):
        max_age = Setting(
            meaning=Meaning.NEVER,
            raw=max_raw,
            source=source("MaxPasswordAge"),
            note=Text(
                zh="MaxPasswordAge 為 0 表示密碼永不過期",
                en="a zero MaxPasswordAge means passwords never expire",
            ),
        )
    else:
        max_age = Setting(
            value=round(max_ticks / TICKS_PER_DAY, 2), raw=max_raw, source=source("MaxPasswordAge")
        )
    min_ticks, min_raw = span("MinPasswordAge")

    threshold_value = integer("LockoutThreshold")
    threshold = (
        Setting(
            meaning=Meaning.NEVER,
            raw="0",
            source=source("LockoutThreshold"),
            note=Text(
                zh="LockoutThreshold = 0 表示帳戶永不鎖定",
                en="LockoutThreshold = 0 means accounts never lock",
            ),
        )
        if threshold_value == 0
        else Setting(value=threshold_value, raw=str(threshold_value), source=source("LockoutThreshold"))
    )
    duration_ticks, duration_raw = span("LockoutDuration")
    if threshold_value == 0:
        duration = Setting.not_set(
            Text(zh="帳戶不鎖定，故無鎖定時間", en="accounts never lock, so no lockout duration")
        )
    elif duration_ticks <= 0:
        duration = Setting(
            meaning=Meaning.MANUAL,
            raw=duration_raw,
            source=source("LockoutDuration"),
            note=Text(
                zh="LockoutDuration 為 0 表示須由管理者解除鎖定",
                en="a zero LockoutDuration means locked until an administrator unlocks",
            ),
        )
    else:
        duration = Setting(
            value=round(duration_ticks / TICKS_PER_MINUTE, 2),
            raw=duration_raw,
            source=source("LockoutDuration"),
        )
    window_ticks, window_raw = span("LockoutObservationWindow")
    complexity = flag("ComplexityEnabled")
    reversible = flag("ReversibleEncryptionEnabled")

    if fine_grained:
        name = str(item.get("Name") or item.get("DistinguishedName") or f"#{index + 1}")
        precedence = integer("Precedence")
        applies_raw = item.get("AppliesTo") or []
        applies = [applies_raw] if isinstance(applies_raw, str) else [str(a) for a in applies_raw]
        subject = f"AD fine-grained policy {name} (precedence {precedence})"
        platform = Platform.AD_FINE_GRAINED
    else:
        subject = f"AD default domain policy {item.get('DistinguishedName', '')}".strip()
        precedence, applies, platform = None, [], Platform.AD_DOMAIN

    return PasswordPolicy(
        subject=subject,
        platform=platform,
        min_length=Setting(value=integer("MinPasswordLength"), source=source("MinPasswordLength")),
        min_classes=Setting(
            value=WINDOWS_COMPLEXITY_CLASSES if complexity else 1,
            raw=str(complexity).lower(),
            source=source("ComplexityEnabled"),
            note=Text(
                zh="ComplexityEnabled：須含五類字元中之三類"
                if complexity
                else "ComplexityEnabled 為 false：未要求複雜度",
                en="ComplexityEnabled: three of five character categories"
                if complexity
                else "ComplexityEnabled is false: no complexity required",
            ),
        ),
        max_age_days=max_age,
        min_age_days=Setting(
            value=round(min_ticks / TICKS_PER_DAY, 2), raw=min_raw, source=source("MinPasswordAge")
        ),
        history=Setting(value=integer("PasswordHistoryCount"), source=source("PasswordHistoryCount")),
        lockout_threshold=threshold,
        lockout_duration_minutes=duration,
        lockout_window_minutes=Setting(
            value=round(window_ticks / TICKS_PER_MINUTE, 2),
            raw=window_raw,
            source=source("LockoutObservationWindow"),
        ),
        reversible_encryption=Setting(
            value=1 if reversible else 0,
            raw=str(reversible).lower(),
            source=source("ReversibleEncryptionEnabled"),
        ),
        applies_to=applies,
        precedence=precedence,
        source_file=str(path),
    )
