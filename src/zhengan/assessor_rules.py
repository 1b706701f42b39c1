"""AP-7.2: may this team assess these systems? Pure rules, used by the web layer before an assessment starts.

A team assessing a class-1 system must cover every qualification category of AP-7.2 (1. security
management, 2. security technical skills, 3. attack simulation, 4. financial-sector experience); a team
assessing only class-2 and class-3 systems needs at least one of them. A qualification counts only while
its certificate is valid on the assessment's start date. Each assessor must also have declared
independence (AP-7.1), signed the confidentiality pledge (AP-7.3) and the no-concealment undertaking (AP-7.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhengan.reports.assessment_data import QUALIFICATION_CATEGORIES, Assessor
from zhengan.text import Text


@dataclass(frozen=True)
class TeamCheck:
    may_start: bool
    problems: list[Text]
    covered: set[str]


def valid_categories(assessor: Assessor, on: date) -> set[str]:
    return {q.category for q in assessor.qualifications if q.expires_on is None or q.expires_on >= on}


def check_team(team: list[Assessor], system_classes: list[int], starts_on: date) -> TeamCheck:
    """Whether the team may start, and every reason it may not, in both languages."""
    problems: list[Text] = []
    if not team:
        problems.append(Text(zh="未指派評估人員", en="no assessor is assigned"))
    for assessor in team:
        for flag, zh, en in [
            (
                assessor.independence_declared,
                "未聲明獨立性（AP-7.1）",
                "has not declared independence (AP-7.1)",
            ),
            (
                assessor.confidentiality_pledge_signed,
                "未簽保密切結書（AP-7.3）",
                "has not signed the confidentiality pledge (AP-7.3)",
            ),
            (
                assessor.no_concealment_undertaking,
                "未承諾不隱瞞缺失（AP-7.4）",
                "has not undertaken not to conceal findings (AP-7.4)",
            ),
        ]:
            if not flag:
                problems.append(Text(zh=f"{assessor.name}{zh}", en=f"{assessor.name} {en}"))
        expired = [
            q for q in assessor.qualifications if q.expires_on is not None and q.expires_on < starts_on
        ]
        for qualification in expired:
            problems.append(
                Text(
                    zh=f"{assessor.name} 之 {qualification.name} 已於 {qualification.expires_on} 到期，不予計入",
                    en=f"{assessor.name}'s {qualification.name} expired on {qualification.expires_on} and does not count",
                )
            )
    covered = set().union(*(valid_categories(a, starts_on) for a in team)) if team else set()
    if 1 in system_classes:
        for category in sorted(set(QUALIFICATION_CATEGORIES) - covered):
            label = QUALIFICATION_CATEGORIES[category]
            problems.append(
                Text(
                    zh=f"第一類資通系統之評估團隊缺少 {category} 資格：{label.zh}",
                    en=f"a class-1 assessment team lacks {category}: {label.en}",
                )
            )
    elif system_classes and not covered:
        problems.append(
            Text(
                zh="第二類、第三類資通系統之評估團隊須具備 AP-7.2 所列資格之一",
                en="a class-2 or class-3 assessment team needs at least one AP-7.2 qualification",
            )
        )
    # Expired certificates are reported but only block the start when they leave a gap.
    blocking = [p for p in problems if "不予計入" not in p.zh]
    return TeamCheck(may_start=not blocking, problems=problems, covered=covered)
