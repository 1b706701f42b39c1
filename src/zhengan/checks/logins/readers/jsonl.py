"""A firm's own JSON-lines export of login records, through a column mapping (`mapping.py`).

Each line is one JSON object; a line that is not valid JSON goes to quarantine with its line number.
The file is UTF-8 unless the mapping's `encoding` says otherwise (e.g. `cp950` for a Big5 export): a line
that cannot be decoded goes to quarantine as "not UTF-8" (or not in the declared encoding), and the other
lines are read.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from zhengan.checks.logins import database
from zhengan.checks.logins.readers.base import ReadOptions, ReadResult, bad_record
from zhengan.checks.logins.readers.mapping import (
    MAPPABLE,
    ColumnMapping,
    _literal,
    _quote,
    is_utf8,
    normalise,
)
from zhengan.text import Text

FORMAT = "jsonl"


def read(path: Path, options: ReadOptions) -> ReadResult:
    mapping = ColumnMapping.load(options.mapping) if options.mapping else ColumnMapping.identity()
    file = str(path)
    encoding = mapping.encoding or "utf-8"
    undecodable: list[tuple[int, str]] = []
    with database.connection() as connection:
        try:
            if not is_utf8(encoding):
                raise UnicodeError(encoding)
            connection.execute(
                f"""CREATE TEMP TABLE __lines AS
                    SELECT t.n AS __line, t.text AS text
                    FROM (SELECT string_split(ltrim(content, chr(65279)), chr(10)) AS lines
                          FROM read_text({_literal(file)})) s,
                         unnest(s.lines) WITH ORDINALITY AS t(text, n)
                    WHERE trim(t.text) <> ''
                    ORDER BY t.n"""
            )
        except (duckdb.InvalidInputException, UnicodeError):
            # Not valid UTF-8 somewhere (or another encoding declared): decode line by line in Python.
            decoded, undecodable = _decode_lines(path, encoding)
            connection.register("__decoded", decoded)
            connection.execute(
                "CREATE TEMP TABLE __lines AS SELECT __line, text FROM __decoded "
                "WHERE trim(text) <> '' ORDER BY __line"
            )
            connection.unregister("__decoded")
        invalid = connection.execute(
            "SELECT __line, text FROM __lines WHERE NOT coalesce(json_valid(text), false) "
            "OR json_type(text) <> 'OBJECT' ORDER BY __line"
        ).fetchall()
        records = connection.execute("SELECT count(*) FROM __lines").fetchall()[0][0] + len(undecodable)
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
        + [_undecodable(file, line, text, encoding) for line, text in undecodable]
        + errors
    )
    errors.sort(key=lambda e: e.source.line or 0)
    notes = [
        Text(
            zh=f"{path.name}：未標示時區的時間以 {options.timezone} 解讀",
            en=f"{path.name}: stamps without an offset read as {options.timezone}",
        )
    ]
    return ReadResult(table=table, errors=errors, notes=notes, records=records, ids=ids)


def _decode_lines(path: Path, encoding: str) -> tuple[pa.Table, list[tuple[int, str]]]:
    """(line, text) of every line that decodes, and (line, text with U+FFFD) of those that do not."""
    numbers, texts, undecodable = [], [], []
    data = path.read_bytes()
    if is_utf8(encoding) and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for number, chunk in enumerate(data.split(b"\n"), start=1):
        try:
            texts.append(chunk.decode(encoding))
            numbers.append(number)
        except UnicodeDecodeError:
            undecodable.append((number, chunk.decode(encoding, errors="replace")))
    table = pa.table({"__line": pa.array(numbers, pa.int64()), "text": pa.array(texts, pa.string())})
    return table, undecodable


def _undecodable(file: str, line: int, text: str, encoding: str):
    if is_utf8(encoding):
        zh = f"第 {line} 行不是 UTF-8 編碼（Big5 匯出檔請在對照檔設定 encoding: cp950）"
        en = f"line {line}: not UTF-8 (for a Big5 export set `encoding: cp950` in the mapping file)"
    else:
        zh = f"第 {line} 行無法以 {encoding} 解碼"
        en = f"line {line}: cannot be decoded as {encoding}"
    return bad_record(file, line, zh, en, text)


def _json_key(column: str) -> str:
    # Keys such as "user.name" or "@timestamp" must be quoted inside a JSON path.
    return '"' + column.replace('"', '\\"') + '"'
