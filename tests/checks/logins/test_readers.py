"""Each reader on real-format samples; expected counts were worked out by hand from the sample files."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from zhengan.checks.logins import readers
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
from zhengan.checks.logins.readers.base import ReadOptions
from zhengan.checks.logins.readers.mapping import MappingError
from zhengan.checks.logins.schema import EVENT_SCHEMA

from .evtx_writer import write_evtx


def rows(result):
    events = result.events()
    assert events.schema == EVENT_SCHEMA
    return events.to_pylist()


def test_sshd_auth_log_counts_attempts_once(data_dir: Path):
    result = sshd.read(data_dir / "sshd" / "auth.log", ReadOptions(year=2026))
    events = rows(result)
    # By hand: oracle 1 (Invalid user + PAM + Failed password = one attempt; "Failed none" is a probe),
    # ops01 1, root 3 (1 + "message repeated 2 times"), admin 1 (Invalid user only, no Failed line),
    # v-acme01 1, test 1 (keyboard-interactive), ops02 failure + success = 10.
    assert len(events) == 10
    assert sum(e["event_outcome"] == "failure" for e in events) == 7
    by_user = {}
    for e in events:
        by_user.setdefault(e["user_name"], []).append(e)
    assert [e["event_id"].rsplit(":", 1)[1] for e in by_user["root"]] == ["13", "14#1", "14#2"]
    assert {e["user_type"] for e in by_user["root"]} == {"admin"}
    assert by_user["oracle"][0]["event_reason"] == "invalid user"
    assert by_user["oracle"][0]["source_line"] == 5  # the sshd line, not the PAM line before it
    assert by_user["admin"][0]["source_line"] == 18 and by_user["admin"][0]["event_outcome"] == "failure"
    # Nov 20 03:14:09 in Asia/Taipei is 19:14:09 UTC the day before.
    assert by_user["oracle"][0]["timestamp"] == datetime(2026, 11, 19, 19, 14, 9, tzinfo=UTC)
    assert [(e.source.line, e.raw) for e in result.errors] == [(24, "Nov 20 16:0")]
    assert result.records == 30


@pytest.mark.parametrize(
    ("name", "options"),
    [("real-debian12-auth.log", ReadOptions(year=2026)), ("real-debian12-rfc3339.log", ReadOptions())],
)
def test_sshd_genuine_debian_log_is_read_as_counted_by_hand(data_dir: Path, name: str, options: ReadOptions):
    """A log written by Debian 12's own sshd (OpenSSH 9.2, PAM) and rsyslog, captured by
    tests/data/logins/sshd/capture-real-log.sh: the same 57 lines in Debian's two stamp styles."""
    result = sshd.read(data_dir / "sshd" / name, options)
    events = rows(result)
    # By hand, from the file: alice 1 success (line 6) + 3 failures (16, and "message repeated 2 times"
    # on 17; the "PAM 2 more authentication failures" line 21 repeats them and is not counted), oracle 1
    # (invalid user, line 24), root 3 (27, 28 x2), dba01 1 success by key (32), bob 1 failure (42) then
    # 1 success (44), admin 1 (invalid user who left before any password, line 53), carol 1 (locked, 56).
    assert len(events) == 13
    assert sum(e["event_outcome"] == "failure" for e in events) == 10
    assert [e["event_id"].rsplit(":", 1)[1] for e in events] == [
        "6", "16", "17#1", "17#2", "24", "27", "28#1", "28#2", "32", "42", "44", "53", "56",
    ]  # fmt: skip
    assert {e["user_name"] for e in events if e["event_reason"] == "invalid user"} == {"oracle", "admin"}
    assert [e["user_type"] for e in events if e["user_name"] == "root"] == ["admin"] * 3
    assert {e["source_ip"] for e in events if e["user_name"] == "bob"} == {"127.0.0.14"}
    # 22:29:06 in Asia/Taipei (the capture's zone) is 14:29:06 UTC
    assert events[0]["timestamp"].replace(microsecond=0) == datetime(2026, 12, 4, 14, 29, 6, tzinfo=UTC)
    assert result.errors == [] and result.records == 57
    # 11 lines carry the 13 attempts; 6 PAM / "Invalid user" lines (15, 22, 23, 26, 41, 55) joined the
    # attempt of their sshd process; the other 40 (sessions, disconnects, useradd, chpasswd ...) are context
    assert result.skipped == 57 - 11 - 6


def test_sshd_iso_stamps_keep_their_offset(data_dir: Path):
    events = rows(sshd.read(data_dir / "sshd" / "secure-iso.log", ReadOptions(timezone="UTC")))
    assert len(events) == 4
    assert events[1]["timestamp"] == datetime(2026, 11, 20, 14, 41, 9, 774011, tzinfo=UTC)


def test_sshd_year_is_inferred_and_said(data_dir: Path, tmp_path: Path):
    copy = tmp_path / "auth.log"
    copy.write_bytes((data_dir / "sshd" / "auth.log").read_bytes())
    stamp = datetime(2027, 1, 3, 12, 0, tzinfo=UTC).timestamp()  # read in January: November was last year
    os.utime(copy, (stamp, stamp))
    result = sshd.read(copy, ReadOptions())
    assert rows(result)[0]["timestamp"].year == 2026
    assert len(result.notes) == 1 and "2026" in result.notes[0].zh and "inferred" in result.notes[0].en


def test_windows_xml_and_json_exports_agree(data_dir: Path):
    from_xml = windows_xml.read(data_dir / "windows-xml" / "security-wevtutil.xml", ReadOptions())
    from_json = windows_json.read(data_dir / "windows-json" / "security-evtx_dump.jsonl", ReadOptions())
    xml_events, json_events = rows(from_xml), rows(from_json)
    # 10 records each: 4624 x4 (alice, machine account, SYSTEM, svc_backup), 4625 x3, 4740, 4634, one damaged.
    assert len(xml_events) == 6 and from_xml.skipped == 3 and len(from_xml.errors) == 1
    assert len(json_events) == 6 and from_json.skipped == 3 and len(from_json.errors) == 1

    def strip(events):
        return [{k: v for k, v in e.items() if k not in ("source_file", "event_id")} for e in events]

    assert strip(xml_events) == strip(json_events)
    reasons = [e["event_reason"].split(";")[0] for e in xml_events if e["event_outcome"] == "failure"]
    assert reasons == [
        "wrong password",
        "user name does not exist",
        "account locked out",
        "account locked out (caller computer WS-0231)",
    ]
    lockout = next(e for e in xml_events if e["event_action"] == "lockout")
    assert lockout["user_name"] == "alice" and lockout["source_line"] == 1552301
    assert next(e for e in xml_events if e["user_name"] == "svc_backup")["source_ip"] == "10.20.7.40"
    assert "TimeCreated" in from_xml.errors[0].message.en


def test_evtx_reader_quarantines_a_file_that_is_not_evtx(data_dir: Path):
    # The reader never stops the run on a bad file: it reports it instead.
    result = windows_evtx.read(data_dir / "windows-xml" / "security-wevtutil.xml", ReadOptions())
    assert result.events().num_rows == 0
    assert len(result.errors) == 1 and "EVTX" in result.errors[0].message.en


def _sample_events(data_dir: Path) -> list[ET.Element]:
    text = (data_dir / "windows-xml" / "security-wevtutil.xml").read_text(encoding="utf-8")
    root = ET.fromstring("<Events>" + text.split("?>", 1)[-1] + "</Events>")
    return [element for element in root if element.tag.endswith("Event")]


@pytest.mark.parametrize("templates", [True, False], ids=["as-windows-writes", "plain-elements"])
def test_evtx_binary_reads_as_the_xml_export(data_dir: Path, tmp_path: Path, templates: bool):
    # The XML sample's ten events written as a binary .evtx (tests/checks/logins/evtx_writer.py) and read
    # back through the `evtx` parser give the same events, skips and quarantine as the XML export.
    path = tmp_path / "Security.evtx"
    write_evtx(_sample_events(data_dir), path, templates=templates)
    assert path.read_bytes()[:8] == b"ElfFile\x00" and path.stat().st_size == 4096 + 65536
    from_evtx = windows_evtx.read(path, ReadOptions())
    from_xml = windows_xml.read(data_dir / "windows-xml" / "security-wevtutil.xml", ReadOptions())
    assert from_evtx.records == 10 and from_evtx.skipped == 3 and len(from_evtx.errors) == 1

    def strip(events):
        return [{k: v for k, v in e.items() if k not in ("source_file", "event_id")} for e in events]

    # Windows keeps SystemTime as a FILETIME (100 ns); the parser prints microseconds, as Python does.
    assert strip(rows(from_evtx)) == strip(rows(from_xml))
    assert rows(from_evtx)[0]["event_id"] == f"{path}:884190"
    assert "TimeCreated" in from_evtx.errors[0].message.en


def test_evtx_with_a_damaged_record_keeps_the_others(data_dir: Path, tmp_path: Path):
    path = tmp_path / "Security.evtx"
    write_evtx(_sample_events(data_dir), path)
    data = bytearray(path.read_bytes())
    second = data.index(b"\x2a\x2a\x00\x00", 4096 + 512 + 4)  # the second record's signature
    data[second + 30 : second + 60] = b"\xff" * 30  # its Binary XML is garbage now
    path.write_bytes(bytes(data))
    result = windows_evtx.read(path, ReadOptions())
    # Record 2 (the machine account's logon, skipped anyway) is lost and said; the other nine are read.
    assert result.records == 9 and result.skipped == 2 and result.events().num_rows == 6
    damaged = [error.message.en for error in result.errors if "damaged EVTX" in error.message.en]
    assert len(damaged) == 1 and "record number 2" in damaged[0]
    assert len(result.errors) == 2  # and the event without TimeCreated, as in the XML export


def test_syslog_5424(data_dir: Path):
    result = syslog5424.read(data_dir / "syslog5424" / "ordering-portal.log", ReadOptions())
    events = rows(result)
    assert [e["source_line"] for e in events] == [1, 2, 3, 4, 7, 10]
    assert events[2]["timestamp"] == datetime(2026, 11, 20, 1, 0, 5, 880000, tzinfo=UTC)
    assert events[3]["event_action"] == "certificate-renew"
    assert events[4]["user_name"] == "ops03" and events[4]["service_name"] == "ssh"
    assert [(e.source.line, e.source.field) for e in result.errors] == [
        (5, "TIMESTAMP"),
        (6, "outcome"),
        (9, None),
    ]
    assert result.skipped == 1  # the sshd session line


def test_csv_with_mapping_file(data_dir: Path):
    options = ReadOptions(mapping=data_dir / "csv" / "mapping-broker-export.yaml")
    result = csv.read(data_dir / "csv" / "broker-export.csv", options)
    events = rows(result)
    assert [e["source_line"] for e in events] == [2, 3, 4, 5, 6, 10]
    assert events[0]["timestamp"] == datetime(2026, 11, 20, 0, 31, 2, tzinfo=UTC)  # 08:31:02 Taipei
    assert {e["user_type"] for e in events} == {"customer"}
    assert events[-1]["service_name"] == "api" and events[1]["event_reason"] == "密碼錯誤"
    problems = [(e.source.line, e.source.field) for e in result.errors]
    assert problems == [(7, "登入時間"), (8, "登入結果"), (9, None)]
    assert result.records == 9


def test_csv_declared_zone(data_dir: Path):
    options = ReadOptions(mapping=data_dir / "csv" / "mapping-broker-export.yaml", timezone="UTC")
    events = rows(csv.read(data_dir / "csv" / "broker-export.csv", options))
    assert events[0]["timestamp"] == datetime(2026, 11, 20, 8, 31, 2, tzinfo=UTC)


def test_csv_without_required_column_is_refused(tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_text("@timestamp,user.name\n2026-11-20 08:00:00,a\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"event\.outcome"):
        csv.read(path, ReadOptions())


def test_jsonl(data_dir: Path):
    result = jsonl.read(data_dir / "jsonl" / "app-gateway.jsonl", ReadOptions())
    events = rows(result)
    assert [e["source_line"] for e in events] == [1, 2, 3, 7]
    assert events[1]["timestamp"] == datetime(2026, 11, 20, 0, 40, 17, tzinfo=UTC)
    assert events[2]["event_action"] == "profile-change"
    assert events[2]["timestamp"] == datetime(2026, 11, 20, 0, 45, tzinfo=UTC)  # no offset: Taipei
    assert [(e.source.line, e.source.field) for e in result.errors] == [
        (4, "user.type"),
        (5, None),
        (6, None),
    ]


def test_parquet(data_dir: Path):
    result = parquet.read(data_dir / "parquet" / "logins-export.parquet", ReadOptions())
    events = rows(result)
    assert [e["source_line"] for e in events] == [1, 2, 4]
    assert events[0]["timestamp"] == datetime(2026, 11, 20, 0, 31, 2, tzinfo=UTC)
    assert [(e.source.line, e.source.field) for e in result.errors] == [(3, "event.outcome")]


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("sshd/auth.log", "sshd"),
        ("sshd/secure-iso.log", "sshd"),
        ("sshd/real-debian12-auth.log", "sshd"),
        ("sshd/real-debian12-rfc3339.log", "sshd"),
        ("windows-xml/security-wevtutil.xml", "windows-xml"),
        ("windows-json/security-evtx_dump.jsonl", "windows-json"),
        ("syslog5424/ordering-portal.log", "syslog5424"),
        ("csv/broker-export.csv", "csv"),
        ("jsonl/app-gateway.jsonl", "jsonl"),
        ("parquet/logins-export.parquet", "parquet"),
    ],
)
def test_format_detection(data_dir: Path, relative: str, expected: str):
    assert readers.detect_format(data_dir / relative) == expected


GENUINE_EVTX = "windows-evtx/Security_short_selected.evtx"


def test_genuine_evtx_is_read_as_counted_by_hand(data_dir: Path):
    """A Security log written by Windows itself (tests/data/logins/windows-evtx/README.md): seven
    records, one of them a login event, Remote Desktop guessing the built-in Administrator's password."""
    path = data_dir / GENUINE_EVTX
    result = windows_evtx.read(path, ReadOptions())
    events = rows(result)
    # By hand: 5152, 4611, 4776 (the NTLM check of the attempt that follows), 4625, 5152, 5157, 4673.
    assert result.records == 7 and result.skipped == 6 and result.errors == []
    assert events == [
        {
            "timestamp": datetime(2016, 6, 29, 15, 24, 36, 686000, tzinfo=UTC),
            "event_outcome": "failure",
            "event_action": "logon",
            "user_name": "Administrator",
            "user_type": "admin",  # the built-in administrator, as sshd's root
            "source_ip": "23.94.153.202",
            "source_country": None,
            "host_name": "temporal",
            "service_name": "windows",
            "event_reason": "wrong password; logon type 10 (RemoteInteractive); domain TEMPORAL",
            "source_file": str(path),
            "source_line": 319457832,
            "event_id": f"{path}:319457832",
        }
    ]


def test_genuine_evtx_reads_alike_as_xml_and_json_exports(data_dir: Path, tmp_path: Path):
    # The same seven genuine records rendered by the `evtx` parser as XML (a wevtutil-style file of
    # <Event> elements) and as JSON lines (what `evtx_dump -o jsonl` writes) give the same events.
    from evtx import PyEvtxParser

    xml_path, json_path = tmp_path / "Security.xml", tmp_path / "Security.jsonl"
    xml_records = [r["data"].split("?>", 1)[-1].strip() for r in PyEvtxParser(str(data_dir / GENUINE_EVTX))]
    xml_path.write_text("\n".join(xml_records) + "\n", encoding="utf-8")
    json_records = [r["data"] for r in PyEvtxParser(str(data_dir / GENUINE_EVTX)).records_json()]
    json_path.write_text("\n".join(json.dumps(json.loads(r)) for r in json_records) + "\n", encoding="utf-8")

    def strip(result):
        return [{k: v for k, v in e.items() if k not in ("source_file", "event_id")} for e in rows(result)]

    from_evtx = windows_evtx.read(data_dir / GENUINE_EVTX, ReadOptions())
    for result in (windows_xml.read(xml_path, ReadOptions()), windows_json.read(json_path, ReadOptions())):
        assert (result.records, result.skipped, result.errors) == (7, 6, [])
        assert strip(result) == strip(from_evtx)
