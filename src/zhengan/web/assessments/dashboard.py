"""What this app puts on the dashboard: assessments in progress, and planned ones the team check blocks."""

from __future__ import annotations

from django.utils.translation import get_language


def panel(request) -> dict | None:
    from zhengan.web.accounts.roles import allowed
    from zhengan.web.assessments import services
    from zhengan.web.assessments.models import Assessment

    if not allowed(request.user, "assessments:list"):
        return None
    visible = services.visible_assessments(request.user)
    in_progress = list(visible.filter(status=Assessment.Status.IN_PROGRESS))
    language = "en" if (get_language() or "").startswith("en") else "zh"
    blocked = []
    for assessment in visible.filter(status=Assessment.Status.PLANNED):
        check = services.team_check(assessment)
        if not check.may_start:
            blocked.append((assessment, "；".join(p.get(language) for p in check.problems)))
    if not in_progress and not blocked:
        return None
    return {"template": "assessments/_panel.html", "in_progress": in_progress, "blocked": blocked}
