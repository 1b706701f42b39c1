"""The detections on a synthetic day: every injected attack found, nothing alerted on the clean part."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from zhengan.checks.logins.analyse import analyse
from zhengan.checks.logins.config import ConfigError, LoginConfig
from zhengan.checks.logins.rules import load_detections

from .groundtruth import false_alerts, missed_attacks


@pytest.fixture(scope="module")
def config(synthetic_day) -> LoginConfig:
    folder, _ = synthetic_day
    return LoginConfig.load(folder / "zhengan-logins.yaml")


@pytest.mark.parametrize("format", ["csv", "parquet"])
def test_every_attack_found_and_no_false_alert(synthetic_day, config, format):
    folder, truth = synthetic_day
    path = folder / f"logins.{format}"
    analysis = analyse([path], config)
    assert analysis.events == truth["events"]
    assert missed_attacks(analysis, truth, str(path), format) == []
    assert false_alerts(analysis, truth, str(path), format) == []
    assert not analysis.quarantine
    # every detection type has at least one injected attack
    assert {a["detection"] for a in truth["attacks"]} == {d.id for d in load_detections()} - {
        "logins.customer_password_failure"
    }


def test_clean_day_alone_raises_nothing(tmp_path: Path, synthetic_day, config):
    """The same day with the injected records removed: no alert at all."""
    folder, truth = synthetic_day
    injected = {row + 2 for attack in truth["attacks"] for row in attack["rows"]}
    lines = (folder / "logins.csv").read_text(encoding="utf-8").splitlines()
    clean = [line for number, line in enumerate(lines, start=1) if number not in injected]
    path = tmp_path / "clean.csv"
    path.write_text("\n".join(clean) + "\n", encoding="utf-8")
    analysis = analyse([path], config)
    assert analysis.events == truth["events"] - len(injected)
    assert analysis.alerts == []
    # the clean part still yields the daily record of staff use and the customers' single typos
    assert analysis.summaries and analysis.notifications


def test_thresholds_come_from_the_firm_file(tmp_path: Path, synthetic_day):
    folder, _truth = synthetic_day
    data = yaml.safe_load((folder / "zhengan-logins.yaml").read_text(encoding="utf-8"))
    data["blacklists"] = [str(folder / name) for name in data["blacklists"]]
    data["detections"] = {
        "logins.failed_passwords": {"threshold": 5},  # the injected accounts have four failures
        "logins.mass_failures": {"enabled": False},
    }
    path = tmp_path / "firm.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    analysis = analyse([folder / "logins.csv"], LoginConfig.load(path))
    subjects = {a["subject"] for a in analysis.alerts if a["detection"] == "logins.failed_passwords"}
    assert "X90000001" not in subjects
    assert {"X90000004", "K30000001"} <= subjects  # lockout, and five failures
    assert "logins.mass_failures" not in analysis.counts
    assert analysis.parameters["thresholds"]["logins.failed_passwords"]["threshold"] == 5


def test_unknown_threshold_is_refused(tmp_path: Path, synthetic_day):
    folder, _ = synthetic_day
    path = tmp_path / "firm.yaml"
    path.write_text("detections:\n  logins.ip_many_accounts: {treshold: 3}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="treshold"):
        analyse([folder / "logins.csv"], LoginConfig.load(path))


def test_detection_files_are_complete():
    detections = load_detections()
    assert len(detections) == 10
    for detection in detections:
        assert detection.title.zh and detection.title.en and detection.control_ids and detection.references
        assert "{event_aggregates}" in detection.sql


def test_trusted_network_is_not_one_ip_many_accounts(tmp_path: Path, synthetic_day, config):
    folder, truth = synthetic_day
    attack = next(a for a in truth["attacks"] if a["detection"] == "logins.ip_many_accounts")
    trusted = config.model_copy(update={"trusted_networks": [f"{attack['subject']}/32"]})
    analysis = analyse([folder / "logins.csv"], trusted)
    assert not [a for a in analysis.alerts if a["detection"] == "logins.ip_many_accounts"]
