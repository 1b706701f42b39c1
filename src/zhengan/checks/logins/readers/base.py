"""What every reader takes and returns."""

from __future__ import annotations

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
