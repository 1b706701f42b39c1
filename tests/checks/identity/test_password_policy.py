"""Password and lockout rules, each holding and failing, for securities, futures and both."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhengan.checks.identity import password_policy
from zhengan.checks.identity.thresholds import IdentityThresholds, load_thresholds
from zhengan.checks.result import CheckResult, Status


def statuses(result: CheckResult, subject_part: str) -> dict[str, Status]:
    return {o.rule: o.status for o in result.observations if subject_part in o.subject}


@pytest.fixture
def windows(data: Path) -> list[Path]:
    return [
        data / "secedit" / name
        for name in ("dc01-compliant.inf", "fs02-weak.inf", "trade01-manual-unlock.inf")
    ]


SECURITIES_RULES = [
    "password.sr.lockout_threshold", "password.sr.lockout_duration", "password.sr.max_age", "password.sr.min_age",
    "password.sr.history", "password.sr.min_length", "password.sr.complexity",
]  # fmt: skip


def test_securities_rules_hold_on_a_compliant_policy(
    windows: list[Path], thresholds: IdentityThresholds
) -> None:
    result = password_policy.run(windows, ["securities"], thresholds)
    compliant = statuses(result, "dc01-compliant")
    assert all(compliant[rule] is Status.PASS for rule in SECURITIES_RULES)
    assert compliant["password.sr.reversible"] is Status.PASS
    assert not any(rule.startswith("password.fc.") for rule in compliant)  # futures rules not applied


def test_securities_rules_fail_on_a_weak_policy(windows: list[Path], thresholds: IdentityThresholds) -> None:
    result = password_policy.run(windows, ["securities"], thresholds)
    weak = statuses(result, "fs02-weak")
    assert all(weak[rule] is Status.FAIL for rule in SECURITIES_RULES)
    assert weak["password.sr.reversible"] is Status.WARN
    assert not result.passed


def test_never_values_are_explained(windows: list[Path], thresholds: IdentityThresholds) -> None:
    result = password_policy.run(windows, ["securities"], thresholds)
    by_rule = {o.rule: o for o in result.observations if "fs02-weak" in o.subject}
    max_age = by_rule["password.sr.max_age"]
    assert max_age.found == "never" and max_age.required == 90
    assert "永不過期" in max_age.message.zh and "never expire" in max_age.message.en
    assert max_age.control_ids == ["SR-6.7", "AP-4.6.1"]
    assert max_age.source is not None and max_age.source.line == 5
    lockout = by_rule["password.sr.lockout_threshold"]
    assert "never lock" in lockout.message.en
    assert "never lock" in by_rule["password.sr.lockout_duration"].message.en


def test_manual_unlock_satisfies_the_duration(windows: list[Path], thresholds: IdentityThresholds) -> None:
    result = password_policy.run(windows, ["securities"], thresholds)
    observation = next(
        o for o in result.observations if o.rule == "password.sr.lockout_duration" and "trade01" in o.subject
    )
    assert observation.status is Status.PASS
    assert observation.found == "manual unlock"


def test_electronic_trading_systems_lock_after_three(
    windows: list[Path], thresholds: IdentityThresholds
) -> None:
    result = password_policy.run(windows, ["securities"], thresholds, electronic_trading=True)
    compliant = next(
        o for o in result.observations if o.rule == "password.sr.lockout_threshold" and "dc01" in o.subject
    )
    trade = next(
        o for o in result.observations if o.rule == "password.sr.lockout_threshold" and "trade01" in o.subject
    )
    assert compliant.status is Status.FAIL and compliant.required == 3  # 5 attempts are too many here
    assert trade.status is Status.PASS
    assert "SR-6.6" in trade.control_ids


def test_futures_rules(windows: list[Path], thresholds: IdentityThresholds) -> None:
    result = password_policy.run(windows, ["futures"], thresholds)
    compliant, weak, trade = (statuses(result, name) for name in ("dc01", "fs02", "trade01"))
    assert compliant["password.fc.lockout_threshold"] is Status.FAIL  # 5 > 3 (FC-8.3.e)
    assert trade["password.fc.lockout_threshold"] is Status.PASS
    assert (
        compliant["password.fc.min_length"] is Status.PASS and weak["password.fc.min_length"] is Status.FAIL
    )
    assert (
        compliant["password.fc.complexity"] is Status.PASS and weak["password.fc.complexity"] is Status.FAIL
    )
    # changing within three months is 宜 (should): a warning, not a failure
    assert compliant["password.fc.max_age"] is Status.PASS and weak["password.fc.max_age"] is Status.WARN
    assert "password.fc.history" not in weak and not any(r.startswith("password.sr.") for r in weak)


def test_a_firm_of_both_kinds_gets_both_rule_sets(
    windows: list[Path], thresholds: IdentityThresholds
) -> None:
    result = password_policy.run(windows[:1], ["securities", "futures"], thresholds)
    rules = {o.rule for o in result.observations}
    assert {"password.sr.lockout_threshold", "password.fc.lockout_threshold"} <= rules


def test_gpo_keys_not_defined_cannot_be_decided(data: Path, thresholds: IdentityThresholds) -> None:
    result = password_policy.run([data / "gpo"], ["securities"], thresholds)
    by_rule = statuses(result, "GPO")
    assert by_rule["password.sr.lockout_threshold"] is Status.ERROR
    assert by_rule["password.sr.min_length"] is Status.FAIL  # 7 < 8
    assert by_rule["password.sr.history"] is Status.PASS


def test_fine_grained_policies_are_each_checked_and_compared(
    data: Path, thresholds: IdentityThresholds
) -> None:
    paths = [data / "ad_json/domain-policy.json", data / "ad_json/fine-grained-policies.json"]
    result = password_policy.run(paths, ["securities"], thresholds)
    assert all(
        s is Status.PASS for r, s in statuses(result, "default domain").items() if r in SECURITIES_RULES
    )
    assert all(s is Status.PASS for r, s in statuses(result, "PSO-Admins").items() if r in SECURITIES_RULES)
    service = statuses(result, "PSO-Service")
    assert service["password.sr.max_age"] is Status.FAIL
    assert service["password.fine_grained.weaker"] is Status.WARN
    assert "password.fine_grained.weaker" not in statuses(result, "PSO-Admins")  # stronger than the domain's
    weaker = next(o for o in result.observations if o.rule == "password.fine_grained.weaker")
    assert set(weaker.found) >= {"min_length", "max_age_days", "lockout_threshold", "history"}
    assert "GG-Service-Accounts" in weaker.message.en


def test_linux_hosts(data: Path, thresholds: IdentityThresholds) -> None:
    paths = [data / "linux/rhel9-trade01", data / "linux/ubuntu-jump02"]
    result = password_policy.run(paths, ["securities"], thresholds)
    rhel, ubuntu = statuses(result, "rhel9-trade01"), statuses(result, "ubuntu-jump02")
    assert all(rhel[rule] is Status.PASS for rule in SECURITIES_RULES)
    assert all(ubuntu[rule] is Status.FAIL for rule in SECURITIES_RULES)
    assert len(result.inputs) == 5 + 3  # rhel: 3 files + 2 pam.d; ubuntu: login.defs + 2 pam.d


def test_loose_linux_files_form_one_host(data: Path, thresholds: IdentityThresholds) -> None:
    paths = [data / "linux/loose-legacy01/pwquality.conf", data / "linux/loose-legacy01/faillock.conf"]
    result = password_policy.run(paths, ["securities"], thresholds, linux_host_name="legacy01")
    by_rule = statuses(result, "legacy01")
    assert by_rule["password.sr.lockout_duration"] is Status.PASS  # unlock_time = 0: manual
    assert by_rule["password.sr.max_age"] is Status.ERROR  # no login.defs given
    assert by_rule["password.input_note"] is Status.INFO


def test_thresholds_file_overrides_defaults(tmp_path: Path, windows: list[Path]) -> None:
    override = tmp_path / "thresholds.yaml"
    override.write_text("securities:\n  min_length: 12\n", encoding="utf-8")
    limits = load_thresholds(override)
    assert limits.securities.min_length == 12 and limits.securities.history_min == 3
    result = password_policy.run(windows[:1], ["securities"], limits)
    assert statuses(result, "dc01")["password.sr.min_length"] is Status.FAIL  # 10 < 12


def test_thresholds_file_typo_is_refused(tmp_path: Path) -> None:
    from zhengan.checks.identity.input_errors import ReadError

    override = tmp_path / "thresholds.yaml"
    override.write_text("securities:\n  min_lenght: 12\n", encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        load_thresholds(override)
    assert caught.value.source.field == "securities.min_lenght"


def test_unreadable_input_is_reported_not_dropped(
    tmp_path: Path, windows: list[Path], thresholds: IdentityThresholds
) -> None:
    stray = tmp_path / "notes.txt"
    stray.write_text("hello\n", encoding="utf-8")
    result = password_policy.run([windows[0], stray], ["securities"], thresholds)
    assert len(result.errors) == 1 and result.errors[0].source.file == str(stray)
    assert "無法辨識" in result.errors[0].message.zh
    assert not result.passed
    assert statuses(result, "dc01")  # the good file was still checked


def test_foreign_firm_standard_is_noted(windows: list[Path], thresholds: IdentityThresholds) -> None:
    result = password_policy.run(
        windows[:1], ["securities"], thresholds, foreign_standard="Group Standard v7"
    )
    note = next(o for o in result.observations if o.rule == "password.sr.foreign_standard")
    assert "Group Standard v7" in note.message.en


def test_result_round_trips_as_json(windows: list[Path]) -> None:
    result = password_policy.run(windows, ["securities"], load_thresholds())
    again = CheckResult.from_json(result.to_json())
    assert again.observations == result.observations
    assert all(len(i.sha256) == 64 for i in again.inputs)
