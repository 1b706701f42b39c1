"""The dashboard panel: overdue obligations (issue #5), for those who may read the calendar."""

from __future__ import annotations

from django.utils import timezone

from zhengan import obligations as core
from zhengan.web.accounts.roles import allowed


def panel(request) -> dict | None:
    if not allowed(request.user, "obligations:overdue"):
        return None
    from zhengan.web.obligations import services

    today = timezone.localdate()
    late = core.overdue(services.calendar_obligations(services.current_obligations()), today)
    return {
        "template": "obligations/_panel.html",
        "rows": services.rows(late[:10], today),
        "count": len(late),
    }
