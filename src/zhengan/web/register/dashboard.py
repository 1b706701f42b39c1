"""What this app puts on the dashboard: systems overdue or due within 90 days, and the plan review (AP-2.2)."""

from __future__ import annotations

from zhengan.web.accounts.roles import allowed


def panel(request) -> dict | None:
    if not allowed(request.user, "register:list"):
        return None
    from zhengan.web.register import services

    rows = [row for row in services.register_rows() if row.overdue or row.soon]
    rows.sort(key=lambda row: row.due.due)
    plan = services.plan_status()
    if not rows and not (plan.missing or plan.overdue) and not services.InformationSystem.objects.exists():
        return None
    return {"template": "register/_panel.html", "rows": rows, "plan": plan}
