"""Assessments read through the rules: scope items, who sees what, the team check, and the state changes.

Views stay thin; everything that decides lives here (or in the pure core: zhengan.assessor_rules,
zhengan.reports). Every state change is audited by the caller's request via `zhengan.web.audit.events.log`.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from zhengan.assessor_rules import TeamCheck, check_team
from zhengan.catalog.loader import load_catalog
from zhengan.text import Text
from zhengan.web.accounts.roles import EXTERNAL_ASSESSOR
from zhengan.web.assessments.models import Assessment, Assessor, Result
from zhengan.web.audit.events import log

# AP-4: "第一類、第二類及第三類資通系統應依前項評估項目全部納入" - every class is assessed on every item of
# section 4, so the section 4 items are in every assessment's scope whatever the systems are.
SECTION_4_PREFIX = "AP-4."


STATUS_TEXT = {
    "planned": Text(zh="規劃中", en="planned"),
    "in_progress": Text(zh="進行中", en="in progress"),
    "completed": Text(zh="已完成", en="completed"),
    "issued": Text(zh="已出具報告", en="issued"),
}


class AssessmentRefused(ValueError):
    """A state change the rules do not allow now; the message is bilingual and says why."""


# --- scope --------------------------------------------------------------------------------------------


def section_4_items() -> list[str]:
    """The 004 section 4 assessment items: the leaf controls under AP-4 (lead-ins are covered by them)."""
    catalog = load_catalog()
    ids = [cid for cid in catalog.controls if cid.startswith(SECTION_4_PREFIX)]
    return [cid for cid in ids if not any(c in catalog.controls for c in catalog.children_of(cid))]


def _applies() -> dict[str, bool] | None:
    from zhengan.web.firm.services import current_statement

    statement = current_statement()
    if statement is None:
        return None
    return {d.control_id: d.applies for d in statement.decisions}


def scope_control_ids(systems) -> list[str]:
    """The assessment items for these systems: the section 4 items (AP-4), then every control that applies
    to the firm and names a system scope one of the systems is in (catalogue `system_scope`)."""
    catalog = load_catalog()
    applies = _applies()
    scopes = set().union(*(s.scopes for s in systems)) if systems else set()
    ids = section_4_items()
    for cid, control in catalog.controls.items():
        if cid.startswith(SECTION_4_PREFIX) or not control.system_scope:
            continue
        if applies is not None and not applies.get(cid, False):
            continue
        if scopes & set(control.system_scope):
            ids.append(cid)
    return ids


def targets(control_id: str, systems) -> list:
    """The systems one item is assessed on: all of them for section 4 items, else those in its scope."""
    control = load_catalog().control(control_id)
    if control_id.startswith(SECTION_4_PREFIX) or not control.system_scope:
        return list(systems)
    return [s for s in systems if s.scopes & set(control.system_scope)]


def pairs(assessment: Assessment) -> list[tuple[str, object]]:
    """Every (control id, system) the assessment must give a result for, in item order."""
    systems = list(assessment.systems.order_by("name"))
    return [(cid, system) for cid in assessment.control_ids for system in targets(cid, systems)]


# --- who sees and who edits ----------------------------------------------------------------------------


def visible_assessments(user):
    """Insiders see every assessment; an external assessor only those whose team they are on."""
    queryset = Assessment.objects.all()
    if user.role == EXTERNAL_ASSESSOR:
        queryset = queryset.filter(team__user=user).distinct()
    return queryset


def on_team(assessment: Assessment, user) -> bool:
    return assessment.team.filter(user=user).exists()


# --- the team check (AP-7) -----------------------------------------------------------------------------


def pure_assessor(assessor: Assessor):
    from zhengan.reports.assessment_data import Assessor as PureAssessor
    from zhengan.reports.assessment_data import Qualification as PureQualification

    return PureAssessor(
        name=assessor.name,
        organisation=assessor.organisation,
        role=assessor.team_role or assessor.get_kind_display(),
        qualifications=[
            PureQualification(
                category=q.category,
                name=q.name,
                certificate_number=q.certificate_number or None,
                expires_on=q.expires_on,
            )
            for q in assessor.qualifications.all()
        ],
        independence_declared=assessor.independence_declared_on is not None,
        confidentiality_pledge_signed=assessor.confidentiality_pledge_on is not None,
        no_concealment_undertaking=assessor.no_concealment_on is not None,
    )


def team_check(assessment: Assessment, on: date | None = None) -> TeamCheck:
    """AP-7.2 for the classes in scope, and each member's AP-7.1/7.3/7.4 declarations."""
    on = on or timezone.localdate()
    team = [pure_assessor(a) for a in assessment.team.prefetch_related("qualifications")]
    classes = sorted({int(s.system_class) for s in assessment.systems.all()})
    return check_team(team, classes, on)


# --- state changes ----------------------------------------------------------------------------------------


def refuse_if_frozen(assessment: Assessment) -> None:
    if assessment.frozen:
        raise AssessmentRefused(
            "評估報告已出具，本評估已凍結，不得修改 / the report is issued and the assessment is frozen; "
            "nothing can be changed"
        )


def _require(assessment: Assessment, status: str, what: Text) -> None:
    refuse_if_frozen(assessment)
    if assessment.status != status:
        current = STATUS_TEXT[assessment.status]
        raise AssessmentRefused(
            f"{what.zh}：本評估目前{current.zh} / {what.en}: the assessment is {current.en}"
        )


def start(request, assessment: Assessment) -> None:
    """Planned -> in progress, only when the team passes AP-7 (else the refusal lists every gap)."""
    _require(
        assessment,
        Assessment.Status.PLANNED,
        Text(zh="僅規劃中之評估可開始", en="only a planned one can start"),
    )
    if not assessment.systems.exists():
        raise AssessmentRefused("評估範圍未含任何資通系統 / no system is in scope")
    check = team_check(assessment)
    if not check.may_start:
        raise AssessmentRefused(
            "評估團隊不符 AP-7，不得開始 / the team does not meet AP-7 and cannot start: "
            + "；".join(p.both() for p in check.problems)
        )
    before = assessment.snapshot()
    assessment.status = Assessment.Status.IN_PROGRESS
    assessment.started_on = timezone.localdate()
    assessment.save(update_fields=["status", "started_on"])
    log(
        request,
        "assessment_started",
        obj_type="assessment",
        obj_id=assessment.pk,
        before=before,
        after=assessment.snapshot(),
        detail={"covered": sorted(check.covered)},
    )


def record_result(
    request, assessment: Assessment, control_id: str, system, value: str, note: str, evidence_items=()
) -> Result:
    """One result for one (control, system) pair; not applicable needs its reason in the note."""
    _require(
        assessment,
        Assessment.Status.IN_PROGRESS,
        Text(zh="僅進行中之評估可記錄結果", en="results are recorded only while in progress"),
    )
    if (control_id, system) not in [(c, s) for c, s in pairs(assessment)]:
        raise AssessmentRefused(
            f"{control_id} 於 {system} 不在本評估範圍 / {control_id} on {system} is not in this assessment"
        )
    if value not in Result.Value.values:
        raise AssessmentRefused(f"未知的結果 / unknown result: {value}")
    if value == Result.Value.NOT_APPLICABLE and not note.strip():
        raise AssessmentRefused("不適用須說明理由 / not applicable needs a reason")
    with transaction.atomic():
        result = Result.objects.filter(assessment=assessment, control_id=control_id, system=system).first()
        before = result.snapshot() if result else None
        if result is None:
            result = Result(assessment=assessment, control_id=control_id, system=system)
        result.value, result.note = value, note.strip()
        result.recorded_by, result.recorded_at = request.user, timezone.now()
        result.save()
        if evidence_items:
            result.evidence.add(*evidence_items)
        log(
            request,
            "assessment_result_recorded",
            obj_type="assessment",
            obj_id=assessment.pk,
            before=before,
            after=result.snapshot(),
        )
    return result


def section_4_gaps(assessment: Assessment) -> list[tuple[str, object]]:
    """The (section 4 item, system) pairs without a result, or recorded as "not assessed" (AP-4)."""
    items = set(section_4_items())
    systems = list(assessment.systems.order_by("name"))
    done = set(
        Result.objects.filter(assessment=assessment)
        .exclude(value=Result.Value.NOT_ASSESSED)
        .values_list("control_id", "system_id")
    )
    return [
        (cid, system)
        for cid in assessment.control_ids
        if cid in items
        for system in systems
        if (cid, system.pk) not in done
    ]


def complete(request, assessment: Assessment, on: date | None = None) -> None:
    """In progress -> completed; each scope system's `last_assessed_on` moves, so its next due date does
    (AP-3.1 cycles count from the last assessment; zhengan.web.register.services.assessment_due).

    Refused while a section 4 item lacks a result on a system (AP-4: every item is included), unless the
    firm's policy says otherwise (assessment.completion_requires_section_4)."""
    from zhengan.web.firm.policies import current_policies

    _require(
        assessment,
        Assessment.Status.IN_PROGRESS,
        Text(zh="僅進行中之評估可完成", en="only an assessment in progress can be completed"),
    )
    if current_policies().assessment.completion_requires_section_4:
        gaps = section_4_gaps(assessment)
        if gaps:
            shown = "、".join(f"{cid} @ {system.name}" for cid, system in gaps[:5])
            more = f" …（+{len(gaps) - 5}）" if len(gaps) > 5 else ""
            raise AssessmentRefused(
                f"第四點評估項目應全部納入（AP-4）：尚有 {len(gaps)} 組項目與系統未評估，例如 {shown}{more} / "
                f"every section 4 item must be assessed (AP-4): {len(gaps)} item-system pairs have no result, "
                f"e.g. {shown}{more}; record each (not applicable with a reason where it does not apply)"
            )
    on = on or timezone.localdate()
    with transaction.atomic():
        before = assessment.snapshot()
        assessment.status = Assessment.Status.COMPLETED
        assessment.completed_on = on
        assessment.save(update_fields=["status", "completed_on"])
        log(
            request,
            "assessment_completed",
            obj_type="assessment",
            obj_id=assessment.pk,
            before=before,
            after=assessment.snapshot(),
        )
        for system in assessment.systems.all():
            if system.last_assessed_on and system.last_assessed_on >= on:
                continue
            system_before = system.snapshot()
            system.last_assessed_on = on
            system.save(update_fields=["last_assessed_on"])
            log(
                request,
                "system_assessed",
                obj_type="information_system",
                obj_id=system.pk,
                before=system_before,
                after=system.snapshot(),
                detail={"assessment": assessment.pk},
            )
