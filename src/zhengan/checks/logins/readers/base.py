"""What every reader takes and returns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from zhengan.checks.logins.schema import EVENT_SCHEMA, FALLBACK_TYPE, event_id
from zhengan.checks.result import InputError, SourceRef
from zhengan.text import Text

DEFAULT_ZONE = "Asia/Taipei"
# Bytes that were not UTF-8, as `errors="surrogateescape"` keeps them: every text reader looks for these.
SURROGATE = re.compile("[\udc80-\udcff]")


def printable(text: str) -> str:
    """Text read with `surrogateescape`, each byte that was not UTF-8 shown as U+FFFD."""
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


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


@dataclass(frozen=True)
class EventIds:
    """How the events of one input are named (`event.id`, `file:line`), without building a string per event.

    Exactly one of: `first_line` (row i is on line i + first_line: a file read in order with nothing left
    out), `lines` (row i is on line lines[i]) or `names` (the reader's own ids, e.g. sshd's `line#n`).
    The analysis builds names only for the events behind its results.
    """

    file: str
    first_line: int | None = None
    lines: pa.Array | pa.ChunkedArray | None = None
    names: pa.Array | pa.ChunkedArray | None = None

    def names_of(self, rows: Sequence[int]) -> list[str]:
        if self.first_line is not None:
            prefix, first = f"{self.file}:", self.first_line  # as schema.event_id spells it
            return [f"{prefix}{row + first}" for row in rows]
        if self.lines is not None:
            picked = pc.take(self.lines, pa.array(rows, pa.int64())).to_pylist()
            return [event_id(self.file, line) for line in picked]
        if self.names is None:
            raise ValueError("EventIds needs first_line, lines or names")
        return pc.take(self.names, pa.array(rows, pa.int64())).to_pylist()

    def column(self, count: int) -> tuple[pa.Array, pa.Array]:
        """(source_line, event_id) for every row: only for the reader's full table (tests, exports)."""
        if self.names is not None:
            raise ValueError("named ids come with their own table")
        lines = (
            pa.array(range(self.first_line, self.first_line + count), pa.int64())
            if self.first_line is not None
            else pa.chunked_array([self.lines]).combine_chunks().cast(pa.int64())
        )
        names = pc.binary_join_element_wise(self.file, pc.cast(lines, pa.string()), ":")
        return lines, names


@dataclass
class ReadResult:
    """One input read: its events, quarantined records, notes and counts.

    `table` holds the normalised columns of `schema.EVENT_SCHEMA`. Readers built on Arrow (CSV, JSON lines,
    Parquet) leave out `source_file`, `source_line` and `event_id`, which `ids` gives on demand, and may
    dictionary-encode string columns; `events()` returns the exact schema either way.
    """

    table: pa.Table
    errors: list[InputError] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)  # what was assumed or inferred (zone, year)
    skipped: int = 0  # records read and deliberately not login events (machine accounts, other ids)
    records: int = 0  # records (lines / rows) read in total
    ids: EventIds | None = None  # None: the table carries its own `event_id` column

    def event_ids(self) -> EventIds:
        if self.ids is not None:
            return self.ids
        return EventIds(file="", names=self.table.column("event_id"))

    def events(self) -> pa.Table:
        """The table in exactly `EVENT_SCHEMA` (ids and line numbers built for every row)."""
        table = self.table
        if self.ids is not None:
            lines, names = self.ids.column(table.num_rows)
            table = table.append_column("source_file", pa.repeat(pa.scalar(self.ids.file), table.num_rows))
            table = table.append_column("source_line", lines).append_column("event_id", names)
        if FALLBACK_TYPE in table.column_names:
            typed = pc.coalesce(table["user_type"].cast(pa.string()), table[FALLBACK_TYPE])
            table = table.set_column(table.schema.get_field_index("user_type"), "user_type", typed)
        columns = [table.column(f.name).cast(f.type) for f in EVENT_SCHEMA]
        return pa.Table.from_arrays(columns, schema=EVENT_SCHEMA)


def bad_record(file: str, line: int | None, zh: str, en: str, raw: str | None, field: str | None = None):
    return InputError(
        source=SourceRef(file=file, line=line, field=field), message=Text(zh=zh, en=en), raw=raw
    )


ROLLOVER_MONTHS = 6  # a step back of at least this many months (Dec → Jan) starts a new year


class YearLessStamps:
    """The year of each year-less syslog stamp (`Nov 21 08:01:02`) in one file, in file order.

    The year rolls forward whenever the month goes back by `ROLLOVER_MONTHS` or more from the previous
    stamp (Dec 31 → Jan 1): a smaller step back is a line written late in the same year. The first stamp's
    year is `--year` when declared; otherwise it is chosen so that the file's **last** stamp is not later
    than the file's modification time (the last month later than the mtime's month is last year), counting
    back the rollovers `months` (every stamp's month, a first pass over the file) holds. Either way the
    notes say which years were used and from which line a new year began.
    """

    def __init__(self, path: Path, options: ReadOptions, months: Sequence[int] | None = None):
        self.path = path
        self.declared = options.year is not None
        self.previous: int | None = None
        self.rollovers: list[tuple[int, int]] = []  # (line, year from that line on)
        if options.year is not None:
            self.year = options.year
            self.first = options.year
            return
        modified = datetime.fromtimestamp(path.stat().st_mtime, options.zone)
        steps, last = 0, None
        for month in months or ():
            if last is not None and last - month >= ROLLOVER_MONTHS:
                steps += 1
            last = month
        final = modified.year - 1 if last is not None and last > modified.month else modified.year
        self.year = self.first = final - steps
        self.modified = modified

    def year_of(self, month: int, line: int) -> int:
        if self.previous is not None and self.previous - month >= ROLLOVER_MONTHS:
            self.year += 1
            self.rollovers.append((line, self.year))
        self.previous = month
        return self.year

    def notes(self) -> list[Text]:
        if self.previous is None:
            return []
        name = self.path.name
        if self.declared:
            zh = f"{name} 的時間戳記未含年份，第一行依 --year 為 {self.first} 年"
            en = f"{name} has year-less stamps; the first line is in {self.first} as declared by --year"
        else:
            zh = (
                f"{name} 的時間戳記未含年份，依檔案修改時間推定第一行為 {self.first} 年"
                "（最後一行不晚於修改時間；可用 --year 指定）"
            )
            en = (
                f"{name} has year-less stamps; year {self.first} inferred for the first line from the file's "
                "modification time (the last line not later than it; declare it with --year)"
            )
        if self.rollovers:
            zh += "；月份倒退（12 月 → 1 月）處換年：" + "、".join(
                f"第 {line} 行起為 {year} 年" for line, year in self.rollovers
            )
            en += "; the year rolls over where the month goes back (Dec → Jan): " + ", ".join(
                f"{year} from line {line}" for line, year in self.rollovers
            )
        return [Text(zh=zh, en=en)]


class UndecodedBytes:
    """The lines of a text log (sshd, syslog) holding bytes that are not UTF-8. Such a line is still read,
    each such byte shown as U+FFFD (an attacker may send any bytes as a user name), and a note says how many
    lines and which: the firm sees that the log is not clean UTF-8 rather than finding U+FFFD by chance."""

    SHOWN = 10

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[int] = []

    def clean(self, number: int, text: str) -> str:
        """`text` (read with `errors="surrogateescape"`) with every undecodable byte as U+FFFD."""
        if text.isascii() or not SURROGATE.search(text):
            return text
        self.lines.append(number)
        return printable(text)

    def notes(self) -> list[Text]:
        if not self.lines:
            return []
        shown = ", ".join(str(n) for n in self.lines[: self.SHOWN]) + (
            "…" if len(self.lines) > self.SHOWN else ""
        )
        return [
            Text(
                zh=f"{self.path.name}：有 {len(self.lines)} 行含非 UTF-8 位元組（第 {shown} 行），以 U+FFFD（�）取代後照常解讀",
                en=f"{self.path.name}: {len(self.lines)} line(s) hold bytes that are not UTF-8 (line {shown}); "
                "each such byte is read as U+FFFD (�) and the line read as usual",
            )
        ]


def exported_text(data: bytes) -> str:
    """The text of a Windows export: UTF-16 when it starts with a UTF-16 byte-order mark (what Windows
    PowerShell 5's `>` and `Out-File` write), else UTF-8 (a BOM dropped) with bytes that are not UTF-8
    kept as surrogates (`surrogateescape`) for the reader to quarantine."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="surrogateescape")
