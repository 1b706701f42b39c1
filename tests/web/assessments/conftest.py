"""Fixtures of the assessments tests: class-1 and class-3 systems, a qualified team, a planned assessment."""

from __future__ import annotations

from datetime import date

import pytest

ALL_CATEGORIES = [
    ("AP-7.2.1", "CISM", "CISM-2317754"),
    ("AP-7.2.2", "CISSP", "CISSP-889001"),
    ("AP-7.2.3", "CEH", "ECC-55310"),
    ("AP-7.2.4", "金融業稽核經驗 5 年", ""),
]


@pytest.fixture
def systems(db):
    from zhengan.web.register.models import InformationSystem

    trade = InformationSystem.objects.create(
        name="網路下單系統 e-Trade",
        owner="電子交易部",
        core=True,
        customer_internet_service=True,
        e_trading=True,
        internet_facing=True,
        stores_customer_data=True,
        stores_personal_data=True,
        last_assessed_on=date(2025, 3, 31),
    )
    hr = InformationSystem.objects.create(name="人事差勤系統", owner="人資部")
    return trade, hr


def make_assessor(user=None, *, categories=ALL_CATEGORIES, declared=True, name="吳評估", kind="external"):
    from zhengan.web.assessments.models import Assessor

    day = date(2026, 1, 5) if declared else None
    assessor = Assessor.objects.create(
        name=name,
        organisation="安信資安顧問股份有限公司",
        kind=kind,
        team_role="主評估人員",
        user=user,
        independence_statement="與受評系統之開發及維護無利害關係" if declared else "",
        independence_declared_on=day,
        confidentiality_pledge_on=day,
        no_concealment_on=day,
    )
    for category, name_, number in categories:
        assessor.qualifications.create(
            category=category, name=name_, certificate_number=number, expires_on=date(2030, 12, 31)
        )
    return assessor


@pytest.fixture
def assessor_user(make_user):
    return make_user("external_assessor", username="wu.assessor", full_name="吳評估 Wu")


@pytest.fixture
def planned(systems, assessor_user, firm_profile):
    """A planned assessment of the class-1 trading system with one fully qualified, declared assessor."""
    from zhengan.web.assessments import services
    from zhengan.web.assessments.models import Assessment

    trade, _hr = systems
    assessment = Assessment.objects.create(
        title="2026 年度網路下單系統資安評估",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        unit_kind="external",
        unit_name="安信資安顧問股份有限公司",
    )
    assessment.systems.add(trade)
    assessment.control_ids = services.scope_control_ids([trade])
    assessment.save()
    assessment.team.add(make_assessor(assessor_user))
    return assessment


def record_section_4(assessment, user, value="compliant", skip=()):
    """A result for every section 4 item on every system in scope (AP-4), except the pairs in `skip`."""
    from zhengan.web.assessments import services
    from zhengan.web.assessments.models import Result

    for control_id, system in services.section_4_gaps(assessment):
        if (control_id, system.pk) not in skip:
            Result.objects.create(
                assessment=assessment,
                control_id=control_id,
                system=system,
                value=value,
                note="檢視相關紀錄，符合要求",
                recorded_by=user,
            )
