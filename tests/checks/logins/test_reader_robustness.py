"""Readers on damaged, unusual or boundary inputs: nothing is lost, everything is numbered right.

Review of issue #7, findings H2, H3, H4, M1, M2, M10, L3 and L5.
"""

from __future__ import annotations

import os
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from zhengan.checks.logins import readers
from zhengan.checks.logins.readers import (
    csv,
    jsonl,
    sshd,
    syslog5424,
    windows_evtx,
    windows_json,
    windows_xml,
)
from zhengan.checks.logins.readers.base import ReadOptions
from zhengan.checks.logins.readers.mapping import ColumnMapping, MappingError


def rows(result):
    return result.events().to_pylist()


def _touch(path: Path, when: datetime) -> None:
    os.utime(path, (when.timestamp(), when.timestamp()))


# --- H2: year-less syslog stamps across New Year -------------------------------------------------------


def _new_year_copy(data_dir: Path, tmp_path: Path, modified: datetime) -> Path:
    copy = tmp_path / "auth.log"
    copy.write_bytes((data_dir / "sshd" / "new-year-empty-user.log").read_bytes())
    _touch(copy, modified)
    return copy


def test_sshd_year_rolls_over_at_new_year_from_mtime(data_dir: Path, tmp_path: Path):
    copy = _new_year_copy(data_dir, tmp_path, datetime(2027, 1, 1, 1, 0, tzinfo=UTC))  # 09:00 Taipei
    result = sshd.read(copy, ReadOptions())
    alice = [row["timestamp"] for row in rows(result) if row["user_name"] == "alice"]
    assert alice == [
        datetime(2026, 12, 31, 15, 59, 50, tzinfo=UTC),
        datetime(2026, 12, 31, 16, 0, 5, tzinfo=UTC),
        datetime(2026, 12, 31, 16, 0, 10, tzinfo=UTC),
    ]
    (note,) = result.notes
    assert "2026" in note.en and "2027 from line 3" in note.en and "inferred" in note.en
    assert "第 3 行起為 2027 年" in note.zh


def test_sshd_year_rolls_over_with_declared_year(data_dir: Path, tmp_path: Path):
    # The mtime says nothing here (a copy made years later): --year is the first line's year.
    copy = _new_year_copy(data_dir, tmp_path, datetime(2031, 6, 1, tzinfo=UTC))
    result = sshd.read(copy, ReadOptions(year=2026))
    years = sorted({row["timestamp"].astimezone(ReadOptions().zone).year for row in rows(result)})
    assert years == [2026, 2027]
    bob = next(row for row in rows(result) if row["user_name"] == "bob")
    assert bob["timestamp"] == datetime(2026, 12, 31, 16, 3, tzinfo=UTC)
    (note,) = result.notes
    assert "--year" in note.en and "2027 from line 3" in note.en


def test_sshd_year_inferred_when_file_ends_before_mtime_month(data_dir: Path, tmp_path: Path):
    # Copied in March 2027: the file's last line (January) is January 2027, so December is 2026.
    copy = _new_year_copy(data_dir, tmp_path, datetime(2027, 3, 5, tzinfo=UTC))
    first = rows(sshd.read(copy, ReadOptions()))[0]
    assert first["timestamp"] == datetime(2026, 12, 31, 15, 58, 1, tzinfo=UTC)


def test_sshd_small_step_back_is_not_a_new_year(tmp_path: Path):
    log = tmp_path / "late.log"
    log.write_text(
        "Nov  1 00:00:01 h sshd[1]: Failed password for carol from 203.0.113.9 port 1 ssh2\n"
        "Oct 31 23:59:59 h sshd[2]: Failed password for carol from 203.0.113.9 port 2 ssh2\n",
        encoding="utf-8",
    )
    events = rows(sshd.read(log, ReadOptions(year=2026)))
    assert [row["timestamp"].year for row in events] == [2026, 2026]


# --- L3: an empty account name is not an account ------------------------------------------------------


def test_sshd_empty_user_is_quarantined(data_dir: Path, tmp_path: Path):
    copy = _new_year_copy(data_dir, tmp_path, datetime(2027, 1, 1, 1, 0, tzinfo=UTC))
    result = sshd.read(copy, ReadOptions())
    users = [row["user_name"] for row in rows(result)]
    assert users == ["ops", "alice", "alice", "alice", "bob"]
    # The Failed line of process 1004 (its Invalid line is the same attempt), and the lone Invalid line of 1005.
    assert [(e.source.line, e.source.field) for e in result.errors] == [(6, "user.name"), (7, "user.name")]
    assert "empty" in result.errors[0].message.en and "空白" in result.errors[0].message.zh
    assert result.errors[1].raw.startswith("Jan  1 00:02:00")


def test_syslog5424_sshd_message_with_empty_user_is_quarantined(tmp_path: Path):
    log = tmp_path / "s.log"
    log.write_text(
        "<38>1 2026-11-20T10:00:00+08:00 h sshd 77 - - Failed password for invalid user  from 198.51.100.1 "
        "port 5 ssh2\n",
        encoding="utf-8",
    )
    result = syslog5424.read(log, ReadOptions())
    assert result.table.num_rows == 0
    assert [(e.source.line, e.source.field) for e in result.errors] == [(1, "user.name")]


# --- H4: CSV records over several lines keep their own line numbers -----------------------------------


def test_csv_quoted_line_breaks_keep_line_numbers(data_dir: Path):
    path = data_dir / "csv" / "quoted-line-breaks.csv"
    result = csv.read(path, ReadOptions())
    events = rows(result)
    assert [(row["source_line"], row["user_name"]) for row in events] == [
        (2, "A100000001"),
        (4, "A200000002"),
        (6, "A300000003"),
        (13, "A300000003"),
    ]
    assert events[0]["event_reason"] == "wrong password\n(typed twice)"
    assert events[3]["event_id"] == f"{path}:13"
    errors = [(e.source.line, e.source.field, e.raw) for e in result.errors]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert errors == [
        (9, None, lines[8]),
        (10, "@timestamp", lines[9]),
        (11, None, lines[10] + "\n" + lines[11]),  # the whole record, both lines
    ]
    assert "too many columns" in result.errors[0].message.en and "欄位數過多" in result.errors[0].message.zh
    assert result.records == 7
    assert any("span several lines" in note.en for note in result.notes)


def test_csv_line_numbers_right_after_a_quoted_break_on_the_duckdb_path(tmp_path: Path):
    # A short row sends the file to DuckDB; the quoted break before it must still not shift the lines.
    path = tmp_path / "m.csv"
    path.write_text(
        "@timestamp,event.outcome,user.name,event.reason\n"
        '2026-11-20T10:00:00+08:00,failure,A1,"two\nlines"\n'
        "2026-11-20T10:00:01+08:00,failure\n"
        "2026-11-20T10:00:02+08:00,failure,A2,x\n",
        encoding="utf-8",
    )
    result = csv.read(path, ReadOptions())
    assert [row["source_line"] for row in rows(result)] == [2, 5]
    assert [e.source.line for e in result.errors] == [4]


def test_csv_one_record_per_line_stays_on_the_fast_path(tmp_path: Path, monkeypatch):
    # Blank lines at the end of the file are not records and do not move any line.
    path = tmp_path / "export.csv"
    path.write_text(
        "@timestamp,event.outcome,user.name\n"
        + "".join(f"2026-11-20T10:00:0{i}+08:00,failure,A{i}\n" for i in range(5))
        + "\n\n",
        encoding="utf-8",
    )

    def refuse(*args):
        raise AssertionError("a slower reader was used")

    monkeypatch.setattr(csv, "_read_with_python", refuse)
    monkeypatch.setattr(csv, "_read_with_duckdb", refuse)
    result = csv.read(path, ReadOptions())
    assert [row["source_line"] for row in rows(result)] == [2, 3, 4, 5, 6]
    assert result.ids.first_line == 2  # no line number stored per row


def test_csv_blank_line_between_records_does_not_shift_lines(tmp_path: Path):
    path = tmp_path / "b.csv"
    path.write_text(
        "@timestamp,event.outcome,user.name\n2026-11-20T10:00:00+08:00,failure,A1\n\n"
        "2026-11-20T10:00:01+08:00,failure,A2\n",
        encoding="utf-8",
    )
    assert [(row["source_line"], row["user_name"]) for row in rows(csv.read(path, ReadOptions()))] == [
        (2, "A1"),
        (4, "A2"),
    ]


def test_csv_without_quotes_needs_no_line_count(tmp_path: Path, monkeypatch):
    # No quote character anywhere: no record can span lines, so the lines are not counted at all.
    path = tmp_path / "plain.csv"
    path.write_text(
        "@timestamp,event.outcome,user.name\n"
        + "".join(f"2026-11-20T10:00:0{i}+08:00,failure,A{i}\n" for i in range(3)),
        encoding="utf-8",
    )

    def refuse(*args):
        raise AssertionError("the lines were counted")

    monkeypatch.setattr(csv, "_data_lines", refuse)
    assert [row["source_line"] for row in rows(csv.read(path, ReadOptions()))] == [2, 3, 4]
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(path.read_text(encoding="utf-8").replace(",A1", ',"A1"'), encoding="utf-8")
    with pytest.raises(AssertionError, match="the lines were counted"):
        csv.read(quoted, ReadOptions())


def test_csv_record_of_empty_fields_is_quarantined_not_taken_for_a_blank_line(tmp_path: Path):
    path = tmp_path / "e.csv"
    path.write_text(
        "@timestamp,event.outcome,user.name\n2026-11-20T10:00:00+08:00,failure,A1\n,,\n\n"
        "2026-11-20T10:00:01+08:00,failure,A2\n",
        encoding="utf-8",
    )
    result = csv.read(path, ReadOptions())
    assert [(row["source_line"], row["user_name"]) for row in rows(result)] == [(2, "A1"), (5, "A2")]
    assert [(e.source.line, e.raw) for e in result.errors] == [(3, ",,")]
    assert result.records == 3


# --- M1 / M10: bytes that are not UTF-8, and Big5 exports -----------------------------------------------


def test_jsonl_line_not_utf8_is_quarantined_and_the_rest_read(data_dir: Path):
    path = data_dir / "jsonl" / "not-utf8-line.jsonl"
    result = jsonl.read(path, ReadOptions())
    assert [row["user_name"] for row in rows(result)] == ["A123456789", "B223456789"]
    assert [row["source_line"] for row in rows(result)] == [1, 3]
    (error,) = result.errors
    assert error.source.line == 2 and "not UTF-8" in error.message.en and "UTF-8" in error.message.zh
    assert "cp950" in error.message.en and error.raw.startswith('{"@timestamp":"2026-11-20T09:00:01')
    assert result.records == 3


def _cp950_mapping(folder: Path) -> Path:
    """A mapping declaring `encoding: cp950` for the four columns the encoding tests use."""
    mapping = folder / "map.yaml"
    mapping.write_text(
        'encoding: cp950\ncolumns: {"@timestamp": "@timestamp", event.outcome: event.outcome, '
        "user.name: user.name, event.reason: event.reason}\n",
        encoding="utf-8",
    )
    return mapping


def test_jsonl_declared_big5_encoding_is_read(data_dir: Path, tmp_path: Path):
    path = tmp_path / "big5.jsonl"
    path.write_bytes((data_dir / "jsonl" / "not-utf8-line.jsonl").read_bytes())
    mapping = _cp950_mapping(tmp_path)
    result = jsonl.read(path, ReadOptions(mapping=mapping))
    assert not result.errors
    assert [row["event_reason"] for row in rows(result)] == [None, "密碼錯誤", None]


def test_csv_big5_export_with_declared_encoding_reads_as_the_utf8_one(data_dir: Path):
    folder = data_dir / "csv"
    utf8 = csv.read(folder / "broker-export.csv", ReadOptions(mapping=folder / "mapping-broker-export.yaml"))
    big5 = csv.read(
        folder / "broker-export-big5.csv", ReadOptions(mapping=folder / "mapping-broker-export-big5.yaml")
    )
    drop = ["source_file", "event_id"]
    assert big5.events().drop_columns(drop).equals(utf8.events().drop_columns(drop))
    assert [(e.source.line, e.message.en, e.raw) for e in big5.errors] == [
        (e.source.line, e.message.en, e.raw) for e in utf8.errors
    ]
    assert big5.events().column("event_id")[0].as_py() == f"{folder / 'broker-export-big5.csv'}:2"


def test_csv_big5_header_without_declared_encoding_says_so(data_dir: Path):
    with pytest.raises(MappingError) as caught:
        csv.read(
            data_dir / "csv" / "broker-export-big5.csv",
            ReadOptions(mapping=data_dir / "csv" / "mapping-broker-export.yaml"),
        )
    assert "not UTF-8" in str(caught.value) and "不是 UTF-8" in str(caught.value)
    assert "encoding: cp950" in str(caught.value)


def test_csv_big5_value_is_quarantined_as_not_utf8(tmp_path: Path):
    path = tmp_path / "v.csv"
    path.write_bytes(
        b"@timestamp,event.outcome,user.name,event.reason\n"
        b"2026-11-20T10:00:00+08:00,failure,A1," + "密碼錯誤".encode("cp950") + b"\n"
        b"2026-11-20T10:00:01+08:00,failure,A2,x\n"
    )
    result = csv.read(path, ReadOptions())
    assert [row["source_line"] for row in rows(result)] == [3]
    (error,) = result.errors
    assert error.source.line == 2 and "not UTF-8" in error.message.en
    assert "欄位數" not in error.message.zh and "不是 UTF-8" in error.message.zh


def test_csv_value_not_in_the_declared_encoding_is_named_after_it(tmp_path: Path):
    path = tmp_path / "big5.csv"
    good = "2026-11-20T10:00:00+08:00,failure,A1," + "密碼錯誤"
    path.write_bytes(
        b"@timestamp,event.outcome,user.name,event.reason\n"
        + good.encode("cp950")
        + b"\n2026-11-20T10:00:01+08:00,failure,A2,\x81\x20\n"  # 0x81 0x20: no cp950 character
    )
    mapping = _cp950_mapping(tmp_path)
    result = csv.read(path, ReadOptions(mapping=mapping))
    assert [(row["source_line"], row["event_reason"]) for row in rows(result)] == [(2, "密碼錯誤")]
    (error,) = result.errors
    assert error.source.line == 3
    assert error.message.en == "line 3: cannot be decoded as cp950"
    assert error.message.zh == "第 3 行無法以 cp950 解碼"
    assert "UTF-8" not in error.message.en


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"h\n", 0),
        (b"h\na\nb", 2),
        (b"h\na\nb\n\n \n", 2),
        (b"h\r\na\r\n", 1),
        (b"h\n" + b"x" * 5000 + b"\n\n", 1),
    ],
)
def test_csv_data_line_count(tmp_path: Path, text: bytes, expected: int):
    path = tmp_path / "c.csv"
    path.write_bytes(text)
    assert csv._data_lines(path) == expected


def test_mapping_refuses_unknown_encoding(tmp_path: Path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("encoding: big-five\n", encoding="utf-8")
    with pytest.raises(MappingError, match="big-five"):
        ColumnMapping.load(mapping)


# --- M2 / L5: one damaged Windows event costs only itself, and is numbered as the events are -----------


def test_windows_xml_damaged_event_keeps_the_others(data_dir: Path):
    path = data_dir / "windows-xml" / "damaged-middle-event.xml"
    result = windows_xml.read(path, ReadOptions())
    assert [(row["source_line"], row["user_name"]) for row in rows(result)] == [(10, "bob"), (12, "bob")]
    assert result.records == 3
    (error,) = result.errors
    assert error.source.line == 11  # its EventRecordID, still readable in the text cut short
    assert error.message.en.startswith("EventRecordID 11: ") and "XML cannot be read" in error.message.en
    assert "file line 2" in error.message.en and "XML 無法解讀" in error.message.zh
    assert error.raw == path.read_text(encoding="utf-8").splitlines()[1]


def test_windows_xml_unreadable_event_without_record_id_is_numbered_by_position(tmp_path: Path):
    path = tmp_path / "e.xml"
    ns = "xmlns='http://schemas.microsoft.com/win/2004/08/events/event'"
    good = (
        f"<Event {ns}><System><EventID>4625</EventID><TimeCreated SystemTime='2026-11-20T02:00:00Z'/>"
        "<EventRecordID>7</EventRecordID><Computer>H</Computer></System><EventData>"
        "<Data Name='TargetUserName'>bob</Data><Data Name='SubStatus'>0xc000006a</Data>"
        "<Data Name='IpAddress'>203.0.113.50</Data></EventData></Event>"
    )
    no_time = f"<Event {ns}><System><EventID>4625</EventID><Computer>H</Computer></System></Event>"
    bad_byte = good.replace("7</EventRecordID>", "9</EventRecordID>").replace("bob", "b\udcffob")
    path.write_bytes(
        f"<Events>\n{good}\n{no_time}\n{bad_byte}\n</Events>\n".encode("utf-8", "surrogateescape")
    )
    result = windows_xml.read(path, ReadOptions())
    assert [row["source_line"] for row in rows(result)] == [7]
    first, second = result.errors
    assert first.source.line == 2 and "record 2 (no readable EventRecordID" in first.message.en
    assert "position in the file" in first.message.en and "TimeCreated" in first.message.en
    assert second.source.line == 9 and "not UTF-8" in second.message.en and "\ufffd" in second.raw


def test_windows_json_array_damaged_element_keeps_the_others(data_dir: Path):
    path = data_dir / "windows-json" / "damaged-array.json"
    result = windows_json.read(path, ReadOptions())
    assert [(row["source_line"], row["user_name"]) for row in rows(result)] == [
        (884190, "alice"),
        (884214, "alice"),
    ]
    assert result.records == 3
    (error,) = result.errors
    assert error.source.line == 884211 and error.message.en.startswith("EventRecordID 884211: ")
    assert error.raw == path.read_text(encoding="utf-8").splitlines()[2].rstrip(",")


def test_windows_json_lines_unreadable_record_is_numbered_by_line(tmp_path: Path):
    path = tmp_path / "w.jsonl"
    path.write_text('\n{"Event": {"System": {"EventID": 4625}}}\n', encoding="utf-8")
    (error,) = windows_json.read(path, ReadOptions()).errors
    assert error.source.line == 2 and error.message.en.startswith("line 2 (no readable EventRecordID")


# --- H3: a truncated .evtx is reported, and what was read is kept ---------------------------------------


GENUINE_EVTX = "Security_short_selected.evtx"


@pytest.mark.parametrize("size", [69000, 40000, 5000, 4096])
def test_truncated_evtx_is_quarantined(data_dir: Path, tmp_path: Path, size: int):
    path = tmp_path / "cut.evtx"
    path.write_bytes((data_dir / "windows-evtx" / GENUINE_EVTX).read_bytes()[:size])
    result = windows_evtx.read(path, ReadOptions())
    (error,) = result.errors
    assert error.source.file == str(path)
    assert "EVTX file truncated" in error.message.en and "截斷" in error.message.zh
    assert f"declares 1 chunk(s) (69,632 bytes), the file holds {size:,} bytes" in error.message.en
    assert "next record id is 8, no record read" in error.message.en


def test_truncated_evtx_keeps_the_complete_chunks(data_dir: Path, tmp_path: Path):
    # The genuine file with its chunk repeated (header: 2 chunks), cut inside the second chunk.
    genuine = bytearray((data_dir / "windows-evtx" / GENUINE_EVTX).read_bytes())
    two = genuine + genuine[4096:]
    struct.pack_into("<Q", two, 16, 1)  # last chunk number
    struct.pack_into("<H", two, 42, 2)  # number of chunks
    struct.pack_into("<I", two, 124, zlib.crc32(bytes(two[:120])))
    path = tmp_path / "two.evtx"
    path.write_bytes(bytes(two))
    assert windows_evtx.read(path, ReadOptions()).errors == []
    path.write_bytes(bytes(two[:-632]))
    result = windows_evtx.read(path, ReadOptions())
    assert result.records == 7 and result.table.num_rows == 1
    (error,) = result.errors
    assert "declares 2 chunk(s) (135,168 bytes), the file holds 134,536 bytes" in error.message.en


def test_complete_evtx_has_no_truncation_record(data_dir: Path):
    assert windows_evtx.read(data_dir / "windows-evtx" / GENUINE_EVTX, ReadOptions()).errors == []


# --- sshd and syslog lines holding bytes that are not UTF-8 ---------------------------------------------


def test_sshd_line_with_bytes_not_utf8_is_read_and_said(tmp_path: Path):
    path = tmp_path / "auth.log"
    path.write_bytes(
        b"Nov 20 03:14:09 bastion01 sshd[24531]: Failed password for invalid user adm\xe9n from "
        b"185.220.101.33 port 40112 ssh2\n"
        b"Nov 20 03:14:10 bastion01 sshd[24532]: Failed password for root from 185.220.101.33 port 40113 ssh2\n"
    )
    result = sshd.read(path, ReadOptions(year=2026))
    assert [row["user_name"] for row in rows(result)] == ["adm\ufffdn", "root"]
    assert not result.errors
    (note,) = [n for n in result.notes if "UTF-8" in n.en]
    assert note.en.startswith("auth.log: 1 line(s) hold bytes that are not UTF-8 (line 1)")
    assert "第 1 行" in note.zh


def test_syslog_lines_with_bytes_not_utf8_are_read_and_said(tmp_path: Path):
    path = tmp_path / "portal.log"
    line = (
        '<86>1 2026-11-20T09:00:01.003+08:00 web-ap-01 ordering 2211 LOGIN [login@32473 user="{user}" '
        'outcome="failure" src="36.230.1.77" channel="app" type="customer" reason="wrong password"] x\n'
    )
    path.write_bytes(
        line.format(user="F1").encode()
        + line.format(user="F2").encode().replace(b"F2", b"F\xff2")
        + line.format(user="F3").encode()
    )
    result = syslog5424.read(path, ReadOptions())
    assert [row["user_name"] for row in rows(result)] == ["F1", "F\ufffd2", "F3"]
    (note,) = result.notes
    assert "1 line(s) hold bytes that are not UTF-8 (line 2)" in note.en
    clean = tmp_path / "clean.log"
    clean.write_text(line.format(user="F\ufffd"), encoding="utf-8")  # U+FFFD itself is valid UTF-8
    assert syslog5424.read(clean, ReadOptions()).notes == []


# --- Windows exports in UTF-16 (Windows PowerShell 5's `>` and `Out-File`) ------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_windows_xml_export_in_utf16_reads_as_the_utf8_one(data_dir: Path, tmp_path: Path, encoding: str):
    source = data_dir / "windows-xml" / "security-wevtutil.xml"
    path = tmp_path / "security.xml"
    text = source.read_text(encoding="utf-8")
    # "utf-16" writes a little-endian BOM; big-endian is written with its BOM by hand
    path.write_bytes(text.encode(encoding) if encoding == "utf-16" else b"\xfe\xff" + text.encode(encoding))
    assert readers.detect_format(path) == "windows-xml"
    _, result = readers.read(path, ReadOptions())
    _, expected = readers.read(source, ReadOptions())
    drop = ["source_file", "event_id"]
    assert result.events().drop_columns(drop).equals(expected.events().drop_columns(drop))
    assert result.events().num_rows > 0 and len(result.errors) == len(expected.errors)


def test_windows_json_export_in_utf16_reads_as_the_utf8_one(data_dir: Path, tmp_path: Path):
    source = data_dir / "windows-json" / "security-evtx_dump.jsonl"
    path = tmp_path / "security.jsonl"
    path.write_bytes(source.read_text(encoding="utf-8").encode("utf-16"))
    assert readers.detect_format(path) == "windows-json"
    _, result = readers.read(path, ReadOptions())
    _, expected = readers.read(source, ReadOptions())
    drop = ["source_file", "event_id"]
    assert result.events().drop_columns(drop).equals(expected.events().drop_columns(drop))
    assert [e.source.line for e in result.errors] == [e.source.line for e in expected.errors]


# --- a byte-order mark, and a mapping file that only declares the encoding -------------------------------


@pytest.mark.parametrize("declared", [None, "utf-8-sig", "UTF8"])
def test_jsonl_with_a_byte_order_mark_keeps_its_first_line(tmp_path: Path, declared: str | None):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"@timestamp":"2026-11-20T10:00:00Z","event.outcome":"failure","user.name":"a"}\n'
        b'{"@timestamp":"2026-11-20T10:00:01Z","event.outcome":"failure","user.name":"b"}\n'
    )
    mapping = None
    if declared:
        mapping = tmp_path / "map.yaml"
        mapping.write_text(f"encoding: {declared}\n", encoding="utf-8")
    result = jsonl.read(path, ReadOptions(mapping=mapping))
    assert not result.errors
    assert [(row["source_line"], row["user_name"]) for row in rows(result)] == [(1, "a"), (2, "b")]


def test_mapping_with_only_an_encoding_keeps_the_ecs_column_names(tmp_path: Path):
    path = tmp_path / "big5.csv"
    path.write_bytes(
        "@timestamp,event.outcome,user.name,event.reason\n2026-11-20T10:00:00+08:00,failure,A1,密碼錯誤\n".encode(
            "cp950"
        )
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text("encoding: cp950\n", encoding="utf-8")
    loaded = ColumnMapping.load(mapping)
    assert loaded.encoding == "cp950" and not loaded.explicit
    assert loaded.columns == ColumnMapping.identity().columns
    result = csv.read(path, ReadOptions(mapping=mapping))
    assert [(row["user_name"], row["event_reason"]) for row in rows(result)] == [("A1", "密碼錯誤")]
