"""The obligations calendar core (issue #5): derivation from the real catalogue and example profiles,
firm-chosen periods, event-driven obligations, completions and the views."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from pydantic import ValidationError

from zhengan.applicability import statement
from zhengan.catalog.schema import Period
from zhengan.obligations import (
    Completion,
    Obligation,
    ObligationError,
    Owner,
    Status,
    SystemRef,
    apply_policy,
    assign,
    by_owner,
    complete,
    derive_obligations,
    due_within,
    month_view,
    occurrences,
    overdue,
    owned_by,
    record_event,
    status,
)
from zhengan.schedule import PeriodPolicy

START = date(2026, 1, 1)
HASH_A = "a" * 64
HASH_B = "0123456789abcdef" * 4


@pytest.fixture(scope="module")
def first(catalog, profiles):
    return statement(catalog, profiles["first_category_securities"])


@pytest.fixture(scope="module")
def second(catalog, profiles):
    return statement(catalog, profiles["second_category_securities"])


@pytest.fixture(scope="module")
def futures(catalog, profiles):
    return statement(catalog, profiles["futures_no_internet"])


def by_key(obligations: list[Obligation]) -> dict[str, Obligation]:
    return {o.key: o for o in obligations}


# Derivation ------------------------------------------------------------------------------------


def test_half_yearly_account_review_is_fixed_by_the_text(first):
    review = by_key(derive_obligations(first, START))["SR-3.3"]
    assert review.period == Period.HALF_YEARLY
    assert (review.interval_months, review.interval_days, review.firm_choice) == (6, 0, False)
    assert review.period_text == "至少每半年一次"
    assert review.next_due == date(2026, 7, 1)
    assert review.citation and review.title.zh
    assert review.recurring and not review.done and review.completions == ()


def test_first_due_date_keeps_the_month_end(first):
    obligations = by_key(derive_obligations(first, date(2026, 8, 31)))
    assert obligations["SR-3.3"].next_due == date(2027, 2, 28)
    assert obligations["CC17010-8.3.9"].next_due == date(2026, 9, 30)  # monthly API trade report


def test_yearly_drills_and_the_dmz_firewall_review(first):
    obligations = by_key(derive_obligations(first, START))
    for control_id in ["AP-5", "AP-6", "CC17010-6.8"]:
        assert obligations[control_id].interval_months == 12
        assert obligations[control_id].next_due == date(2027, 1, 1)
        assert not obligations[control_id].firm_choice
    dmz = obligations["CC17010-2.6"]  # 每半年檢視 DMZ 區之防火牆規則
    assert (dmz.interval_months, dmz.firm_choice) == (6, False)
    assert dmz.scope is not None and dmz.scope.zh == "防火牆"


def test_regularly_without_a_period_is_the_firms_choice_with_a_default(first):
    obligations = by_key(derive_obligations(first, START))
    clock = obligations["SR-4.9"]  # 系統時鐘定期同步
    assert clock.period == Period.FIRM_DEFINED and clock.firm_choice
    assert clock.interval_months == PeriodPolicy().firm_defined_months == 12
    assert "定期" in clock.schedule_reason.zh and "firm" in clock.schedule_reason.en
    quarterly = by_key(derive_obligations(first, START, PeriodPolicy(firm_defined_months=3)))
    assert quarterly["SR-4.9"].next_due == date(2026, 4, 1)
    assert quarterly["SR-3.3"].next_due == date(2026, 7, 1)  # the text's period does not move


def test_by_security_tier_uses_the_profiles_tier_unless_told(first, second):
    policy = PeriodPolicy(by_security_tier_months={1: 6, 2: 12, 3: 12, 4: 24, 5: 36})
    health_check = by_key(derive_obligations(first, START, policy))["CC17010-10.2"]  # tier 1 firm
    assert health_check.firm_choice and health_check.interval_months == 6
    assert "第 1 級" in health_check.schedule_reason.zh
    tier_five = by_key(derive_obligations(second, START, policy))["AP-3.1.1"]  # profile says tier 5
    assert tier_five.interval_months == 36
    override = by_key(derive_obligations(second, START, policy, security_tier=2))["AP-3.1.1"]
    assert override.interval_months == 12
    with pytest.raises(ObligationError, match="資安分級 4"):
        derive_obligations(first, START, PeriodPolicy(by_security_tier_months={1: 12}), security_tier=4)


def test_only_applicable_controls_with_a_period_become_obligations(catalog, first, futures):
    keys = set(by_key(derive_obligations(futures, START)))
    assert keys and all(k.startswith("FC-") for k in keys)
    assert "FC-11.1" in keys  # 每年資訊安全稽核
    assert "FC-7.1.f" not in keys  # internet-ordering systems: this futures firm has none
    for obligation in derive_obligations(first, START):
        assert catalog.control(obligation.control_id).period is not None
    assert "SR-3.2" not in by_key(derive_obligations(first, START))  # event-only control


def test_scoped_controls_become_one_obligation_per_matching_system(first):
    systems = [
        SystemRef(name="集中交易主機", scopes=frozenset({"core", "trading_host"})),
        SystemRef(
            name="網路下單平台", scopes=frozenset({"core", "internet_facing", "internet_ordering_system"})
        ),
        SystemRef(name="官網", scopes=frozenset({"website", "internet_facing"})),
    ]
    obligations = by_key(derive_obligations(first, START, systems=systems))
    assert {k for k in obligations if k.startswith("SR-4.4")} == {
        "SR-4.4@集中交易主機",
        "SR-4.4@網路下單平台",
    }
    assert {k for k in obligations if k.startswith("SR-7.9")} == {
        "SR-7.9@網路下單平台"
    }  # core and internet-facing
    assert not any(k.startswith("CC17010-2.6") for k in obligations)  # no firewall in this register
    assert obligations["SR-3.3"].system is None  # unscoped: the firm's
    assert obligations["SR-4.4@集中交易主機"].system == "集中交易主機"
    with pytest.raises(ObligationError):
        derive_obligations(first, START, systems=[systems[0], systems[0]])


def test_owners_and_known_last_dates(first):
    auditor = Owner(kind="role", name="資安長")
    alice = Owner(kind="user", name="alice")
    obligations = by_key(
        derive_obligations(
            first,
            START,
            owners={"SR-3.3": auditor, "AP-6": alice},
            last_done={"SR-3.3": date(2025, 11, 30)},
        )
    )
    assert obligations["SR-3.3"].owner == auditor and obligations["AP-6"].owner == alice
    assert obligations["SR-7.8"].owner is None
    assert obligations["SR-3.3"].counted_from == date(2025, 11, 30)
    assert obligations["SR-3.3"].next_due == date(2026, 5, 30)
    with pytest.raises(ValidationError):
        Owner(kind="user", name=" ")


def test_a_policy_change_moves_only_the_firms_own_periods(first):
    obligations = derive_obligations(first, START)
    changed = by_key(apply_policy(obligations, PeriodPolicy(firm_defined_months=6), security_tier=1))
    assert changed["SR-8.4"].next_due == date(2026, 7, 1) and changed["SR-8.4"].interval_months == 6
    assert changed["AP-5"].next_due == date(2027, 1, 1)  # 每年: as written
    assert changed["SR-3.3"] == by_key(obligations)["SR-3.3"]


def test_obligations_round_trip_through_json(first):
    obligation = complete(
        by_key(derive_obligations(first, START))["SR-3.3"], date(2026, 6, 20), "ok", [HASH_A]
    )
    assert Obligation.model_validate_json(obligation.model_dump_json()) == obligation


# Events ----------------------------------------------------------------------------------------


def test_a_major_incident_brings_reassessment_within_three_months(first, futures):
    [reassess] = record_event(first, "major_incident", date(2026, 11, 30), "INC-2026-007")
    assert reassess.control_id == "AP-3.3"
    assert reassess.next_due == date(2027, 2, 28)  # three months, clamped to February's end
    assert reassess.key == "AP-3.3#major_incident:2026-11-30:INC-2026-007"
    assert "三個月內" in reassess.schedule_reason.zh and "P3M" in reassess.schedule_reason.en
    assert reassess.event is not None and reassess.event.reference == "INC-2026-007"
    assert not reassess.recurring
    assert record_event(futures, "major_incident", date(2026, 11, 30), "INC-1") == []  # AP binds securities


def test_a_leaver_is_due_on_the_day_for_futures_firms_only(first, futures):
    [leaver] = record_event(futures, "staff_leaving", date(2026, 3, 15), "王小明")
    assert (leaver.control_id, leaver.next_due) == ("FC-5.2", date(2026, 3, 15))
    assert "未定期限" in leaver.schedule_reason.zh
    assert record_event(first, "staff_leaving", date(2026, 3, 15), "王小明") == []


def test_before_release_is_limited_to_the_system_it_is_about(first):
    everything = {o.control_id for o in record_event(first, "before_release", date(2026, 5, 1), "app v3.2")}
    assert {"SR-7.7", "ET-6.3.3.1", "ET-6.3.3.2"} <= everything
    app = SystemRef(name="行動下單 App", scopes=frozenset({"mobile_app", "customer_app"}))
    scoped = record_event(first, "before_release", date(2026, 5, 1), "app v3.2", system=app)
    assert {o.control_id for o in scoped} >= {"ET-6.3.3.1", "ET-6.3.3.2"}
    assert "SR-7.7" not in {o.control_id for o in scoped}  # 核心系統: the app is not one
    assert all(
        o.system == "行動下單 App" and o.key.startswith(f"{o.control_id}@行動下單 App#") for o in scoped
    )


def test_unknown_triggers_and_bad_references_are_refused(first):
    with pytest.raises(ObligationError, match="未定義的事件") as caught:
        record_event(first, "asteroid", date(2026, 1, 1), "x")
    assert "unknown trigger" in str(caught.value)
    with pytest.raises(ValidationError):
        record_event(first, "major_incident", date(2026, 1, 1), "two\nlines")


# Completions -----------------------------------------------------------------------------------


def test_completion_is_appended_and_the_next_due_counts_from_the_day_done(first):
    review = by_key(derive_obligations(first, START))["SR-3.3"]
    late = complete(review, date(2026, 8, 31), "第一次半年審查", [HASH_A, HASH_B], by="alice")
    assert late.next_due == date(2027, 2, 28) and late.counted_from == date(2026, 8, 31)
    assert late.completions == (
        Completion(
            done_on=date(2026, 8, 31), note="第一次半年審查", evidence_sha256=(HASH_A, HASH_B), by="alice"
        ),
    )
    again = complete(late, date(2027, 2, 1), "第二次")
    assert [c.done_on for c in again.completions] == [date(2026, 8, 31), date(2027, 2, 1)]
    assert review.completions == ()  # the original is untouched
    with pytest.raises(ObligationError, match="早於前次完成日"):
        complete(again, date(2027, 1, 1))


def test_evidence_must_be_sha256_digests(first):
    review = by_key(derive_obligations(first, START))["SR-3.3"]
    for bad in [["A" * 64], ["abc"], [HASH_A, HASH_A]]:
        with pytest.raises(ValidationError):
            complete(review, date(2026, 6, 1), evidence_sha256=bad)


def test_an_event_obligation_is_done_once(first):
    [reassess] = record_event(first, "major_incident", date(2026, 3, 10), "INC-1")
    done = complete(reassess, date(2026, 5, 20), "重新評估完成", [HASH_A])
    assert done.done and done.next_due is None and status(done, date(2026, 6, 1)) == Status.DONE
    with pytest.raises(ObligationError, match="already done"):
        complete(done, date(2026, 5, 21))


# Views -----------------------------------------------------------------------------------------


def test_overdue_and_due_within_30_and_90_days(first):
    obligations = derive_obligations(first, START)
    today = date(2026, 6, 15)
    late = overdue(obligations, today)
    assert {o.control_id for o in late} >= {"SR-3.6", "CC17010-8.3.9"}  # daily, monthly
    assert all(o.next_due < today for o in late)
    assert "SR-3.3" not in {o.key for o in late}
    assert status(by_key(obligations)["SR-3.6"], today) == Status.OVERDUE
    soon = {o.key for o in due_within(obligations, today, 30)}
    assert soon == {"CC17010-2.6", "SR-3.3", "SR-7.8"}  # all half-yearly, due 2026-07-01
    assert {o.key for o in due_within(obligations, date(2026, 10, 15), 90)} >= {"AP-5", "AP-6", "SR-4.9"}
    assert due_within(obligations, date(2026, 10, 15), 30) == []
    with pytest.raises(ObligationError):
        due_within(obligations, today, -1)


def test_month_view_projects_recurrences_on_sunday_first_weeks(first):
    obligations = derive_obligations(first, date(2026, 1, 31))
    view = month_view(obligations, 2026, 4)
    assert view.weeks[0] == [
        None,
        None,
        None,
        date(2026, 4, 1),
        date(2026, 4, 2),
        date(2026, 4, 3),
        date(2026, 4, 4),
    ]
    assert len(view.entries) == 30
    monthly = [e for e in view.on(date(2026, 4, 30)) if e.obligation.control_id == "CC17010-8.3.9"]
    assert len(monthly) == 1 and monthly[0].projected  # 31 Jan + 3 months, not drifted to the 28th
    first_month = month_view(obligations, 2026, 2)
    [report] = [e for e in first_month.on(date(2026, 2, 28)) if e.obligation.control_id == "CC17010-8.3.9"]
    assert not report.projected
    assert sum(1 for day in view.entries.values() for e in day if e.obligation.control_id == "SR-3.6") == 30
    july = month_view(obligations, 2026, 7)
    assert {e.obligation.key for e in july.on(date(2026, 7, 31))} >= {"SR-3.3", "SR-7.8"}
    monday_first = month_view(obligations, 2026, 4, first_weekday=calendar.MONDAY)
    assert monday_first.weeks[0][:3] == [None, None, date(2026, 4, 1)]
    with pytest.raises(ObligationError):
        month_view(obligations, 2026, 13)


def test_occurrences_stop_at_the_limit_and_done_events_have_none(first):
    review = by_key(derive_obligations(first, START))["SR-3.3"]
    assert occurrences(review, date(2027, 12, 31)) == [date(2026, 7, 1), date(2027, 1, 1), date(2027, 7, 1)]
    assert occurrences(review, date(2026, 6, 30)) == []
    [event] = record_event(first, "major_incident", date(2026, 3, 10), "INC-1")
    assert occurrences(event, date(2030, 1, 1)) == [date(2026, 6, 10)]


def test_per_owner_grouping_and_a_users_own_list(first):
    ciso = Owner(kind="role", name="資安長")
    bob = Owner(kind="user", name="bob")
    obligations = derive_obligations(first, START, owners={"SR-3.3": ciso, "AP-5": bob, "AP-6": bob})
    groups = by_owner(obligations)
    assert list(groups)[-1] is None and list(groups)[:2] == [ciso, bob]
    assert [o.key for o in groups[bob]] == ["AP-5", "AP-6"]
    assert len(groups[None]) == len(obligations) - 3
    assert [o.key for o in owned_by(obligations, "bob")] == ["AP-5", "AP-6"]
    assert [o.key for o in owned_by(obligations, "carol", roles=["資安長"])] == ["SR-3.3"]
    reassigned = assign(by_key(obligations)["SR-3.3"], bob)
    assert next(o.key for o in owned_by([*obligations, reassigned], "bob")) == "SR-3.3"
