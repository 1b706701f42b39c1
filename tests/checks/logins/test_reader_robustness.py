"""Readers on damaged, unusual or boundary inputs: nothing is lost, everything is numbered right.

Review of issue #7, findings H2, H3, H4, M1, M2, M10, L3 and L5.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from zhengan.checks.logins.readers import sshd, syslog5424
from zhengan.checks.logins.readers.base import ReadOptions


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
