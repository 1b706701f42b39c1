"""Whom 003 建立期貨商資通安全檢查機制 binds: each applicability marker of the FC catalogue over the example profiles."""

from __future__ import annotations

import pytest

from tests.catalog.applicability_helpers import assert_applies, assert_refusal_names
from tests.catalog.applicability_helpers import profile as _profile
from zhengan.applicability import decide
from zhengan.catalog.loader import load_catalog


@pytest.mark.parametrize(
    ("profile", "control_id", "applies"),
    [
        # The whole document: 期貨商 (a securities-only firm is never bound, internet ordering or not).
        ("futures_no_internet", "FC-2.1", True),
        ("futures_no_internet", "FC-12.b", True),
        ("first_category_securities", "FC-2.1", False),
        ("second_category_securities", "FC-12.b", False),
        ("foreign_branch", "FC-7.1.b.c", False),
        # Item 1 is a section marked (適用網際網路下單期貨商): its controls follow it.
        ("futures_internet", "FC-1.1", True),
        ("futures_no_internet", "FC-1.3", False),
        # 4.(2) carries the marker itself; its sibling 4.(1) binds every futures firm.
        ("futures_internet", "FC-4.2", True),
        ("futures_no_internet", "FC-4.2", False),
        ("futures_no_internet", "FC-4.1", True),
        # 7.(1) is a section with the marker: down to the (a)(b) level, e.g. firewall logs kept two months.
        ("futures_internet", "FC-7.1.b.c", True),
        ("futures_no_internet", "FC-7.1.b.c", False),
        ("futures_no_internet", "FC-7.1.c", False),
        # 7.(2) has no marker.
        ("futures_no_internet", "FC-7.2.d.b", True),
        # 9.(10) carries the marker at its end.
        ("futures_internet", "FC-9.10", True),
        ("futures_no_internet", "FC-9.10", False),
        ("futures_no_internet", "FC-9.9.a", True),
        # 期貨經紀商: 7.(2)e., 7.(2)f., 10.(3).
        ("futures_internet", "FC-7.2.e", True),
        ("futures_no_internet", "FC-7.2.e", False),
        ("futures_internet", "FC-7.2.f", True),
        ("futures_no_internet", "FC-10.3", False),
        # 公開發行公司: 8.(5)d.
        ("futures_internet", "FC-8.5.d", True),
        ("futures_no_internet", "FC-8.5.d", False),
        ("futures_no_internet", "FC-8.5.e", True),
    ],
)
def test_fc_applicability(profile, control_id, applies):
    assert_applies(profile, control_id, applies)


@pytest.mark.parametrize(
    ("profile", "control_id", "condition"),
    [
        ("first_category_securities", "FC-2.1", "期貨商"),
        ("futures_no_internet", "FC-7.1.b.c", "網際網路下單期貨商"),
        ("futures_no_internet", "FC-9.10", "網際網路下單期貨商"),
        ("futures_no_internet", "FC-10.3", "期貨經紀商"),
        ("futures_no_internet", "FC-8.5.d", "公開發行公司"),
    ],
)
def test_the_reason_quotes_the_unmet_condition(profile, control_id, condition):
    assert_refusal_names(profile, control_id, condition)


def test_an_internet_ordering_section_condition_reaches_the_deepest_item():
    """7.(1)b.(c) has no condition of its own; the section 7.(1) and the document both apply to it."""
    catalog = load_catalog()
    whens = [c.when for c in catalog.conditions("FC-7.1.b.c")]
    assert whens == ["futures", "futures_internet_ordering"]
    decision = decide(catalog, "FC-7.1.b.c", _profile("futures_internet"))
    assert all(result.met for result in decision.conditions)


def test_a_broker_clause_reports_the_broker_condition_when_it_applies():
    decision = decide(load_catalog(), "FC-10.3", _profile("futures_internet"))
    assert decision.applies
    assert "期貨經紀商" in decision.reason.zh
    assert decision.system_scope == ("trading_host",)
