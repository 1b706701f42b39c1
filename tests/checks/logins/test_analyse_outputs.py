"""End to end on the real-format samples: outputs, quarantine, report, result type and the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from typer.testing import CliRunner

from zhengan.checks.logins import readers
from zhengan.checks.logins.analyse import analyse
from zhengan.checks.logins.config import LoginConfig
from zhengan.checks.logins.outputs import write_outputs
from zhengan.checks.logins.readers.base import ReadOptions
from zhengan.checks.logins.report import render_markdown
from zhengan.checks.result import CheckResult, Observation, Status
from zhengan.cli import app
from zhengan.timeutil import format_taipei


def sample_paths(data_dir: Path) -> list[Path]:
    return [
        data_dir / "sshd" / "auth.log",
        data_dir / "windows-json" / "security-evtx_dump.jsonl",
        data_dir / "syslog5424" / "ordering-portal.log",
    ]


def test_samples_end_to_end(data_dir: Path, tmp_path: Path):
    config = LoginConfig(
        blacklists=[
            data_dir / "blacklist" / "fisac-ip-blacklist.csv",
            data_dir / "blacklist" / "fisac-stix21-bundle.json",
        ],
        account_types=[{"pattern": "^svc_", "type": "service"}],
    )
    analysis = analyse(sample_paths(data_dir), config, ReadOptions(year=2026))
    by_detection = {}
    for alert in analysis.alerts:
        by_detection.setdefault(alert["detection"], set()).add(alert["subject"])
    assert by_detection["logins.failed_passwords"] == {"root", "alice"}  # 3 failures; lockout
    # oracle came from 185.220.101.33 (F-ISAC, in both lists), test from 45.134.26.17
    assert by_detection["logins.blacklisted_source"] == {"185.220.101.33", "45.134.26.17"}
    assert by_detection["logins.abroad_domestic_channel"] == {"N298765432"}  # voice from Vietnam
    # root at 09:40 on a weekday is office time; alice failed on a core system -> highlighted
    staff = {s["subject"]: s for s in analysis.summaries}
    assert staff["alice 2026-11-20"]["notable"] and not staff["ops01 2026-11-20"]["notable"]
    # days are the firm's local days: 03:14 Taipei on the 20th (19:14 UTC on the 19th) belongs to the 20th
    assert staff["oracle 2026-11-20"]["notable"] and "off-hours 1" in staff["oracle 2026-11-20"]["detail"]
    notified = {n["customer"]: n for n in analysis.notifications}
    assert set(notified) == {"F223456781", "A123456789", "N298765432"}
    assert notified["A123456789"]["detections"] == ["logins.certificate_profile_change"]
    assert "CC17010-11" in notified["F223456781"]["control_ids"]
    # 1 bad line (sshd) + 1 damaged event (JSON) + 3 bad syslog lines + 1 bad blacklist entry
    assert len(analysis.quarantine) == 6
    assert analysis.result.quarantined == 6

    paths = write_outputs(analysis, tmp_path / "out")
    quarantined = [json.loads(line) for line in paths["quarantine"].read_text(encoding="utf-8").splitlines()]
    assert {(Path(q["file"]).name, q["line"]) for q in quarantined} >= {
        ("auth.log", 24),
        ("ordering-portal.log", 9),
    }
    assert all(q["reason_zh"] and q["reason_en"] for q in quarantined)
    with paths["alerts_csv"].open(encoding="utf-8-sig") as handle:
        alert_rows = list(csv.DictReader(handle))
    assert len(alert_rows) == len(analysis.alerts)
    root = next(r for r in alert_rows if r["subject"] == "root")
    assert root["event_ids"].count("auth.log:") == 3 and "SR-6.6" in root["control_ids"]
    jsonl_rows = [json.loads(line) for line in paths["alerts_jsonl"].read_text(encoding="utf-8").splitlines()]
    assert {r["alert_id"] for r in jsonl_rows} == {r["alert_id"] for r in alert_rows}
    markdown = paths["report_md"].read_text(encoding="utf-8")
    assert "各偵測結果 Counts per detection" in markdown and "logins.failed_passwords" in markdown
    assert "203.0.113.45" in markdown  # top failing source: root's three failures
    assert "6 unreadable records quarantined." in markdown and "共分析" in markdown
    # the period the record covers, in Asia/Taipei: the first and last event of the three inputs
    first, last = (format_taipei(moment) for moment in analysis.period)
    assert f"事件期間（台北時間）：{first} 至 {last}" in markdown
    assert f"Events from {first} to {last} (Asia/Taipei)." in markdown
    assert analysis.parameters["period"]["first_event_taipei"] == first
    every = pa.concat_tables(
        [
            readers.read(path, ReadOptions(year=2026))[1].events().select(["timestamp"])
            for path in sample_paths(data_dir)
        ]
    ).column(0)
    assert analysis.period[0] == pc.min(every).as_py().replace(microsecond=0)
    assert analysis.period[1] == pc.max(every).as_py().replace(microsecond=0)
    html = paths["report_html"].read_text(encoding="utf-8")
    assert "<table>" in html and "每日登入紀錄異常監控報告" in html
    result = CheckResult.from_json(paths["result"].read_text(encoding="utf-8"))
    assert result.check == "logins" and result.quarantined == 6
    assert {
        "SR-6.6",
        "SR-3.6",
        "CC17010-3.2",
        "CC17010-12.1",
        "CC17010-12.2",
        "CC17010-12.3",
        "CC17010-11.1",
    } <= result.control_ids()
    assert any(o.status == Status.WARN and o.rule == "logins.failed_passwords" for o in result.observations)
    assert not list((tmp_path / "out").glob(".partial-*"))


def test_observations_equal_their_validated_form(data_dir: Path):
    """The observations are copied from a template without validation (a day holds thousands): each
    must be exactly what validating its own values gives (same values, types and fields set)."""
    config = LoginConfig(
        blacklists=[data_dir / "blacklist" / "fisac-ip-blacklist.csv"],
        account_types=[{"pattern": "^svc_", "type": "service"}],
    )
    analysis = analyse(sample_paths(data_dir), config, ReadOptions(year=2026))
    observations = analysis.result.observations
    kinds = {(o.rule, o.status) for o in observations}
    assert ("logins.failed_passwords", Status.WARN) in kinds  # alerts, summaries and notifications alike
    assert ("logins.non_customer_daily", Status.INFO) in kinds
    assert ("logins.certificate_profile_change", Status.INFO) in kinds
    for observation in observations:
        validated = Observation.model_validate(observation.model_dump(exclude_unset=True))
        assert observation == validated
        assert observation.model_fields_set == validated.model_fields_set
        assert observation.model_dump_json() == validated.model_dump_json()
        for name in Observation.model_fields:  # e.g. a status left as text would compare equal
            assert type(getattr(observation, name)) is type(getattr(validated, name)), name


def test_cli_synth_then_analyse(tmp_path: Path):
    runner = CliRunner()
    synth = runner.invoke(
        app, ["logins", "synth", "--events", "5000", "--seed", "3", "--out", str(tmp_path / "day")]
    )
    assert synth.exit_code == 0, synth.output
    truth = json.loads((tmp_path / "day" / "ground_truth.json").read_text(encoding="utf-8"))
    result = runner.invoke(
        app,
        [
            "logins",
            "analyse",
            str(tmp_path / "day" / "logins.csv"),
            "--config",
            str(tmp_path / "day" / "zhengan-logins.yaml"),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 1, result.output  # attacks found: something to act on
    assert "logins.failed_passwords" in result.output and f"events: {truth['events']}" in result.output
    alerts = (tmp_path / "out" / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(alerts) >= len(truth["attacks"]) - 3  # the three certificate/profile events are notifications


def test_cli_refuses_an_unknown_format(data_dir: Path, tmp_path: Path):
    result = CliRunner().invoke(
        app,
        [
            "logins",
            "analyse",
            str(data_dir / "sshd" / "auth.log"),
            "--format",
            "nope",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code != 0 and "format" in result.output


def test_cited_control_ids_exist_in_the_catalogue(data_dir: Path):
    from zhengan.catalog.loader import load_catalog
    from zhengan.checks.result import unknown_control_ids

    catalog = load_catalog()
    analysis = analyse(sample_paths(data_dir), LoginConfig(), ReadOptions(year=2026))
    known = set(catalog.controls)
    assert unknown_control_ids(analysis.result, known) == set()
    cited = {c for n in analysis.notifications for c in n["control_ids"]}
    assert cited and cited <= known


def test_alert_ids_are_the_common_fingerprint():
    from zhengan.checks.logins.analyse import _alert_id
    from zhengan.checks.result import fingerprint

    for parts in (("logins.failed_passwords", "root", 1763600000), ("logins.x", '帳號 "甲"\\n', 0)):
        assert _alert_id(*parts) == fingerprint(*parts)[:20]


def test_a_day_without_events(tmp_path: Path):
    """A header-only file, or one whose every record is quarantined, is a day with nothing to report."""
    empty = tmp_path / "empty.csv"
    empty.write_text("@timestamp,event.outcome,user.name,source.ip\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "@timestamp,event.outcome,user.name,source.ip\nnot a time,success,a,1.2.3.4\n", encoding="utf-8"
    )
    for path, quarantined in ((empty, 0), (bad, 1)):
        analysis = analyse([path], LoginConfig())
        assert analysis.events == 0 and analysis.alerts == [] and len(analysis.quarantine) == quarantined
        assert analysis.period is None and analysis.parameters["period"] is None
        assert "No events: the report covers no period." in render_markdown(analysis)
