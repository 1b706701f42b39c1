"""What every reader takes and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa

from zhengan.checks.result import InputError, SourceRef
from zhengan.text import Text

DEFAULT_ZONE = "Asia/Taipei"


@dataclass
class ReadOptions:
    """Declared facts a log does not carry itself.

    `timezone` applies only to stamps without an offset; `year` to year-less syslog stamps (inferred from
    the file's modification time when not declared, and the inference is reported).
    """

    timezone: str = DEFAULT_ZONE
    year: int | None = None
    mapping: Path | None = None  # column mapping for a firm's own CSV / JSON-lines export
    default_user_type: str | None = None  # for logs that do not say (sshd, Windows): usually "staff"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass
class ReadResult:
    table: pa.Table
    errors: list[InputError] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)  # what was assumed or inferred (zone, year)
    skipped: int = 0  # records read and deliberately not login events (machine accounts, other ids)
    records: int = 0  # records (lines / rows) read in total


def bad_record(file: str, line: int | None, zh: str, en: str, raw: str | None, field: str | None = None):
    return InputError(
        source=SourceRef(file=file, line=line, field=field), message=Text(zh=zh, en=en), raw=raw
    )


def infer_year(path: Path, month: int, options: ReadOptions) -> tuple[int, Text | None]:
    """The year for a year-less stamp: declared, or the file's mtime year (previous year for a later month)."""
    if options.year is not None:
        return options.year, None
    modified = datetime.fromtimestamp(path.stat().st_mtime, options.zone)
    year = modified.year - 1 if month > modified.month else modified.year
    note = Text(
        zh=f"{path.name} 的時間戳記未含年份，依檔案修改時間推定為 {year} 年（可用 --year 指定）",
        en=f"{path.name} has year-less stamps; year {year} inferred from the file's modification time "
        "(declare it with --year)",
    )
    return year, note
