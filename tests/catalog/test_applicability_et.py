"""Whom 001 新興科技資訊安全自律規範 binds: each applicability marker of the ET catalogue over the example profiles."""

from __future__ import annotations

import pytest

from tests.catalog.applicability_helpers import assert_applies, assert_refusal_names
from tests.catalog.applicability_helpers import profile as _profile
from zhengan.applicability import decide
from zhengan.catalog.loader import load_catalog
from zhengan.profile import FirmProfile


def _with_cloud(uses: bool, provides: bool, critical: bool) -> FirmProfile:
    data = _profile("second_category_securities").model_dump()
    data["cloud"] = {"uses": uses, "provides": provides, "critical": critical}
    return FirmProfile.model_validate(data)


@pytest.mark.parametrize(
    ("profile", "control_id", "applies"),
    [
        # The whole document: 證券商.
        ("second_category_securities", "ET-8", True),
        ("futures_internet", "ET-8", False),
        ("futures_internet", "ET-4", False),  # uses cloud, but is not a securities firm
        # ET-4 cloud use or provision; ET-4.1 user with critical systems; ET-4.2 provider with critical systems.
        ("first_category_securities", "ET-4", True),
        ("second_category_securities", "ET-4", False),
        ("first_category_securities", "ET-4.1", True),
        ("foreign_branch", "ET-4.1", True),
        ("first_category_securities", "ET-4.2", False),
        # ET-5 binds all; ET-5.3 and ET-5.4 (with their sub-items) only firms running official social media.
        ("second_category_securities", "ET-5", True),
        ("second_category_securities", "ET-5.2", True),
        ("first_category_securities", "ET-5.3.2", True),
        ("second_category_securities", "ET-5.3.2", False),
        ("foreign_branch", "ET-5.4.1", False),
        ("first_category_securities", "ET-5.4.2", True),
        # ET-6 binds all; ET-6.2 BYOD; ET-6.3 and everything below it investor mobile apps.
        ("second_category_securities", "ET-6.1", True),
        ("first_category_securities", "ET-6.2", True),
        ("foreign_branch", "ET-6.2", False),
        ("first_category_securities", "ET-6.3.3.1", True),
        ("foreign_branch", "ET-6.3.3.1", False),
        ("second_category_securities", "ET-6.3.2.2", False),  # through the heading ET-6.3.2 to ET-6.3
        # ET-7 and its paragraphs ET-7.p2..p4: networked OA / IoT devices.
        ("first_category_securities", "ET-7", True),
        ("first_category_securities", "ET-7.p3", True),
        ("second_category_securities", "ET-7", False),
        ("foreign_branch", "ET-7.p4", False),
        ("futures_internet", "ET-7.1", False),  # has IoT devices, but is not a securities firm
    ],
)
def test_et_applicability(profile, control_id, applies):
    assert_applies(profile, control_id, applies)


@pytest.mark.parametrize(
    ("cloud", "control_id", "applies"),
    [
        ((False, True, True), "ET-4", True),  # a provider only must still assess the risk
        ((False, True, True), "ET-4.2", True),
        ((False, True, True), "ET-4.1", False),
        ((True, False, False), "ET-4", True),
        ((True, False, False), "ET-4.1", False),  # no critical systems: no operating-security rules needed
        ((True, True, True), "ET-4.1", True),
        ((True, True, True), "ET-4.2", True),
        ((False, False, True), "ET-4.2", False),
    ],
)
def test_cloud_clauses_follow_use_provision_and_criticality(cloud, control_id, applies):
    decision = decide(load_catalog(), control_id, _with_cloud(*cloud))
    assert decision.applies is applies


@pytest.mark.parametrize(
    ("profile", "control_id", "condition"),
    [
        ("second_category_securities", "ET-5.3.1", "經營官方社群媒體"),
        ("second_category_securities", "ET-6.3.1.4", "涉及投資人使用之行動應用程式"),
        ("second_category_securities", "ET-6.2", "員工自攜行動裝置"),
        (
            "second_category_securities",
            "ET-7.p2",
            "具備網路連線功能且有連接外部或內部網路之自動化辦公(OA)設備",
        ),
    ],
)
def test_a_refusal_names_the_condition_the_firm_does_not_meet(profile, control_id, condition):
    assert_refusal_names(profile, control_id, condition)


def test_later_paragraphs_of_article_seven_hang_under_it():
    catalog = load_catalog()
    for paragraph in ("ET-7.p2", "ET-7.p3", "ET-7.p4"):
        assert catalog.parent_of(paragraph) == "ET-7"
    assert catalog.ancestors("ET-6.3.3.1") == ["ET-6", "ET-6.3", "ET-6.3.3"]
