"""Reminders of overdue findings for `zhengan remind` (AP-8.2, SR-9.1: remediation within set times).

`provider(today)` returns one message per overdue finding, to its owner (to the compliance officers when it
has none). The key names the finding and the ISO week, so a daily run mails each overdue finding at most
once a week; the caller keeps the ledger of keys already sent.
"""

from __future__ import annotations

from datetime import date

from zhengan.web.accounts.roles import COMPLIANCE_OFFICER


def _recipients(finding) -> list[str]:
    from zhengan.web.accounts.models import User

    if finding.owner is not None and finding.owner.is_active and finding.owner.email:
        return [finding.owner.email]
    officers = User.objects.filter(role=COMPLIANCE_OFFICER, is_active=True).exclude(email="")
    return sorted(officers.values_list("email", flat=True))


def provider(today: date) -> list[dict]:
    """Messages for the findings overdue on `today`: dicts with key, recipients, subject, body."""
    from zhengan.web.findings import services

    services.reopen_expired(today)
    year, week, _day = today.isocalendar()
    messages = []
    for finding in services.overdue(today).select_related("owner"):
        days = (today - finding.deadline).days
        subject = (
            f"[證安] 缺失逾期 {finding.reference}：{finding.title} / "
            f"[zhengan] finding overdue {finding.reference}: {finding.title}"
        )
        body = "\n".join(
            [
                f"缺失 {finding.reference}「{finding.title}」已逾改善期限 {finding.deadline:%Y-%m-%d}（逾期 {days} 天）。",
                f"嚴重度：{finding.severity}；狀態：{finding.status}；條文：{'、'.join(finding.control_ids)}。",
                "依 AP-8.2 及 SR-9.1，缺失應於公司訂定之處理時限內改善，並送稽核單位追蹤覆查。",
                "",
                f'Finding {finding.reference} "{finding.title}" passed its remediation deadline '
                f"{finding.deadline:%Y-%m-%d} ({days} days overdue).",
                f"Severity: {finding.severity}; status: {finding.status}; controls: {', '.join(finding.control_ids)}.",
                "AP-8.2 and SR-9.1 require remediation within the firm's set times, followed up by the audit unit.",
            ]
        )
        messages.append(
            {
                "key": f"finding:{finding.pk}:overdue:{year}-W{week:02d}",
                "recipients": _recipients(finding),
                "subject": subject,
                "body": body,
            }
        )
    return messages
