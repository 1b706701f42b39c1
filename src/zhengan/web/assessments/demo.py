"""Demo data for `zhengan demo` (called by zhengan.web.bootstrap.load_demo inside its transaction).

The demo external assessor (wu.assessor) becomes an assessor with three of the four AP-7.2 categories, and
one planned assessment of the demo systems has him on its team: starting it is refused until someone adds an
attack-simulation qualification (AP-7.2.3, e.g. CEH) — the path the issue's "Done when" walks.
"""

from __future__ import annotations

from datetime import date

DEMO_TITLE = "2026 年度資通系統資安評估（示範） / 2026 assessment (demo)"
# Used only when the register's demo adds no system (it runs first, bootstrap.DEMO_APPS).
FALLBACK_SYSTEMS = [
    {
        "name": "網路下單系統 e-Trade",
        "owner": "電子交易部 / e-trading",
        "core": True,
        "customer_internet_service": True,
        "e_trading": True,
        "internet_facing": True,
        "stores_customer_data": True,
        "stores_personal_data": True,
    },
    {"name": "人事差勤系統 HR", "owner": "人力資源部 / HR"},
]
QUALIFICATIONS = [
    ("AP-7.2.1", "ISO 27001 LA", "IRCA-LA-20457"),
    ("AP-7.2.2", "CISSP", "CISSP-889001"),
    ("AP-7.2.4", "證券業資訊稽核經驗 6 年 / 6 years of securities IT audit", ""),
]


def seed(users: dict) -> None:
    """`users`: role -> the demo User of that role. Idempotent: finds what it made by name."""
    from zhengan.web.assessments import services
    from zhengan.web.assessments.models import Assessment, Assessor
    from zhengan.web.register.models import InformationSystem
    from zhengan.web.register.services import active_systems

    user = users.get("external_assessor")
    assessor = Assessor.objects.filter(user=user).first() if user else None
    if assessor is None:
        day = date(2026, 1, 5)
        assessor = Assessor.objects.create(
            name=user.full_name if user else "吳評估 Wu",
            organisation="安信資安顧問股份有限公司 / Anxin Security Consulting",
            kind=Assessor.Kind.EXTERNAL,
            team_role="主評估人員 / lead assessor",
            user=user,
            independence_statement="與受評系統之開發、維護及公司無利害關係 / no interest in the systems or the firm",
            independence_declared_on=day,
            confidentiality_pledge_on=day,
            no_concealment_on=day,
        )
        for category, name, number in QUALIFICATIONS:
            assessor.qualifications.create(
                category=category, name=name, certificate_number=number, expires_on=date(2029, 6, 30)
            )
    if Assessment.objects.filter(title=DEMO_TITLE).exists():
        return
    systems = list(active_systems().order_by("name")[:3])
    if not systems:
        systems = [
            InformationSystem.objects.get_or_create(name=facts["name"], defaults=facts)[0]
            for facts in FALLBACK_SYSTEMS
        ]
    assessment = Assessment.objects.create(
        title=DEMO_TITLE,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        unit_kind=Assessment.UnitKind.EXTERNAL,
        unit_name="安信資安顧問股份有限公司 / Anxin Security Consulting",
        unit_independence="與受評系統及公司無利害關係 / no interest in the target (AP-7.1)",
        created_by=users.get("compliance_officer"),
    )
    assessment.systems.add(*systems)
    assessment.control_ids = services.scope_control_ids(systems)
    assessment.save(update_fields=["control_ids"])
    assessment.team.add(assessor)
