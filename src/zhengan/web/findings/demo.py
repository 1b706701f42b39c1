"""Demo data for `zhengan demo`: three findings of the demo firm in different states, one overdue."""

from __future__ import annotations

import io
from datetime import timedelta

from django.utils import timezone

from zhengan.checks.result import fingerprint


def seed(users: dict) -> None:
    """`users`: role -> the demo User of that role. Idempotent: each demo finding has a fixed fingerprint."""
    from zhengan.web.findings import services
    from zhengan.web.findings.models import Finding
    from zhengan.web.register.models import InformationSystem

    today = timezone.localdate()
    officer, engineer = users.get("compliance_officer"), users.get("it_security")
    auditor = users.get("internal_auditor")
    systems = list(InformationSystem.objects.filter(decommissioned_on__isnull=True)[:1])

    def raise_once(key: str, **fields) -> Finding | None:
        if Finding.objects.filter(fingerprint=fingerprint("demo", key)).exists():
            return None
        return services.create_finding(
            user=officer, systems=systems, fingerprint_value=fingerprint("demo", key), **fields
        )

    verified = raise_once(
        "password-policy",
        title="檔案伺服器密碼原則未達要求 File server password policy below the rules",
        description="FS02 的網域密碼原則最小長度為 6、無鎖定閾值。FS02 allows 6-character passwords and never locks.",
        category=Finding.Category.TECHNICAL,
        topic="身分鑑別 identity",
        severity=Finding.Severity.HIGH,
        risk="密碼可被暴力破解 / passwords can be brute-forced",
        recommendation="最小長度 12、5 次失敗鎖定 15 分鐘 / minimum length 12, lock for 15 minutes after 5 failures",
        control_ids=["SR-6.5", "SR-6.7"],
        owner=engineer,
        raised_on=today - timedelta(days=120),
    )
    if verified is not None:
        services.plan(
            verified,
            user=engineer,
            plan_text="更新 GPO / update the GPO",
            planned_on=today - timedelta(days=100),
        )
        upload = io.BytesIO("GPO 變更單 change ticket CHG-2026-041: MinimumPasswordLength=12\n".encode())
        upload.name = "gpo-change.txt"
        from zhengan.web.evidence.services import add_evidence

        evidence = add_evidence(
            upload,
            user=engineer,
            owner=engineer,
            title="GPO 變更單 GPO change ticket",
            effective_on=today - timedelta(days=101),
            control_ids=["SR-6.5", "AP-8.4"],
        )
        services.remediate(
            verified,
            user=engineer,
            what_was_done="GPO 已更新並重新套用 / GPO updated and re-applied",
            remediated_on=today - timedelta(days=101),
            evidence=[evidence],
        )
        if auditor is not None:
            services.verify(
                verified, user=auditor, accepted=True, note="抽查 FS02 設定 / FS02 settings sampled"
            )

    planned = raise_once(
        "vendor-access",
        title="委外廠商遠端存取未經核准 Vendor remote access not approved",
        description="委外廠商 VPN 帳號未經申請核准即啟用。A vendor VPN account was enabled without approval.",
        category=Finding.Category.MANAGEMENT,
        topic="委外管理 outsourcing",
        severity=Finding.Severity.CRITICAL,
        risk="未經授權之遠端存取 / unauthorised remote access",
        recommendation="廠商帳號須經申請核准並定期覆核 / approve vendor accounts and review them periodically",
        control_ids=["SR-3.3"],
        owner=officer,
        raised_on=today - timedelta(days=5),
    )
    if planned is not None:
        services.plan(
            planned,
            user=officer,
            plan_text="建立廠商帳號申請流程 / set up a vendor-account request procedure",
            planned_on=today + timedelta(days=7),
        )

    raise_once(
        "tls-legacy",
        title="網路下單主機仍允許 TLS 1.0 Internet ordering host still accepts TLS 1.0",
        description="弱點掃描顯示 TLS 1.0 仍啟用。The scan shows TLS 1.0 enabled.",
        category=Finding.Category.TECHNICAL,
        topic="傳輸加密 encryption in transit",
        severity=Finding.Severity.HIGH,
        risk="連線可被降級攻擊 / connections can be downgraded",
        recommendation="停用 TLS 1.0/1.1 / disable TLS 1.0 and 1.1",
        control_ids=["SR-9.1"],
        owner=engineer,
        raised_on=today - timedelta(days=45),
    )
