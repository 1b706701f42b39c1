from __future__ import annotations

from datetime import date

from zhengan.assessor_rules import check_team
from zhengan.reports.assessment_data import Assessor, Qualification

START = date(2026, 12, 1)


def _assessor(name, *categories, expires=date(2028, 1, 1), **flags):
    return Assessor(
        name=name,
        organisation="範例資安顧問",
        role="assessor",
        qualifications=[Qualification(category=c, name=c, expires_on=expires) for c in categories],
        independence_declared=flags.get("independent", True),
        confidentiality_pledge_signed=flags.get("pledge", True),
        no_concealment_undertaking=flags.get("undertaking", True),
    )


def test_a_class_1_team_must_cover_every_category_and_is_told_which_is_missing():
    team = [_assessor("林", "AP-7.2.1", "AP-7.2.4"), _assessor("陳", "AP-7.2.2")]
    result = check_team(team, [1, 2], START)
    assert not result.may_start
    assert any("AP-7.2.3" in p.zh and "模擬駭客攻擊" in p.zh for p in result.problems)
    assert any("AP-7.2.3" in p.en for p in result.problems)
    complete = check_team([*team, _assessor("王", "AP-7.2.3")], [1], START)
    assert complete.may_start and complete.covered == {"AP-7.2.1", "AP-7.2.2", "AP-7.2.3", "AP-7.2.4"}


def test_class_2_and_3_need_one_category():
    assert check_team([_assessor("林", "AP-7.2.2")], [2, 3], START).may_start
    assert not check_team([_assessor("林")], [3], START).may_start


def test_an_expired_certificate_does_not_count():
    team = [
        _assessor("林", "AP-7.2.1", "AP-7.2.2", "AP-7.2.4"),
        _assessor("陳", "AP-7.2.3", expires=date(2026, 11, 30)),
    ]
    result = check_team(team, [1], START)
    assert not result.may_start
    assert any("已於 2026-11-30 到期" in p.zh for p in result.problems)


def test_pledges_and_independence_are_required():
    result = check_team([_assessor("林", "AP-7.2.2", pledge=False)], [3], START)
    assert not result.may_start and any("AP-7.3" in p.zh for p in result.problems)
    assert not check_team([], [3], START).may_start
