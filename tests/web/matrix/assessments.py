from __future__ import annotations

import io
from datetime import date

POST_ONLY: set[str] = {"assessments:start", "assessments:complete", "assessments:issue"}


def url_kwargs(make_user, user) -> dict[str, dict]:
    """A planned assessment with `user` on its team (so an external assessor may see it) and one report."""
    from zhengan.web.assessments.models import Assessment, Assessor
    from zhengan.web.evidence.services import add_evidence
    from zhengan.web.register.models import InformationSystem

    system, _ = InformationSystem.objects.get_or_create(name="Matrix system", defaults={"owner": "IT"})
    assessment = Assessment.objects.create(
        title="Matrix assessment",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        unit_kind="internal",
        unit_name="Audit office",
        control_ids=["AP-4.1.1"],
    )
    assessment.systems.add(system)
    assessor = Assessor.objects.create(name="Matrix assessor", organisation="X", kind="external", user=user)
    assessment.team.add(assessor)
    upload = io.BytesIO(b"matrix report")
    upload.name = "report.pdf"
    report = add_evidence(
        upload, user=user, title="report", effective_on=date(2026, 1, 5), control_ids=["AP-8.4"]
    )
    assessment.reports.add(report)
    kwargs = {
        name: {"pk": assessment.pk}
        for name in (
            "assessments:detail",
            "assessments:edit",
            "assessments:start",
            "assessments:record",
            "assessments:drill",
            "assessments:complete",
            "assessments:issue",
        )
    }
    kwargs["assessments:assessor_edit"] = {"pk": assessor.pk}
    kwargs["assessments:download"] = {"pk": assessment.pk, "item": report.pk}
    return kwargs
