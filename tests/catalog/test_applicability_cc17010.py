"""Whom 002 CC-17010 網路安全管理 binds: each applicability marker of the CC17010 catalogue over the example profiles.

The opening line 「適用網際網路下單證券商，另(一)、(二)、(六)、(十三)項並適用於所有證券商」 splits the document:
(一)(二)(六)(十三) bind every securities firm, the other sections only internet-ordering securities firms;
(一)7 carries its own internet-ordering marker, (八) also needs API service and (十三) a wireless network.
"""

from __future__ import annotations

import pytest

from tests.catalog.applicability_helpers import assert_applies, assert_refusal_names
from tests.catalog.applicability_helpers import profile as _profile
from zhengan.applicability import decide
from zhengan.catalog.loader import load_catalog


@pytest.mark.parametrize(
    ("profile", "control_id", "applies"),
    [
        # The whole document: 證券商 (a futures-only firm is never bound, internet ordering or not).
        ("futures_internet", "CC17010-3.3", False),
        ("futures_no_internet", "CC17010-6.8", False),
        ("futures_internet", "CC17010-2.3", False),
        # (一)(二)(六) bind every securities firm, including one without internet ordering.
        ("second_category_securities", "CC17010-1.1", True),
        ("second_category_securities", "CC17010-1.11", True),
        ("second_category_securities", "CC17010-2.3", True),
        ("second_category_securities", "CC17010-6.8", True),
        # (一)7 「(網際網路下單證券商適用)」 narrows one item of a section that binds everyone.
        ("second_category_securities", "CC17010-1.7", False),
        ("first_category_securities", "CC17010-1.7", True),
        ("foreign_branch", "CC17010-1.7", True),
        # Sections 「適用網際網路下單證券商」: (三)(五)(七)(十) and the lead-in controls (四)(九)(十一)(十二).
        ("second_category_securities", "CC17010-3.2", False),
        ("foreign_branch", "CC17010-3.2", True),
        ("second_category_securities", "CC17010-4", False),
        ("second_category_securities", "CC17010-4.2", False),  # inherits from the (四) lead-in
        ("first_category_securities", "CC17010-4.2", True),
        ("second_category_securities", "CC17010-5.1", False),
        ("foreign_branch", "CC17010-7.1", True),
        ("second_category_securities", "CC17010-9.2", False),
        ("foreign_branch", "CC17010-10.7", True),
        ("second_category_securities", "CC17010-10.1", False),
        ("first_category_securities", "CC17010-11", True),
        ("second_category_securities", "CC17010-11.5", False),
        ("foreign_branch", "CC17010-12.3", True),
        ("second_category_securities", "CC17010-12.1", False),
        # (八) 「公司提供客戶使用應用程式介面(API)服務」: internet ordering and API service.
        ("first_category_securities", "CC17010-8", True),
        ("first_category_securities", "CC17010-8.3.9", True),
        ("first_category_securities", "CC17010-8.1.3.A", True),
        ("foreign_branch", "CC17010-8", False),  # internet ordering without API service
        ("foreign_branch", "CC17010-8.3.9", False),
        ("foreign_branch", "CC17010-8.1.4.C", False),
        ("second_category_securities", "CC17010-8.2", False),
        # (十三) 「公司設置無線網路」: every securities firm that runs a wireless network.
        ("first_category_securities", "CC17010-13.1", True),
        ("foreign_branch", "CC17010-13.2", True),
        ("second_category_securities", "CC17010-13.1", False),
        ("futures_internet", "CC17010-13.1", False),  # wireless, but not a securities firm
    ],
)
def test_cc17010_applicability(profile, control_id, applies):
    assert_applies(profile, control_id, applies)


@pytest.mark.parametrize(
    ("profile", "control_id", "condition"),
    [
        ("futures_internet", "CC17010-1.1", "證券商"),
        ("second_category_securities", "CC17010-1.7", "網際網路下單證券商適用"),
        ("second_category_securities", "CC17010-3.2", "網際網路下單證券商"),
        ("second_category_securities", "CC17010-4.1", "網際網路下單證券商"),
        ("foreign_branch", "CC17010-8.1.1", "公司提供客戶使用應用程式介面(API)服務"),
        ("second_category_securities", "CC17010-13.2", "公司設置無線網路"),
    ],
)
def test_a_refusal_names_the_condition_the_firm_does_not_meet(profile, control_id, condition):
    assert_refusal_names(profile, control_id, condition)


def test_no_cc17010_clause_offers_a_foreign_better_standard():
    catalog = load_catalog()
    profile = _profile("foreign_branch")
    for control_id in ("CC17010-1.8", "CC17010-3.3", "CC17010-10.7", "CC17010-13.1"):
        decision = decide(catalog, control_id, profile)
        assert decision.applies
        assert decision.better_standard is None


def test_scoped_clauses_name_their_systems_in_the_reason():
    catalog = load_catalog()
    decision = decide(catalog, "CC17010-10.1", _profile("first_category_securities"))
    assert decision.system_scope == ("core", "internet_facing")
    assert "核心系統" in decision.reason.zh
    decision = decide(catalog, "CC17010-3.2", _profile("foreign_branch"))
    assert decision.system_scope == ("core",)
