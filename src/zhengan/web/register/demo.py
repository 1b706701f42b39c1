"""Demo data for `zhengan demo` (called by zhengan.web.bootstrap.load_demo inside its transaction).

The demo securities firm's register: four systems of the kinds AP-3.1 sorts, their device groups, and an
approved assessment plan (AP-2.2). Idempotent: systems are found by name, groups and the plan created once.
"""

from __future__ import annotations

from datetime import date

SYSTEMS = [
    {
        "name": "電子下單系統",
        "owner": "資訊部 交易系統科",
        "description": "客戶網路下單（網頁、行動 App、API）",
        "sourcing": "outsourced",
        "vendor": "凱衛資訊",
        "customer_internet_service": True,
        "core": True,
        "core_functions": ["交易", "報價"],
        "stores_customer_data": True,
        "stores_personal_data": True,
        "e_trading": True,
        "internet_facing": True,
        "registered_on": date(2024, 1, 15),
        "last_assessed_on": date(2025, 6, 30),
        "groups": [("server", 24, True, "交易主機與 Web/AP 伺服器"), ("network", 12, True, "防火牆、交換器")],
    },
    {
        "name": "帳務系統",
        "owner": "資訊部 後台系統科",
        "description": "客戶帳務、交割與盤後結算",
        "sourcing": "in_house",
        "core": True,
        "core_functions": ["帳務", "盤後結算"],
        "stores_customer_data": True,
        "stores_personal_data": True,
        "registered_on": date(2024, 1, 15),
        "last_assessed_on": date(2025, 3, 31),
        "groups": [("server", 8, True, ""), ("endpoint", 1200, True, "營業員與後台端點")],
    },
    {
        "name": "內部郵件系統",
        "owner": "資訊部 基礎架構科",
        "description": "員工電子郵件",
        "sourcing": "outsourced",
        "vendor": "Microsoft 365",
        "internet_facing": True,
        "cloud_hosted": True,
        "registered_on": date(2024, 1, 15),
        "last_assessed_on": date(2022, 9, 30),
        "groups": [("endpoint", 350, True, "員工電腦"), ("server", 2, False, "雲端服務，非公司財產")],
    },
    {
        "name": "官方網站",
        "owner": "行銷部",
        "description": "公司簡介、公告與客戶留言",
        "sourcing": "outsourced",
        "vendor": "網頁設計公司",
        "internet_facing": True,
        "cloud_hosted": True,
        "registered_on": date(2024, 2, 1),
        "groups": [("server", 2, True, "")],
    },
]


def seed(users: dict) -> None:
    """`users`: role -> the demo User of that role. Must be idempotent (run on every `zhengan demo`)."""
    from zhengan.web.register.models import AssessmentPlan, DeviceGroup, InformationSystem

    for spec in SYSTEMS:
        values = {k: v for k, v in spec.items() if k not in ("name", "groups")}
        system, created = InformationSystem.objects.get_or_create(name=spec["name"], defaults=values)
        if created:
            for kind, count, owned, note in spec["groups"]:
                DeviceGroup.objects.create(system=system, kind=kind, count=count, firm_owned=owned, note=note)
    if not AssessmentPlan.objects.exists():
        AssessmentPlan.objects.create(
            title="資通安全評估計畫（2024–2026）",
            approver=AssessmentPlan.Approver.BOARD,
            approver_name="董事會 第 15 屆第 3 次會議",
            approved_on=date(2024, 3, 20),
            recorded_by=users.get("compliance_officer"),
        )
