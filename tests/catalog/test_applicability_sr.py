"""Whom 000 證券商資通安全自律規範 binds: each applicability marker of the SR catalogue over the example profiles."""

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
        ("second_category_securities", "SR-3.1", True),
        ("futures_no_internet", "SR-3.1", False),
        ("futures_internet", "SR-7.8", False),
        ("second_category_securities", "SR-10.6.2", True),
        # 第一類證券商: SR-3.4, SR-3.5, SR-5.4, SR-5.5, SR-8.7.
        ("first_category_securities", "SR-3.4", True),
        ("second_category_securities", "SR-3.4", False),
        ("first_category_securities", "SR-3.5", True),
        ("foreign_branch", "SR-3.5", False),
        ("first_category_securities", "SR-5.4", True),
        ("foreign_branch", "SR-5.5", False),
        ("first_category_securities", "SR-8.7", True),
        ("second_category_securities", "SR-8.7", False),
        # 提供網際網路下單服務之證券商: SR-3.6, SR-7.7, SR-7.8, SR-7.9.
        ("foreign_branch", "SR-3.6", True),
        ("second_category_securities", "SR-3.6", False),
        ("first_category_securities", "SR-7.7", True),
        ("second_category_securities", "SR-7.8", False),
        ("foreign_branch", "SR-7.9", True),
        ("futures_internet", "SR-7.9", False),
        # A clause without a marker of its own binds every securities firm, second category included.
        ("second_category_securities", "SR-6.5", True),
        ("second_category_securities", "SR-4.1", True),
    ],
)
def test_sr_applicability(profile, control_id, applies):
    assert_applies(profile, control_id, applies)


@pytest.mark.parametrize(
    ("profile", "control_id", "condition"),
    [
        ("second_category_securities", "SR-3.4", "第一類證券商"),
        ("second_category_securities", "SR-7.7", "提供網際網路下單服務之證券商"),
        ("futures_internet", "SR-3.6", "證券商"),
    ],
)
def test_a_refusal_names_the_condition_the_firm_does_not_meet(profile, control_id, condition):
    assert_refusal_names(profile, control_id, condition)


@pytest.mark.parametrize(
    "control_id", ["SR-3.9", "SR-3.10", "SR-3.11", "SR-3.12", "SR-3.13", "SR-6.5", "SR-6.7"]
)
def test_clauses_carrying_the_better_standard_sentence_offer_it_to_a_foreign_firm(control_id):
    profile = _profile("foreign_branch")
    decision = decide(load_catalog(), control_id, profile)
    assert decision.applies
    assert decision.better_standard == profile.better_group_standard
    assert "較佳之規範" in decision.reason.zh


@pytest.mark.parametrize(
    ("profile", "control_id"),
    [
        ("foreign_branch", "SR-3.1"),  # no better-standard sentence in the clause
        (
            "foreign_branch",
            "SR-8.2",
        ),  # 得排除國際傳輸之規定 is an exemption, not the better-standard sentence
        ("first_category_securities", "SR-3.9"),  # the sentence is there, but the firm is not foreign
    ],
)
def test_no_better_standard_where_the_clause_or_firm_does_not_allow_it(profile, control_id):
    decision = decide(load_catalog(), control_id, _profile(profile))
    assert decision.applies
    assert decision.better_standard is None
    assert "較佳之規範" not in decision.reason.zh


def test_sub_items_inherit_their_parents_scope_and_the_reason_names_the_system():
    catalog = load_catalog()
    assert catalog.parent_of("SR-10.1.1") == "SR-10.1"
    assert catalog.parent_of("SR-10.6.2") == "SR-10.6"
    decision = decide(catalog, "SR-7.9", _profile("first_category_securities"))
    assert decision.system_scope == ("core", "internet_facing")
    assert "核心系統" in decision.reason.zh
