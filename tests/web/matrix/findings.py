from __future__ import annotations

from datetime import date

# findings:import is reached by GET (the upload form) and needs no kwargs; its POST steps are tested in
# tests/web/findings/test_findings_import.py.
POST_ONLY: set[str] = set()


def url_kwargs(make_user, user) -> dict[str, dict]:
    from zhengan.web.findings import services

    finding = services.create_finding(
        user=user,
        title="matrix finding",
        description="d",
        category="technical",
        topic="t",
        severity="high",
        risk="r",
        recommendation="rec",
        control_ids=["SR-6.5"],
        raised_on=date(2026, 1, 5),
    )
    report = services.record_followup(
        user=user,
        reported_on=date(2026, 2, 1),
        recipient="board",
        recipient_name="",
        note="",
        findings=[finding],
    )
    per_finding = ("detail", "edit", "plan", "remediate", "verify", "accept_risk")
    kwargs = {f"findings:{name}": {"pk": finding.pk} for name in per_finding}
    kwargs["findings:followup_detail"] = {"pk": report.pk}
    return kwargs
