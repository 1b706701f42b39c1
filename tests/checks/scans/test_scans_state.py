"""Re-import adds nothing; a later scan closes what it no longer finds; deadlines follow the policy."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from zhengan.checks.result import Severity, Status
from zhengan.checks.scans import ScanState, import_scans, load_state, merge, read_scan, save_state
from zhengan.checks.scans.state import FindingStatus, StateError
from zhengan.checks.severity_policy import DEFAULT_POLICY, PolicyError, SeverityPolicy, deadline, load_policy

DATA = Path(__file__).resolve().parents[2] / "data" / "scans"
H1 = DATA / "nessus" / "internal-2025H1.nessus"
H2 = DATA / "nessus" / "internal-2025H2.nessus"
IMPORTED = datetime(2025, 9, 20, tzinfo=UTC)


def test_reimport_adds_nothing():
    report = read_scan(H1)
    once, first = merge(ScanState(), report, IMPORTED)
    twice, second = merge(once, report, IMPORTED)
    assert len(first.added) == 3 and second.duplicate
    assert twice == once and len(twice.scans) == 1


def test_later_scan_closes_what_it_no_longer_finds():
    state, _ = merge(ScanState(), read_scan(H1), IMPORTED)
    state, summary = merge(state, read_scan(H2), IMPORTED)
    assert len(summary.closed) == 1 and len(summary.seen_again) == 2 and not summary.added
    closed = state.findings[summary.closed[0]]
    assert closed.finding.rule_id == "97833" and closed.status == FindingStatus.CLOSED
    assert closed.closed_on == date(2025, 9, 12)


def test_old_scan_imported_late_neither_closes_nor_reopens():
    state, _ = merge(ScanState(), read_scan(H1), IMPORTED)
    state, _ = merge(state, read_scan(H2), IMPORTED)
    # A copy of the March file (different path, same content) is the same scan: nothing happens.
    state_again, summary = merge(state, read_scan(H1), IMPORTED)
    assert summary.duplicate and state_again == state


def test_closure_is_limited_to_assets_the_scan_covered():
    state, _ = merge(ScanState(), read_scan(H1), IMPORTED)
    openvas = read_scan(DATA / "openvas" / "dmz-2025-05.xml")
    state, summary = merge(state, openvas, IMPORTED)
    assert summary.closed == []  # an OpenVAS scan of the DMZ closes no Nessus finding on the LAN
    assert sum(t.status == FindingStatus.OPEN for t in state.findings.values()) == 5


def test_reopened_when_seen_again_after_closure(tmp_path):
    state, _ = merge(ScanState(), read_scan(H1), IMPORTED)
    state, _ = merge(state, read_scan(H2), IMPORTED)
    h3 = tmp_path / "internal-2026H1.nessus"
    h3.write_text(
        H1.read_text(encoding="utf-8").replace("1741748400", "1773200000").replace("1741747965", "1773199000")
    )
    state, summary = merge(state, read_scan(h3), IMPORTED)
    assert len(summary.reopened) == 1
    assert state.findings[summary.reopened[0]].reopened == 1


def test_deadline_is_a_pure_function_of_the_policy():
    assert deadline(Severity.CRITICAL, date(2025, 3, 12)) == date(2025, 3, 27)
    assert deadline(Severity.LOW, date(2025, 3, 12)) == date(2025, 9, 8)
    assert deadline(Severity.INFO, date(2025, 3, 12)) is None
    strict = load_policy(DATA / "policy" / "strict.yaml")
    assert deadline("critical", date(2025, 3, 12), strict) == date(2025, 3, 19)
    assert load_policy(None) == DEFAULT_POLICY
    partial = SeverityPolicy(deadlines_days={Severity.HIGH: 10})
    assert partial.deadlines_days[Severity.MEDIUM] == 90


def test_bad_policy_names_file_and_field(tmp_path):
    bad = tmp_path / "policy.yaml"
    bad.write_text("deadlines_days:\n  critical: -3\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"policy\.yaml"):
        load_policy(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("deadlines_days: [\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"broken.yaml:\d"):
        load_policy(broken)


def test_check_judges_deadlines_holding_and_failing():
    # As of 2025-03-20 nothing from the 12 March scan is overdue; by 2025-05-01 the critical one is.
    result, state, _ = import_scans([H1], ScanState(), as_of=date(2025, 3, 20), now=IMPORTED)
    remediation = [o for o in result.observations if o.rule.startswith("scans.remediation")]
    assert {o.status for o in remediation} == {Status.WARN}
    late, _, _ = import_scans([], state, as_of=date(2025, 5, 1), now=IMPORTED)
    statuses = {o.details["scanner"] + o.subject: o.status for o in late.observations}
    failing = [o for o in late.observations if o.status == Status.FAIL]
    assert [o.subject.split()[-1] for o in failing] == ["97833"]
    assert "SR-9.1" in failing[0].control_ids and "SR-7.8" in failing[0].control_ids
    assert len(statuses) == 3


def test_fixed_in_time_passes_and_is_reported_once():
    result, _state, _ = import_scans([H1, H2], ScanState(), as_of=date(2025, 9, 20), now=IMPORTED)
    closed = [o for o in result.observations if o.found == "closed"]
    assert len(closed) == 1 and closed[0].status == Status.WARN  # fixed, but after its 15-day deadline
    strict_enough = SeverityPolicy(deadlines_days={Severity.CRITICAL: 200})
    result, _, _ = import_scans(
        [H1, H2], ScanState(), policy=strict_enough, as_of=date(2025, 9, 20), now=IMPORTED
    )
    assert [o.status for o in result.observations if o.found == "closed"] == [Status.PASS]


def test_state_file_round_trip_and_atomic_refusal(tmp_path):
    path = tmp_path / "state" / "scans.json"
    _result, state, _ = import_scans([H1, DATA / "zap" / "www-2025-05.json"], ScanState(), now=IMPORTED)
    save_state(state, path)
    assert load_state(path) == state
    bad = tmp_path / "bad.nessus"
    shutil.copy(H1, bad)
    bad.write_text(bad.read_text(encoding="utf-8")[:300], encoding="utf-8")
    with pytest.raises(ValueError):
        import_scans([H2, bad], load_state(path), now=IMPORTED)  # nothing merged when one file is bad
    assert load_state(path) == state
    (tmp_path / "garbage.json").write_text('{"version": 1, "scans": 5}', encoding="utf-8")
    with pytest.raises(StateError, match=r"garbage\.json"):
        load_state(tmp_path / "garbage.json")
