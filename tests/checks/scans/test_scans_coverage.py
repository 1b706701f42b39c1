"""Was every applicable system scanned within six months (SR-7.8, FC-9.10)?"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from zhengan.checks.result import Status
from zhengan.checks.scans import ScanState, check_coverage, merge, read_scan
from zhengan.checks.scans.coverage import months_before

DATA = Path(__file__).resolve().parents[2] / "data" / "scans"
REGISTER = DATA / "register" / "systems.csv"


def state_with(*paths):
    state = ScanState()
    for path in paths:
        state, _ = merge(state, read_scan(path), datetime(2025, 9, 20, tzinfo=UTC))
    return state


def test_coverage_holding_and_failing():
    state = state_with(
        DATA / "nessus" / "internal-2025H1.nessus",
        DATA / "openvas" / "dmz-2025-05.xml",
        DATA / "trivy" / "order-api-2.3.1.json",
    )
    result = check_coverage(REGISTER, state, as_of=date(2025, 8, 1))
    by_host = {o.subject.split()[0]: o for o in result.observations}
    assert by_host["dc01.broker.local"].status == Status.PASS  # matched through the Nessus host-fqdn
    assert by_host["web01.broker.local"].status == Status.PASS
    assert by_host["172.16.10.5"].status == Status.PASS
    assert by_host["registry.broker.local/trade/order-api:2.3.1"].status == Status.PASS
    assert by_host["hr01.broker.local"].status == Status.FAIL  # never scanned
    assert by_host["printer-3f.broker.local"].status == Status.INFO  # out of scope, still listed
    assert result.quarantined == 2 and {e.source.line for e in result.errors} == {8, 9}
    assert {"SR-7.8", "FC-9.10"} <= result.control_ids()

    # Six months after the March scan, DC01 is overdue; the September scan brings it back.
    later = check_coverage(REGISTER, state, as_of=date(2025, 9, 13))
    assert {o.subject.split()[0]: o.status for o in later.observations}["dc01.broker.local"] == Status.FAIL
    refreshed = state_with(
        DATA / "nessus" / "internal-2025H1.nessus", DATA / "nessus" / "internal-2025H2.nessus"
    )
    again = check_coverage(REGISTER, refreshed, as_of=date(2025, 9, 13))
    assert {o.subject.split()[0]: o.status for o in again.observations}["dc01.broker.local"] == Status.PASS


def test_months_before_handles_month_ends():
    assert months_before(date(2025, 8, 31), 6) == date(2025, 2, 28)
    assert months_before(date(2025, 3, 15), 6) == date(2024, 9, 15)
