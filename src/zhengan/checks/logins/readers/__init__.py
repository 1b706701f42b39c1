"""One reader per log format; each returns the normalised login-event table (`schema.EVENT_SCHEMA`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from zhengan.checks.logins.readers import (
    csv,
    jsonl,
    parquet,
    sshd,
    syslog5424,
    windows_evtx,
    windows_json,
    windows_xml,
)
from zhengan.checks.logins.readers.base import ReadOptions, ReadResult, exported_text

READERS: dict[str, Callable[[Path, ReadOptions], ReadResult]] = {
    module.FORMAT: module.read
    for module in (csv, jsonl, parquet, sshd, syslog5424, windows_evtx, windows_json, windows_xml)
}
FORMATS = tuple(READERS)


class UnknownFormat(ValueError):
    pass


def detect_format(path: Path) -> str:
    """Guess a file's format from its extension and first line; `--format` overrides."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return "parquet"
    if suffix == ".evtx":
        return "evtx"
    if suffix == ".csv":
        return "csv"
    with path.open("rb") as handle:
        head = exported_text(handle.read(8192)).lstrip()
    if head.startswith("<"):
        if head[1:2].isdigit():
            return "syslog5424"
        return "windows-xml"
    if head.startswith(("{", "[")):
        return "windows-json" if '"System"' in head[:2000] or '"EventID"' in head[:2000] else "jsonl"
    first = head.splitlines()[0] if head else ""
    if "sshd" in first or suffix in (".log", "") or first[:3].isalpha():
        return "sshd"
    raise UnknownFormat(f"{path}: 無法判斷格式，請以 --format 指定 / cannot tell the format; use --format")


def read(path: Path, options: ReadOptions, format: str | None = None) -> tuple[str, ReadResult]:
    chosen = format or detect_format(path)
    if chosen not in READERS:
        raise UnknownFormat(
            f"{path}: 不支援的格式 {chosen} / unsupported format {chosen}; one of {list(FORMATS)}"
        )
    return chosen, READERS[chosen](path, options)
