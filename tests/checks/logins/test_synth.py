from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from zhengan.checks.logins.synth import generate


def test_same_seed_same_day(tmp_path: Path):
    generate(tmp_path / "a", 5000, seed=5)
    generate(tmp_path / "b", 5000, seed=5)
    generate(tmp_path / "c", 5000, seed=6)
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(tmp_path / "a" / "logins.csv") == digest(tmp_path / "b" / "logins.csv")
    assert digest(tmp_path / "a" / "logins.csv") != digest(tmp_path / "c" / "logins.csv")


def test_day_is_realistic(synthetic_day):
    folder, truth = synthetic_day
    connection = duckdb.connect()
    rows = connection.execute(
        f"""SELECT count(*), count(DISTINCT "user.name"), count(DISTINCT "service.name"),
                   count(*) FILTER (WHERE "event.outcome" = 'failure')
            FROM read_parquet('{folder / "logins.parquet"}')"""
    ).fetchone()
    events, users, channels, failures = rows
    assert events == truth["events"] and abs(events - 40_000) < 20
    assert users > 3000 and channels == 5  # web, app, api, voice, staff
    assert 0 < failures / events < 0.05
