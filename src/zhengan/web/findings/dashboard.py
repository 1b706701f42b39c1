"""What this app puts on the dashboard: overdue findings and risk acceptances expiring soon."""

from __future__ import annotations

from django.conf import settings

from zhengan.web.accounts.roles import allowed

# How far ahead an expiring risk acceptance is shown (settings.ZHENGAN_FINDINGS_EXPIRY_WARNING_DAYS).
DEFAULT_WITHIN_DAYS = 30
SHOWN = 10


def panel(request) -> dict | None:
    if not allowed(request.user, "findings:list"):
        return None
    from zhengan.web.findings import services

    services.reopen_expired()
    within = getattr(settings, "ZHENGAN_FINDINGS_EXPIRY_WARNING_DAYS", DEFAULT_WITHIN_DAYS)
    overdue = services.overdue().select_related("owner")
    return {
        "template": "findings/_panel.html",
        "overdue": list(overdue[:SHOWN]),
        "overdue_count": overdue.count(),
        "expiring": list(services.expiring_acceptances(within_days=within)[:SHOWN]),
        "within_days": within,
    }
