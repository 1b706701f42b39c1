"""The detections on a synthetic day: every injected attack found, nothing alerted on the clean part."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from zhengan.checks.logins.analyse import analyse
from zhengan.checks.logins.config import ConfigError, LoginConfig
from zhengan.checks.logins.groundtruth import false_alerts, missed_attacks
from zhengan.checks.logins.readers.base import ReadOptions
from zhengan.checks.logins.rules import load_detections


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


def test_off_hours_weekend_and_service_exemption(tmp_path: Path):
    path = tmp_path / "staff.csv"
    path.write_text(
        "@timestamp,event.outcome,user.name,user.type,source.ip,host.name,service.name\n"
        "2026-11-20 10:00:00+08:00,success,staff0001,staff,10.20.0.1,core-db-01,staff\n"  # Friday, office hours
        "2026-11-21 10:00:00+08:00,success,staff0002,staff,10.20.0.2,core-db-01,staff\n"  # Saturday
        "2026-11-20 19:30:00+08:00,success,staff0003,staff,10.20.0.3,core-db-01,staff\n"  # Friday evening
        "2026-11-20 23:00:00+08:00,success,svc-batch,service,10.20.0.4,core-db-01,staff\n"  # nightly batch
        "2026-11-20 23:00:00+08:00,success,staff0004,staff,10.20.0.5,web-01,staff\n",  # not a core host
        encoding="utf-8",
    )
    config = LoginConfig(core_hosts=["core-db-01"])
    notable = {s["subject"]: s["notable"] for s in analyse([path], config).summaries}
    assert notable == {
        "staff0001 2026-11-20": False,
        "staff0002 2026-11-21": True,
        "staff0003 2026-11-20": True,
        "svc-batch 2026-11-20": False,
    }
    strict = config.model_copy(
        update={"office_hours": config.office_hours.model_copy(update={"exempt_user_types": []})}
    )
    assert {s["subject"]: s["notable"] for s in analyse([path], strict).summaries}[
        "svc-batch 2026-11-20"
    ] is True


def test_firm_account_rules_type_sshd_and_windows_accounts(tmp_path: Path, data_dir: Path):
    """sshd and Windows logs do not type accounts: the firm's `account_types` rules come first, then
    the reader's fallback (staff), so a service account's nightly batch over ssh is exempt from off-hours
    as it is from a CSV that says `service`; root and the built-in Administrator stay admin."""
    log = tmp_path / "auth.log"
    log.write_text(
        "Nov 20 23:00:01 core-db-01 sshd[4100]: Accepted publickey for svc-batch from 10.20.0.4 port 50122 ssh2\n"
        "Nov 20 23:05:09 core-db-01 sshd[4107]: Accepted password for ops01 from 10.20.0.5 port 50140 ssh2\n"
        "Nov 20 23:06:10 core-db-01 sshd[4111]: Accepted password for root from 10.20.0.6 port 50141 ssh2\n"
        "Nov 20 23:07:11 core-db-01 sshd[4112]: Accepted password for v-acme01 from 10.20.0.7 port 50142 ssh2\n",
        encoding="utf-8",
    )
    windows = data_dir / "windows-evtx" / "Security_short_selected.evtx"
    rules = [
        {"pattern": "^svc[-_]", "type": "service"},
        {"pattern": "^v-", "type": "vendor"},
        {"pattern": "^(root|Administrator)$", "type": "customer"},  # the log's own type wins over a rule
    ]
    config = LoginConfig(core_hosts=["core-db-01", "temporal"], account_types=rules)
    summaries = {s["subject"]: s for s in analyse([log, windows], config, ReadOptions(year=2026)).summaries}
    assert {subject: s["notable"] for subject, s in summaries.items()} == {
        "svc-batch 2026-11-20": False,  # service: exempt from office hours
        "ops01 2026-11-20": True,  # staff (the sshd fallback), after 19:00
        "root 2026-11-20": True,
        "v-acme01 2026-11-20": True,
        "Administrator 2016-06-29": True,  # a failure
    }
    types = {subject.split()[0]: _account_type(s) for subject, s in summaries.items()}
    assert types == {
        "svc-batch": "service",
        "ops01": "staff",
        "root": "admin",
        "v-acme01": "vendor",
        "Administrator": "admin",
    }
    # Without rules the firm's default (customer) does not reach sshd accounts: the fallback is staff.
    plain = analyse([log], LoginConfig(core_hosts=["core-db-01"]), ReadOptions(year=2026))
    assert {s["subject"].split()[0]: _account_type(s) for s in plain.summaries} == {
        "svc-batch": "staff",
        "ops01": "staff",
        "root": "admin",
        "v-acme01": "staff",
    }


def _account_type(summary: dict) -> str:
    return next(item.removeprefix("type ") for item in summary["detail"] if item.startswith("type "))


def test_bad_account_type_pattern_is_refused(tmp_path: Path):
    path = tmp_path / "firm.yaml"
    path.write_text('account_types:\n  - {pattern: "([", type: staff}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="regular expression"):
        LoginConfig.load(path)
