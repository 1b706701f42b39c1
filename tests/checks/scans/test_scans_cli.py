"""`zhengan check scans` and `zhengan check scan-coverage` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from zhengan.cli import check_network

DATA = Path(__file__).resolve().parents[2] / "data" / "scans"


def app() -> typer.Typer:
    application = typer.Typer()
    check_network.register(application)
    return application


def test_scans_then_coverage(tmp_path):
    state = tmp_path / "state.json"
    runner = CliRunner()
    first = runner.invoke(
        app(),
        [
            "scans",
            str(DATA / "nessus" / "internal-2025H1.nessus"),
            "--state",
            str(state),
            "--as-of",
            "2025-03-20",
        ],
    )
    assert first.exit_code == 0, first.output  # open findings within their deadlines only warn
    assert "注意 / warning: 3" in first.output
    assert len(json.loads(state.read_text(encoding="utf-8"))["findings"]) == 3
    again = runner.invoke(
        app(),
        [
            "scans",
            str(DATA / "nessus" / "internal-2025H1.nessus"),
            "--state",
            str(state),
            "--as-of",
            "2025-05-01",
        ],
    )
    assert again.exit_code == 1  # MS17-010 now overdue
    assert "不符合 / fail: 1" in again.output
    assert len(json.loads(state.read_text(encoding="utf-8"))["findings"]) == 3
    coverage = runner.invoke(
        app(),
        [
            "scan-coverage",
            str(DATA / "register" / "systems.csv"),
            "--state",
            str(state),
            "--as-of",
            "2025-05-01",
        ],
    )
    assert coverage.exit_code == 1 and "hr01.broker" in coverage.output


def test_bad_scan_file_exits_2_and_leaves_state(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    state = tmp_path / "state.json"
    result = CliRunner().invoke(app(), ["scans", str(bad), "--state", str(state)])
    assert result.exit_code == 2 and "bad.json" in result.output
    assert not state.exists()


def test_tls_and_eol_commands(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHENGAN_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    testssl = Path(__file__).resolve().parents[2] / "data" / "tls" / "testssl" / "legacy-host.json"
    out = tmp_path / "tls.json"
    result = runner.invoke(app(), ["tls", "--testssl", str(testssl), "-o", str(out)])
    assert result.exit_code == 1 and json.loads(out.read_text(encoding="utf-8"))["check"] == "tls.testssl"
    inventory = Path(__file__).resolve().parents[2] / "data" / "eol" / "inventory" / "servers.csv"
    result = runner.invoke(app(), ["eol", str(inventory), "--as-of", "2025-06-01"])
    assert result.exit_code == 1 and "CC17010-1.10" in result.output


def test_every_network_check_writes_its_result_with_json(tmp_path, monkeypatch):
    # One convention across `zhengan check`: --json FILE writes the common result (as the identity
    # checks do); --output / -o stays as the same option for scripts written before.
    monkeypatch.setenv("ZHENGAN_DATA_DIR", str(tmp_path))
    root = Path(__file__).resolve().parents[2] / "data"
    state = tmp_path / "state.json"
    as_of = ["--as-of", "2025-05-01"]
    runs = {
        "tls": ["tls", "--testssl", str(root / "tls" / "testssl" / "legacy-host.json")],
        "eol": ["eol", str(root / "eol" / "inventory" / "servers.csv"), *as_of],
        "scans": ["scans", str(DATA / "nessus" / "internal-2025H1.nessus"), "--state", str(state), *as_of],
        "scan-coverage": [
            "scan-coverage",
            str(DATA / "register" / "systems.csv"),
            "--state",
            str(state),
            *as_of,
        ],
    }
    checks = {}
    for name, arguments in runs.items():
        out = tmp_path / f"{name}.json"
        result = CliRunner().invoke(app(), [*arguments, "--json", str(out)])
        assert result.exit_code in (0, 1), (name, result.output)
        checks[name] = json.loads(out.read_text(encoding="utf-8"))["check"]
    assert checks == {"tls": "tls.testssl", "eol": "eol", "scans": "scans", "scan-coverage": "scans.coverage"}
