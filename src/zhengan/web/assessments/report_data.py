"""The adapter from the database to `zhengan.reports.assessment_data.AssessmentReportData` (AP-8.1), and the
issuing of the report: PDF, DOCX and XLSX written by the pure builders, stored as evidence under AP-8.4
(five years), linked to the assessment, which is then frozen."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from zhengan.catalog.loader import load_catalog
from zhengan.reports import assessment_report
from zhengan.reports.assessment_data import (
    AssessmentItem,
    AssessmentRecord,
    AssessmentReportData,
    Finding,
    ScopeSystem,
    SocialEngineeringDrill,
)
from zhengan.web.assessments import services
from zhengan.web.assessments.models import Assessment, Drill, Result
from zhengan.web.audit.events import log

# The report is kept as an assessment report (AP-8.4: five years) and is itself the AP-8.1 deliverable.
REPORT_CONTROLS = ["AP-8.1", "AP-8.4"]
FORMATS = {
    "pdf": assessment_report.write_pdf,
    "docx": assessment_report.write_docx,
    "xlsx": assessment_report.write_xlsx,
}
LANGUAGES = ("zh", "en")


class ReportRefused(services.AssessmentRefused):
    """The report cannot be built from what is recorded (the message names the record)."""


def _evidence_name(item) -> str:
    return f"{item.filename} ({item.sha256[:12]})"


def _findings(assessment: Assessment) -> list[Finding]:
    from zhengan.web.findings.models import Finding as FindingRecord

    findings = []
    for record in FindingRecord.objects.filter(assessment=assessment).prefetch_related("systems"):
        if not record.control_ids:
            raise ReportRefused(
                f"缺失 {record.reference} 未連結任何條文 / finding {record.reference} cites no control"
            )
        findings.append(
            Finding(
                reference=record.reference,
                title=record.title,
                description=record.description,
                category=record.category,
                topic=record.topic,
                severity=record.severity,
                risk=record.risk,
                recommendation=record.recommendation,
                control_ids=list(record.control_ids),
                systems=[s.name for s in record.systems.all()],
                deadline=record.deadline,
                owner=(record.owner.full_name if record.owner else "") or "",
                status=record.get_status_display(),
            )
        )
    return findings


def build(assessment: Assessment, *, prepared_by: str, issued_on: date | None = None) -> AssessmentReportData:
    """Everything AP-8.1 asks for, read from the database into the pure report model."""
    from zhengan.web.firm.services import current_profile

    catalog = load_catalog()
    profile = current_profile()
    systems = list(assessment.systems.order_by("name"))
    team = list(assessment.team.prefetch_related("qualifications"))
    if not team:
        raise ReportRefused("未指派評估人員 / no assessor is assigned")
    if not systems:
        raise ReportRefused("評估範圍未含任何資通系統 / no system is in scope")
    results = {
        (r.control_id, r.system_id): r
        for r in Result.objects.filter(assessment=assessment).prefetch_related("evidence")
    }
    items, records = [], []
    for cid in assessment.control_ids:
        control = catalog.control(cid)
        on = services.targets(cid, systems)
        title = control.title
        if title is None:
            from zhengan.text import Text

            title = Text(zh=control.text[:60], en=control.text_en[:80])
        items.append(AssessmentItem(control_id=cid, title=title, targets=[s.name for s in on]))
        for system in on:
            result = results.get((cid, system.pk))
            records.append(
                AssessmentRecord(
                    control_id=cid,
                    system=system.name,
                    result=result.value if result else Result.Value.NOT_ASSESSED,
                    note=result.note if result else "",
                    evidence=[_evidence_name(e) for e in result.evidence.all()] if result else [],
                )
            )
    try:
        drill = assessment.drill
    except Drill.DoesNotExist:
        drill = None
    return AssessmentReportData(
        firm=profile.name if profile else "",
        title=assessment.title,
        period_start=assessment.period_start,
        period_end=assessment.period_end,
        issued_on=issued_on or timezone.localdate(),
        assessing_unit=assessment.unit_name,
        unit_kind=assessment.unit_kind,
        assessors=[services.pure_assessor(a) for a in team],
        scope=[
            ScopeSystem(
                name=s.name, system_class=int(s.system_class), class_reason=s.class_reason, owner=s.owner
            )
            for s in systems
        ],
        items=items,
        records=records,
        findings=_findings(assessment),
        drill=SocialEngineeringDrill(
            held_on=drill.held_on,
            mails_sent=drill.mails_sent,
            opened=drill.opened,
            clicked=drill.clicked,
            reported=drill.reported,
            follow_up=drill.follow_up,
        )
        if drill
        else None,
        prepared_by=prepared_by,
    )


def issue(request, assessment: Assessment, languages: tuple[str, ...] = ("zh",)) -> list:
    """Write the report in each language and format, store each file as evidence (AP-8.4, five years),
    link them to the assessment and freeze it (status issued). All or nothing."""
    from zhengan.web.evidence.services import add_evidence

    services.refuse_if_frozen(assessment)
    if assessment.status != Assessment.Status.COMPLETED:
        raise ReportRefused(
            "評估完成後方可出具報告 / the report is issued only after the assessment is completed"
        )
    languages = tuple(lang for lang in LANGUAGES if lang in languages) or ("zh",)
    today = timezone.localdate()
    data = build(assessment, prepared_by=request.user.full_name or request.user.username, issued_on=today)
    directory = Path(tempfile.mkdtemp(prefix="zhengan-report-"))
    stem = f"assessment-{assessment.pk}-report-{today.isoformat()}"
    written = []
    for lang in languages:
        for suffix, writer in FORMATS.items():
            written.append((lang, suffix, writer(data, directory / f"{stem}-{lang}.{suffix}", lang)))
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        services.refuse_if_frozen(locked)
        before = locked.snapshot()
        items = []
        for lang, suffix, path in written:
            with path.open("rb") as handle:
                item = add_evidence(
                    handle,
                    user=request.user,
                    owner=request.user,
                    title=f"{assessment_report.REPORT_TITLE.get(lang)} · {assessment.title} ({lang}, {suffix.upper()})",
                    effective_on=today,
                    control_ids=REPORT_CONTROLS,
                    description=f"assessment {assessment.pk}",
                )
            log(request, "evidence_added", obj_type="evidence", obj_id=item.pk, after=item.snapshot())
            items.append(item)
        locked.reports.add(*items)
        locked.status = Assessment.Status.ISSUED
        locked.issued_on = today
        locked.save(update_fields=["status", "issued_on"])
        log(
            request,
            "assessment_report_issued",
            obj_type="assessment",
            obj_id=locked.pk,
            before=before,
            after=locked.snapshot(),
            detail={"reports": [i.pk for i in items], "languages": list(languages)},
        )
    assessment.refresh_from_db()
    return items
