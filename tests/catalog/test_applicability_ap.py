"""Whom 004 證券商辦理資通系統資通安全評估作業程序 binds: each applicability marker of the AP catalogue."""

from __future__ import annotations

import pytest

from tests.catalog.applicability_helpers import assert_applies, assert_refusal_names
from tests.catalog.applicability_helpers import profile as _profile
from zhengan.applicability import decide
from zhengan.catalog.loader import load_catalog


@pytest.mark.parametrize(
    ("profile", "control_id", "applies"),
    [
        # The whole document: 證券商 (a futures-only firm is never bound).
        ("second_category_securities", "AP-3.2", True),
        ("first_category_securities", "AP-3.3", True),
        ("futures_internet", "AP-3.2", False),
        ("futures_no_internet", "AP-6", False),
        ("second_category_securities", "AP-6", True),
        # System scopes (internet-facing, customer apps, customer data) do not narrow whom a clause binds.
        ("second_category_securities", "AP-4.4.1", True),
        ("second_category_securities", "AP-4.5", True),
        ("second_category_securities", "AP-3.1.2", True),
        # 5、 DDoS: 網路下單服務或設有官方網站之證券業者.
        ("first_category_securities", "AP-5", True),
        ("foreign_branch", "AP-5", True),
        ("second_category_securities", "AP-5", False),
        ("futures_internet", "AP-5", False),
        # 4、7、4 SWIFT系統.
        ("first_category_securities", "AP-4.7.4", True),
        ("foreign_branch", "AP-4.7.4", True),
        ("second_category_securities", "AP-4.7.4", False),
        ("futures_no_internet", "AP-4.7.4", False),
        # 2、1 and its better-standard sentence: the clause still binds a foreign branch.
        ("foreign_branch", "AP-2.1", True),
        ("futures_internet", "AP-2.2", False),
    ],
)
def test_ap_applicability(profile, control_id, applies):
    assert_applies(profile, control_id, applies)


@pytest.mark.parametrize(
    ("profile", "control_id", "condition"),
    [
        ("futures_internet", "AP-3.2", "證券商"),
        ("second_category_securities", "AP-5", "網路下單服務或設有官方網站之證券業者"),
        ("second_category_securities", "AP-4.7.4", "SWIFT系統"),
    ],
)
def test_the_reason_quotes_the_unmet_condition(profile, control_id, condition):
    assert_refusal_names(profile, control_id, condition)


def test_a_foreign_branch_may_follow_its_better_health_check_practice():
    """2、1: 外國證券商如有較佳之資安健診作業則從其規範."""
    foreign = _profile("foreign_branch")
    decision = decide(load_catalog(), "AP-2.1", foreign)
    assert decision.applies
    assert decision.better_standard == foreign.better_group_standard
    assert foreign.better_group_standard in decision.reason.zh


def test_the_better_standard_does_not_spread_to_other_clauses():
    decision = decide(load_catalog(), "AP-3.3", _profile("foreign_branch"))
    assert decision.applies
    assert decision.better_standard is None


def test_a_domestic_firm_gets_no_better_standard():
    decision = decide(load_catalog(), "AP-2.1", _profile("first_category_securities"))
    assert decision.applies
    assert decision.better_standard is None
    assert "外國證券商" not in decision.reason.zh


def test_section_4_items_are_children_of_the_binding_closing_sentence():
    catalog = load_catalog()
    assert catalog.parent_of("AP-4.6.1") == "AP-4.6"
    assert catalog.parent_of("AP-4.6") == "AP-4"
    assert catalog.parent_of("AP-4.7.1.6") == "AP-4.7.1"
    assert catalog.control("AP-4").text.startswith("第一類、第二類及第三類資通系統")
