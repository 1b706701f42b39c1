"""Windows security templates: `secedit /export /cfg FILE` and a GPO's GptTmpl.inf (same INF format).

Windows writes both in UTF-16 LE with a BOM. Only the `[System Access]` section matters here:

    MinimumPasswordAge = 1        days; 0 = may change at once
    MaximumPasswordAge = 42       days; -1 (or 0 in a GPO) = never expires
    MinimumPasswordLength = 8
    PasswordComplexity = 1        1 = three of five character categories
    PasswordHistorySize = 24
    LockoutBadCount = 5           0 = never lock
    ResetLockoutCount = 30        minutes
    LockoutDuration = 30          minutes; -1 (or 0 in a GPO) = until an administrator unlocks
    ClearTextPassword = 0         1 = reversible encryption

A GptTmpl.inf holds only the keys its GPO defines; a key it lacks is "not set", not "off".
"""

from __future__ import annotations

import re
from pathlib import Path

from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.password_model import Meaning, PasswordPolicy, Platform, Setting
from zhengan.checks.identity.readers.text_files import read_text
from zhengan.checks.result import SourceRef
from zhengan.text import Text

FORMAT = "secedit-inf"
_SECTION = re.compile(r"^\s*\[(?P<name>[^\]]+)\]\s*$")
_KEY = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z0-9_]*)\s*=\s*(?P<value>.*?)\s*$")
_GUID = re.compile(r"\{[0-9A-Fa-f\-]{36}\}")

WINDOWS_COMPLEXITY_CLASSES = 3  # "Password must meet complexity requirements": 3 of 5 categories


def looks_like(path: Path) -> bool:
    return path.suffix.lower() == ".inf"


def read(path: Path, subject: str | None = None) -> PasswordPolicy:
    text = read_text(path)
    gpo = path.name.lower() == "gpttmpl.inf"
    values: dict[str, tuple[str, int]] = {}
    section = None
    seen_sections: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        if match := _SECTION.match(stripped):
            section = match["name"].strip()
            seen_sections.add(section.lower())
            continue
        if section is None or section.lower() != "system access":
            continue
        match = _KEY.match(stripped)
        if match is None:
            raise ReadError(
                SourceRef(file=str(path), line=number, field="System Access"),
                Text(zh="[System Access] 中無法解析的行", en="unparseable line in [System Access]"),
                raw=line,
            )
        values[match["key"].lower()] = (match["value"].strip('"'), number)
    if "version" not in seen_sections and "unicode" not in seen_sections:
        raise ReadError(
            SourceRef(file=str(path), line=1),
            Text(
                zh="不是 Windows 安全性範本（缺少 [Unicode] 或 [Version] 區段）",
                en="not a Windows security template (no [Unicode] or [Version] section)",
            ),
        )
    if "system access" not in seen_sections and not gpo:
        raise ReadError(
            SourceRef(file=str(path), field="System Access"),
            Text(zh="缺少 [System Access] 區段", en="no [System Access] section"),
        )

    def number_of(key: str) -> tuple[int, str, SourceRef] | None:
        if key.lower() not in values:
            return None
        raw, line = values[key.lower()]
        source = SourceRef(file=str(path), line=line, field=key)
        try:
            return int(raw), raw, source
        except ValueError as exc:
            raise ReadError(
                source, Text(zh=f"{key} 應為整數：{raw!r}", en=f"{key} must be an integer: {raw!r}"), raw=raw
            ) from exc

    missing = (
        Text(
            zh="此 GPO 未定義此設定（實際值取決於其他 GPO）",
            en="not defined in this GPO (another GPO decides)",
        )
        if gpo
        else Text(zh="匯出檔未含此設定", en="the export does not contain this setting")
    )

    def plain(key: str) -> Setting:
        found = number_of(key)
        if found is None:
            return Setting.not_set(missing)
        value, raw, source = found
        return Setting(value=value, raw=raw, source=source)

    max_age = Setting.not_set(missing)
    if found := number_of("MaximumPasswordAge"):
        value, raw, source = found
        if value in (-1, 0):
            max_age = Setting(
                meaning=Meaning.NEVER,
                raw=raw,
                source=source,
                note=Text(
                    zh=f"MaximumPasswordAge = {raw} 表示密碼永不過期",
                    en=f"MaximumPasswordAge = {raw} means passwords never expire",
                ),
            )
        else:
            max_age = Setting(value=value, raw=raw, source=source)

    complexity = Setting.not_set(missing)
    if found := number_of("PasswordComplexity"):
        value, raw, source = found
        classes = WINDOWS_COMPLEXITY_CLASSES if value == 1 else 1
        complexity = Setting(
            value=classes,
            raw=raw,
            source=source,
            note=Text(
                zh="PasswordComplexity = 1：須含五類字元中之三類"
                if value == 1
                else "PasswordComplexity = 0：未要求複雜度",
                en="PasswordComplexity = 1: three of five character categories"
                if value == 1
                else "PasswordComplexity = 0: no complexity required",
            ),
        )

    threshold = Setting.not_set(missing)
    if found := number_of("LockoutBadCount"):
        value, raw, source = found
        threshold = (
            Setting(
                meaning=Meaning.NEVER,
                raw=raw,
                source=source,
                note=Text(
                    zh="LockoutBadCount = 0 表示帳戶永不鎖定",
                    en="LockoutBadCount = 0 means accounts never lock",
                ),
            )
            if value == 0
            else Setting(value=value, raw=raw, source=source)
        )

    duration = Setting.not_set(missing)
    if found := number_of("LockoutDuration"):
        value, raw, source = found
        duration = (
            Setting(
                meaning=Meaning.MANUAL,
                raw=raw,
                source=source,
                note=Text(
                    zh=f"LockoutDuration = {raw} 表示須由管理者解除鎖定",
                    en=f"LockoutDuration = {raw} means locked until an administrator unlocks",
                ),
            )
            if value in (-1, 0)
            else Setting(value=value, raw=raw, source=source)
        )
    elif threshold.meaning is Meaning.NEVER:
        duration = Setting.not_set(
            Text(zh="帳戶不鎖定，故無鎖定時間", en="accounts never lock, so there is no lockout duration")
        )

    if subject is None:
        guid = _GUID.search(str(path))
        subject = f"GPO {guid.group(0)}" if gpo and guid else f"{'GPO' if gpo else 'secedit'} {path.stem}"
    return PasswordPolicy(
        subject=subject,
        platform=Platform.WINDOWS_GPO if gpo else Platform.WINDOWS_LOCAL,
        min_length=plain("MinimumPasswordLength"),
        min_classes=complexity,
        max_age_days=max_age,
        min_age_days=plain("MinimumPasswordAge"),
        history=plain("PasswordHistorySize"),
        lockout_threshold=threshold,
        lockout_duration_minutes=duration,
        lockout_window_minutes=plain("ResetLockoutCount"),
        reversible_encryption=plain("ClearTextPassword"),
        source_file=str(path),
    )
