"""Reader defects found in the issue #7 review (/tmp/review7/findings.md: H2, H3, L3, M1), each on a
sample file: what the reader must make of it."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from zhengan.checks.logins.analyse import analyse
from zhengan.checks.logins.config import LoginConfig
from zhengan.checks.logins.readers import jsonl, sshd, windows_evtx
from zhengan.checks.logins.readers.base import ReadOptions


def _copy(source: Path, target: Path, modified: datetime) -> Path:
    target.write_bytes(source.read_bytes())
    os.utime(target, (modified.timestamp(), modified.timestamp()))
    return target


def test_a_year_less_log_across_new_year_turns_the_year(data_dir: Path, tmp_path: Path):
    # Dec 31 23:59:50 then Jan 1: one year for the whole file put January twelve months back (H2).
    path = _copy(
        data_dir / "sshd" / "new-year.log", tmp_path / "auth.log", datetime(2027, 1, 1, 9, tzinfo=UTC)
    )
    for options in (ReadOptions(), ReadOptions(year=2026)):  # inferred, or declared for the first line
        result = sshd.read(path, options)
        stamps = [e["timestamp"] for e in result.events().to_pylist()]
        assert stamps[:3] == [
            datetime(2026, 12, 31, 15, 59, 50, tzinfo=UTC),
            datetime(2026, 12, 31, 16, 0, 5, tzinfo=UTC),
            datetime(2026, 12, 31, 16, 0, 10, tzinfo=UTC),
        ]
        assert any("the year turns at line 2" in note.en for note in result.notes)
    analysis = analyse([path], LoginConfig())
    assert [a["subject"] for a in analysis.alerts if a["detection"] == "logins.failed_passwords"] == ["alice"]


def test_an_attempt_naming_no_account_is_kept_without_one(data_dir: Path, tmp_path: Path):
    # OpenSSH logs "invalid user  from" for an empty name: a real attempt, not an account named "" (L3).
    path = _copy(
        data_dir / "sshd" / "new-year.log", tmp_path / "auth.log", datetime(2027, 1, 1, 9, tzinfo=UTC)
    )
    events = sshd.read(path, ReadOptions()).events().to_pylist()
    assert len(events) == 4 and events[3]["user_name"] is None and events[3]["source_ip"] == "203.0.113.45"
    summaries = analyse([path], LoginConfig()).summaries
    # one row per local day for alice, none for an empty account
    assert sorted(s["subject"] for s in summaries) == ["alice 2026-12-31", "alice 2027-01-01"]


def test_a_truncated_evtx_is_quarantined_not_read_as_a_quiet_day(data_dir: Path, tmp_path: Path):
    whole = (data_dir / "windows-evtx" / "Security_short_selected.evtx").read_bytes()
    for size in (69_000, 40_000, 5_000):  # cut inside the one chunk, and inside the first record
        path = tmp_path / f"cut-{size}.evtx"
        path.write_bytes(whole[:size])
        result = windows_evtx.read(path, ReadOptions())
        assert [e.message.en for e in result.errors] == [
            f"EVTX file truncated: the header declares 1 chunks (69632 bytes) but the file holds {size} bytes, "
            "0 whole chunks"
        ]
        assert result.errors[0].source.file == str(path)
    assert (
        windows_evtx.read(data_dir / "windows-evtx" / "Security_short_selected.evtx", ReadOptions()).errors
        == []
    )


def test_a_line_that_is_not_utf8_is_quarantined_and_the_others_read(data_dir: Path):
    path = data_dir / "jsonl" / "not-utf8-line.jsonl"
    result = jsonl.read(path, ReadOptions())
    assert result.records == 3 and result.table.num_rows == 2
    assert [(e.source.line, e.message.en) for e in result.errors] == [(2, "line 2: not UTF-8 text (byte 81)")]
    assert result.event_ids().names_of([0, 1]) == [f"{path}:1", f"{path}:3"]
