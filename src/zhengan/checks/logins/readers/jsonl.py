"""A firm's own JSON-lines export of login records, through a column mapping (`mapping.py`).

Each line is one JSON object; a line that is not valid JSON goes to quarantine with its line number.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from zhengan.checks.logins import database
from zhengan.checks.logins.readers.base import ReadOptions, ReadResult, bad_record
from zhengan.checks.logins.readers.mapping import MAPPABLE, ColumnMapping, _literal, _quote, normalise
from zhengan.checks.result import InputError
from zhengan.text import Text

FORMAT = "jsonl"


def read(path: Path, options: ReadOptions) -> ReadResult:
    try:
        return _read(path, path, options, [])
    except duckdb.InvalidInputException as exc:
        if "UTF-8" not in str(exc):
            raise
    # Some lines are not UTF-8: each is quarantined, and the rest read from a copy in which those lines
    # are left blank (blank lines are skipped), so every other line keeps its number.
    undecodable: list[InputError] = []
    with tempfile.TemporaryDirectory() as folder:
        clean = Path(folder) / path.name
        with path.open("rb") as source, clean.open("wb") as target:
            for number, line in enumerate(source, start=1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    undecodable.append(
                        bad_record(
                            str(path),
                            number,
                            f"第 {number} 行不是 UTF-8 文字（位元組 {exc.start}）",
                            f"line {number}: not UTF-8 text (byte {exc.start})",
                            line.decode("utf-8", errors="replace").rstrip("\r\n"),
                        )
                    )
                    line = b"\n"
                target.write(line)
        return _read(path, clean, options, undecodable)


def _read(path: Path, source: Path, options: ReadOptions, undecodable: list[InputError]) -> ReadResult:
    mapping = ColumnMapping.load(options.mapping) if options.mapping else ColumnMapping.identity()
    file = str(path)
    with database.connection() as connection:
        connection.execute(
            f"""CREATE TEMP TABLE __lines AS
                SELECT t.n AS __line, t.text AS text
                FROM (SELECT string_split(content, chr(10)) AS lines FROM read_text({_literal(str(source))})) s,
                     unnest(s.lines) WITH ORDINALITY AS t(text, n)
                WHERE trim(t.text) <> ''
                ORDER BY t.n"""
        )
        invalid = connection.execute(
            "SELECT __line, text FROM __lines WHERE NOT coalesce(json_valid(text), false) "
            "OR json_type(text) <> 'OBJECT' ORDER BY __line"
        ).fetchall()
        records = connection.execute("SELECT count(*) FROM __lines").fetchall()[0][0]
        # Every field the mapping may name becomes a column (absent keys give NULL).
        wanted = sorted({mapping.columns.get(name, name) for name in MAPPABLE})
        extracts = ", ".join(f"text ->> {_literal('$.' + _json_key(c))} AS {_quote(c)}" for c in wanted)
        raw = connection.sql(
            f"SELECT {extracts}, __line FROM __lines "
            "WHERE coalesce(json_valid(text), false) AND json_type(text) = 'OBJECT' ORDER BY __line"
        ).to_arrow_table()
    table, ids, errors = normalise(
        raw.drop_columns(["__line"]), mapping, file, options.timezone, raw.column("__line")
    )
    errors = (
        [
            bad_record(
                file, line, f"第 {line} 行不是有效的 JSON 物件", f"line {line}: not a valid JSON object", raw
            )
            for line, raw in invalid
        ]
        + errors
        + undecodable
    )
    errors.sort(key=lambda e: e.source.line or 0)
    notes = [
        Text(
            zh=f"{path.name}：未標示時區的時間以 {options.timezone} 解讀",
            en=f"{path.name}: stamps without an offset read as {options.timezone}",
        )
    ]
    return ReadResult(table=table, errors=errors, notes=notes, records=records + len(undecodable), ids=ids)


def _json_key(column: str) -> str:
    # Keys such as "user.name" or "@timestamp" must be quoted inside a JSON path.
    return '"' + column.replace('"', '\\"') + '"'
