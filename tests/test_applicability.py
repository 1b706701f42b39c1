"""The applicability engine across the five example profiles (document-wide rules; each document's
own markers are tested in tests/catalog/test_applicability_<prefix>.py)."""

from __future__ import annotations

import pytest

from zhengan.applicability import decide, statement


def _prefix(catalog, control_id):
    return catalog.document_of(control_id).prefix


@pytest.mark.parametrize("name", ["futures_internet", "futures_no_internet"])
def test_securities_rules_never_bind_a_futures_only_firm(catalog, profiles, name):
    for decision in statement(catalog, profiles[name]).decisions:
        if _prefix(catalog, decision.control_id) in {"SR", "ET", "CC17010", "AP"}:
            assert not decision.applies, decision.control_id


@pytest.mark.parametrize(
    "name", ["first_category_securities", "second_category_securities", "foreign_branch"]
)
def test_futures_rules_never_bind_a_securities_only_firm(catalog, profiles, name):
    for decision in statement(catalog, profiles[name]).decisions:
        if _prefix(catalog, decision.control_id) == "FC":
            assert not decision.applies, decision.control_id
            assert decision.reason.zh.startswith("不適用")


def test_a_firm_doing_both_gets_both(catalog, profiles):
    from zhengan.profile import FirmProfile

    data = profiles["first_category_securities"].model_dump() | {"kinds": ["securities", "futures"]}
    result = statement(catalog, FirmProfile.model_validate(data))
    prefixes = {_prefix(catalog, d.control_id) for d in result.applicable()}
    assert {"SR", "FC"} <= prefixes


def test_reasons_quote_the_condition_in_both_languages(catalog, profiles):
    applies = decide(catalog, "SR-3.6", profiles["first_category_securities"])
    assert applies.applies
    assert applies.reason.zh.startswith("適用：") and "提供網際網路下單服務之證券商" in applies.reason.zh
    assert applies.reason.en.startswith("Applies")
    refused = decide(catalog, "SR-3.6", profiles["second_category_securities"])
    assert not refused.applies
    assert refused.reason.zh.startswith("不適用") and "提供網際網路下單服務之證券商" in refused.reason.zh
    assert refused.reason.en.startswith("Does not apply")


def test_first_category_clauses(catalog, profiles):
    assert decide(catalog, "SR-3.4", profiles["first_category_securities"]).applies
    assert not decide(catalog, "SR-3.4", profiles["second_category_securities"]).applies
    assert not decide(catalog, "SR-3.4", profiles["foreign_branch"]).applies


def test_a_foreign_firms_better_standard_is_noted(catalog, profiles):
    decision = decide(catalog, "SR-6.5", profiles["foreign_branch"])
    assert decision.applies
    assert decision.better_standard == profiles["foreign_branch"].better_group_standard
    assert "較佳之規範" in decision.reason.zh and "better standard" in decision.reason.en
    domestic = decide(catalog, "SR-6.5", profiles["first_category_securities"])
    assert domestic.better_standard is None and "較佳" not in domestic.reason.zh
    # A clause without the sentence carries no such note, even for a foreign firm.
    assert decide(catalog, "SR-6.1", profiles["foreign_branch"]).better_standard is None


def test_system_level_clauses_say_which_systems(catalog, profiles):
    decision = decide(catalog, "SR-4.1", profiles["second_category_securities"])
    assert decision.applies
    assert "core" in decision.system_scope
    assert "核心系統" in decision.reason.zh and "core systems" in decision.reason.en


def test_the_statement_summarises_by_document_and_strength(catalog, profiles):
    result = statement(catalog, profiles["first_category_securities"])
    assert len(result.decisions) == len(catalog.controls)
    total = sum(row.applicable + row.not_applicable for row in result.summary())
    assert total == len(catalog.controls)
    assert {row.prefix for row in result.summary()} == {"SR", "ET", "CC17010", "FC", "AP"}
