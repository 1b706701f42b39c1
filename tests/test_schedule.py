"""Period arithmetic, AP-3.1 classes and cycles, AP-3.2 sampling, AP-3.3 incident re-assessment."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengan.catalog.schema import Period
from zhengan.schedule import (
    AssessmentPolicy,
    Incident,
    PeriodPolicy,
    SamplingReading,
    SystemClass,
    SystemFacts,
    add_duration,
    add_months,
    classify,
    draw_sample,
    interval_for,
    next_assessment_due,
    next_occurrence,
    parse_duration,
    sampling_size,
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 11, 22), 36, date(2029, 11, 22)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 120))
def test_add_months_moves_whole_months_and_never_past_the_months_end(start, months):
    result = add_months(start, months)
    assert (result.year - start.year) * 12 + result.month - start.month == months
    assert result.day <= start.day


def test_durations_of_the_catalogue():
    assert parse_duration("P3Y") == (36, 0)
    assert parse_duration("P1Y6M") == (18, 0)
    assert parse_duration("P30D") == (0, 30)
    assert add_duration(date(2026, 1, 1), "P2M") == date(2026, 3, 1)
    for bad in ["3Y", "P", "PY", "P3W", "P3"]:
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_intervals_say_whether_the_text_or_the_firm_chose_them():
    policy = PeriodPolicy(firm_defined_months=6, by_security_tier_months={1: 6, 2: 12, 3: 12, 4: 24, 5: 24})
    half = interval_for(Period.HALF_YEARLY, policy, 1)
    assert (half.months, half.firm_choice) == (6, False)
    firm = interval_for(Period.FIRM_DEFINED, policy, 1)
    assert (firm.months, firm.firm_choice) == (6, True) and "定期" in firm.reason.zh
    tier = interval_for(Period.BY_SECURITY_TIER, policy, 4)
    assert (tier.months, tier.firm_choice) == (24, True)
    daily = interval_for(Period.DAILY, policy, 1)
    assert next_occurrence(date(2026, 12, 31), daily) == date(2027, 1, 1)
    assert next_occurrence(date(2026, 8, 31), half) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (
            SystemFacts(customer_internet_service=True, core=False, stores_customer_data=True),
            SystemClass.FIRST,
        ),
        (
            SystemFacts(customer_internet_service=False, core=True, stores_customer_data=False),
            SystemClass.FIRST,
        ),
        (
            SystemFacts(customer_internet_service=False, core=False, stores_customer_data=True),
            SystemClass.SECOND,
        ),
        (
            SystemFacts(customer_internet_service=False, core=False, stores_customer_data=False),
            SystemClass.THIRD,
        ),
    ],
)
def test_ap_3_1_classes_with_reasons(facts, expected):
    system_class, reason = classify(facts)
    assert system_class == expected
    assert "AP-3.1" in reason.zh and "AP-3.1" in reason.en


def test_assessment_cycles_by_class_and_tier():
    policy = AssessmentPolicy(months_by_tier={1: 12, 2: 12, 3: 24, 4: 48, 5: 72})
    registered = date(2026, 1, 10)
    assert next_assessment_due(SystemClass.FIRST, 1, policy, date(2026, 3, 31), registered).due == date(
        2027, 3, 31
    )
    # Class 2: by tier, but at least every three years.
    assert next_assessment_due(SystemClass.SECOND, 5, policy, date(2026, 3, 31), registered).due == date(
        2029, 3, 31
    )
    assert next_assessment_due(SystemClass.SECOND, 3, policy, date(2026, 3, 31), registered).due == date(
        2028, 3, 31
    )
    # Class 3: at least every five years.
    assert next_assessment_due(SystemClass.THIRD, 5, policy, date(2026, 3, 31), registered).due == date(
        2031, 3, 31
    )
    # Never assessed: counted from registration.
    assert next_assessment_due(SystemClass.FIRST, 1, policy, None, registered).due == date(2027, 1, 10)


def test_a_confirmed_incident_brings_the_assessment_within_three_months():
    policy = AssessmentPolicy()
    last = date(2026, 3, 31)
    before = next_assessment_due(SystemClass.THIRD, 5, policy, last, last)
    assert before.due == date(2029, 3, 31)
    leak = Incident("personal_data_leak", date(2026, 11, 30))
    after = next_assessment_due(SystemClass.THIRD, 5, policy, last, last, [leak])
    assert after.due == date(2027, 2, 28)
    assert "AP-3.3" in after.reason.zh and "個資外洩" in after.reason.zh
    # An incident already covered by a later completed assessment no longer moves the date.
    covered = next_assessment_due(SystemClass.THIRD, 5, policy, date(2027, 1, 15), last, [leak])
    assert covered.due == date(2030, 1, 15)


@pytest.mark.parametrize(
    ("devices", "either", "both"),
    [
        (0, 0, 0),
        (7, 1, 7),
        (100, 10, 100),
        (999, 100, 100),
        (1000, 100, 100),
        (1001, 100, 101),
        (5000, 100, 500),
    ],
)
def test_ap_3_2_sampling_under_both_readings(devices, either, both):
    assert sampling_size(devices).size == either
    assert sampling_size(devices, SamplingReading.BOTH).size == both
    assert str(devices) in sampling_size(devices).arithmetic.zh


def test_samples_are_reproducible_and_seeded():
    devices = [f"srv-{i:04d}" for i in range(500)]
    first = draw_sample(devices, 50, seed=20261122)
    assert first == draw_sample(list(reversed(devices)), 50, seed=20261122)
    assert first != draw_sample(devices, 50, seed=1)
    assert len(set(first)) == 50 and set(first) <= set(devices)
    with pytest.raises(ValueError):
        draw_sample(devices, 501, seed=1)
    with pytest.raises(ValueError):
        draw_sample(["a", "a"], 1, seed=1)
