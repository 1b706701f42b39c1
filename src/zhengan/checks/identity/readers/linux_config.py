"""The Linux files that decide password and lockout policy, each read as written on disk.

- /etc/login.defs: `KEY value` lines (PASS_MAX_DAYS, PASS_MIN_DAYS, PASS_MIN_LEN, ...);
- /etc/security/pwquality.conf and /etc/security/faillock.conf: `key = value` lines and bare flags;
- /etc/pam.d/* (system-auth, password-auth, common-auth, common-password): `type control module args`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.readers.text_files import read_text
from zhengan.checks.result import SourceRef
from zhengan.text import Text


@dataclass(frozen=True)
class ConfigValue:
    value: str
    source: SourceRef


@dataclass
class KeyValueFile:
    path: Path
    values: dict[str, ConfigValue] = field(default_factory=dict)


@dataclass(frozen=True)
class PamLine:
    kind: str  # auth, account, password, session
    control: str
    module: str  # pam_faillock.so
    args: dict[str, str]  # deny=5 -> {"deny": "5"}; a bare flag maps to ""
    source: SourceRef

    @property
    def module_name(self) -> str:
        return self.module.rsplit("/", 1)[-1]


def _content_lines(path: Path) -> list[tuple[int, str]]:
    lines = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        stripped = line.split("#", 1)[0].strip()
        if stripped:
            lines.append((number, stripped))
    return lines


def read_login_defs(path: Path) -> KeyValueFile:
    result = KeyValueFile(path)
    for number, line in _content_lines(path):
        parts = line.split(None, 1)
        if len(parts) != 2 or not re.fullmatch(r"[A-Z][A-Z0-9_]*", parts[0]):
            raise ReadError(
                SourceRef(file=str(path), line=number),
                Text(zh="login.defs 行應為「名稱 值」", en="a login.defs line must be 'NAME value'"),
                raw=line,
            )
        result.values[parts[0]] = ConfigValue(
            parts[1].strip(), SourceRef(file=str(path), line=number, field=parts[0])
        )
    return result


def read_key_equals_value(path: Path) -> KeyValueFile:
    """pwquality.conf, faillock.conf, pwhistory.conf: `key = value`, or a bare flag such as `even_deny_root`."""
    result = KeyValueFile(path)
    for number, line in _content_lines(path):
        if "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
        else:
            key, value = line, ""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", key):
            raise ReadError(
                SourceRef(file=str(path), line=number),
                Text(zh=f"無法辨識的設定名稱 {key!r}", en=f"unrecognised setting name {key!r}"),
                raw=line,
            )
        result.values[key] = ConfigValue(value, SourceRef(file=str(path), line=number, field=key))
    return result


_PAM_KINDS = {"auth", "account", "password", "session"}


def read_pam(path: Path) -> list[PamLine]:
    lines: list[PamLine] = []
    for number, line in _content_lines(path):
        if line.startswith("@include"):
            continue  # Debian includes name another file given on its own
        match = re.match(
            r"^-?(?P<kind>\w+)\s+(?P<control>\[[^\]]*\]|\S+)\s+(?P<module>\S+)(?P<args>.*)$", line
        )
        if match is None or match["kind"].lower() not in _PAM_KINDS:
            raise ReadError(
                SourceRef(file=str(path), line=number),
                Text(
                    zh="PAM 行應為「類型 控制 模組 參數」", en="a PAM line must be 'type control module args'"
                ),
                raw=line,
            )
        args: dict[str, str] = {}
        for token in match["args"].split():
            key, _, value = token.partition("=")
            args[key] = value
        lines.append(
            PamLine(
                kind=match["kind"].lower(),
                control=match["control"],
                module=match["module"],
                args=args,
                source=SourceRef(file=str(path), line=number, field=match["module"].rsplit("/", 1)[-1]),
            )
        )
    return lines


def is_pam_file(path: Path) -> bool:
    if path.parent.name == "pam.d":
        return True
    try:
        text = read_text(path)
    except ReadError:
        return False
    return bool(
        re.search(r"^\s*-?(auth|account|password|session)\s+\S+\s+\S*pam_\w+\.so", text, re.MULTILINE)
    )
