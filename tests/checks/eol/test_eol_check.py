"""End-of-life software against the packaged snapshot, and loading a newer one."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from zhengan.checks.eol import SnapshotError, check_eol, install_snapshot, load_snapshot
from zhengan.checks.eol.snapshot import packaged_snapshot, read_snapshot
from zhengan.checks.result import Status

DATA = Path(__file__).resolve().parents[2] / "data" / "eol"
INVENTORY = DATA / "inventory" / "servers.csv"
AS_OF = date(2025, 6, 1)


def outcome(result):
    return {o.subject: o.status for o in result.observations if o.rule in {"eol.lifecycle", "eol.unmatched"}}


def test_past_nearing_and_supported(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHENGAN_DATA_DIR", str(tmp_path))
    result = check_eol(INVENTORY, as_of=AS_OF)
    got = outcome(result)
    assert got["dc01.broker.local Windows Server 2012 R2"] == Status.FAIL  # EOL 2023-10-10
    assert got["dc02.broker.local windows-server 2022"] == Status.PASS
    assert got["web01.broker.local Ubuntu 22.04.3 LTS"] == Status.PASS
    assert got["db01.broker.local Microsoft SQL Server 2016"] == Status.PASS  # 2026-07-14: beyond 12 months
    assert got["batch01.broker.local CentOS 7.9.2009"] == Status.FAIL
    assert got["fw01.broker.local FortiOS 7.2.8"] == Status.WARN  # 2025-09-30, within the horizon
    assert got["app01.broker.local Java 17.0.9"] == Status.PASS
    # identifiers: CPE with its version, purl with its version
    assert got["app01.broker.local cpe:2.3:a:apache:tomcat:9.0.80:*:*:*:*:*:*:* 9.0.80"] == Status.PASS
    assert got["api01.broker.local pkg:generic/node@18.19.0 18.19.0"] == Status.FAIL  # Node 18: 2025-04-30
    # unmatched product and unmatched version are listed as undecided, never ignored
    assert got["legacy01.broker.local AS/400 OS 7.3"] == Status.ERROR
    assert got["web02.broker.local nginx 0.8.55"] == Status.ERROR
    assert result.quarantined == 1 and result.errors[0].source.line == 13  # Python without a version
    assert result.control_ids() >= {"CC17010-1.10"}
    assert not result.passed


def test_horizon_is_configurable(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHENGAN_DATA_DIR", str(tmp_path))
    short = outcome(check_eol(INVENTORY, as_of=AS_OF, horizon_months=3))
    assert short["fw01.broker.local FortiOS 7.2.8"] == Status.PASS
    long = outcome(check_eol(INVENTORY, as_of=AS_OF, horizon_months=14))
    assert long["db01.broker.local Microsoft SQL Server 2016"] == Status.WARN


def test_latest_patch_is_reported_for_the_record(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHENGAN_DATA_DIR", str(tmp_path))
    result = check_eol(INVENTORY, as_of=AS_OF)
    patches = {o.subject: o.required for o in result.observations if o.rule == "eol.latest_patch"}
    assert patches["app01.broker.local cpe:2.3:a:apache:tomcat:9.0.80:*:*:*:*:*:*:* 9.0.80"] == "9.0.105"
    assert "dc02.broker.local windows-server 2022" not in patches


def test_packaged_snapshot_is_dated_and_noticed():
    snapshot = packaged_snapshot()
    assert snapshot.snapshot_date == date(2025, 6, 1)
    names = {p.name for p in snapshot.products}
    assert {"windows-server", "rhel", "mssqlserver", "tomcat", "fortios", "pan-os", "cisco-asa"} <= names
    notice = (
        Path(__file__).resolve().parents[3] / "src" / "zhengan" / "checks" / "eol" / "data" / "NOTICE.txt"
    )
    assert "MIT License" in notice.read_text(encoding="utf-8")


def test_newer_snapshot_is_loaded_and_used(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHENGAN_DATA_DIR", str(tmp_path / "data"))
    document = json.loads(json.dumps(packaged_snapshot().model_dump(mode="json", by_alias=True)))
    document["snapshot_date"] = "2025-09-01"
    for product in document["products"]:
        if product["name"] == "fortios":
            for cycle in product["cycles"]:
                if cycle["cycle"] == "7.2":
                    cycle["eol"] = "2027-03-31"  # a (hypothetical) extension
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(document), encoding="utf-8")
    _snapshot, target = install_snapshot(newer)
    assert target == tmp_path / "data" / "eol" / "snapshot.json"
    assert load_snapshot().snapshot_date == date(2025, 9, 1)
    assert outcome(check_eol(INVENTORY, as_of=AS_OF))["fw01.broker.local FortiOS 7.2.8"] == Status.PASS
    # An older snapshot is refused and changes nothing.
    document["snapshot_date"] = "2024-01-01"
    older = tmp_path / "older.json"
    older.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(SnapshotError, match="older"):
        install_snapshot(older)
    assert load_snapshot().snapshot_date == date(2025, 9, 1)


def test_bad_snapshot_names_file_and_field(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"snapshot_date": "2025-07-01", "products": [{"name": "x", "cycles": [{"cycle": "1"}]}]}')
    with pytest.raises(SnapshotError, match=r"bad.json.*products\.0\.cycles\.0\.eol"):
        read_snapshot(bad)
