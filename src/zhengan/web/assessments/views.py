"""Assessment pages: assessors, planning, the team check, results, the drill, completion and the report.

Every assessment view finds its assessment through `services.visible_assessments(user)`, so an external
assessor reaches only the assessments whose team they are on (404 for the others).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengan.catalog.loader import load_catalog
from zhengan.web.accounts.roles import role_required
from zhengan.web.assessments import report_data, services
from zhengan.web.assessments.forms import (
    AssessmentForm,
    AssessorForm,
    DrillForm,
    IssueForm,
    QualificationForm,
    ResultForm,
)
from zhengan.web.assessments.models import Assessment, Assessor, Drill, Qualification, Result
from zhengan.web.audit.events import log


def _assessment(request, pk: int) -> Assessment:
    return get_object_or_404(services.visible_assessments(request.user), pk=pk)


def _refused(request, assessment: Assessment, error: Exception):
    messages.error(request, str(error))
    return redirect("assessments:detail", pk=assessment.pk)


# --- assessors -----------------------------------------------------------------------------------------


@role_required("assessments:assessors")
def assessors_view(request):
    assessors = Assessor.objects.prefetch_related("qualifications").select_related("user")
    return render(request, "assessments/assessors.html", {"assessors": assessors})


@role_required("assessments:assessor_create")
def assessor_create_view(request):
    form = AssessorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessor = form.save()
        log(request, "assessor_created", obj_type="assessor", obj_id=assessor.pk, after=assessor.snapshot())
        messages.success(request, _("The assessor was saved. Add their qualifications."))
        return redirect("assessments:assessor_edit", pk=assessor.pk)
    return render(request, "assessments/assessor_form.html", {"form": form, "assessor": None})


@role_required("assessments:assessor_edit")
def assessor_edit_view(request, pk: int):
    """The assessor's facts and declarations, and their qualifications (add or remove)."""
    assessor = get_object_or_404(Assessor, pk=pk)
    form = AssessorForm(instance=assessor)
    qualification_form = QualificationForm(prefix="q")
    if request.method == "POST":
        before = assessor.snapshot()
        action = request.POST.get("action", "assessor")
        if action == "qualification":
            qualification_form = QualificationForm(request.POST, prefix="q")
            if qualification_form.is_valid():
                qualification = qualification_form.save(commit=False)
                qualification.assessor = assessor
                qualification.save()
                log(
                    request,
                    "assessor_qualification_added",
                    obj_type="assessor",
                    obj_id=assessor.pk,
                    before=before,
                    after=assessor.snapshot(),
                )
                messages.success(request, _("The qualification was added."))
                return redirect("assessments:assessor_edit", pk=assessor.pk)
        elif action == "remove_qualification":
            qualification = get_object_or_404(
                Qualification, pk=request.POST.get("qualification"), assessor=assessor
            )
            qualification.delete()
            log(
                request,
                "assessor_qualification_removed",
                obj_type="assessor",
                obj_id=assessor.pk,
                before=before,
                after=assessor.snapshot(),
            )
            messages.success(request, _("The qualification was removed."))
            return redirect("assessments:assessor_edit", pk=assessor.pk)
        else:
            form = AssessorForm(request.POST, instance=assessor)
            if form.is_valid():
                form.save()
                log(
                    request,
                    "assessor_updated",
                    obj_type="assessor",
                    obj_id=assessor.pk,
                    before=before,
                    after=assessor.snapshot(),
                )
                messages.success(request, _("The assessor was saved."))
                return redirect("assessments:assessor_edit", pk=assessor.pk)
    return render(
        request,
        "assessments/assessor_form.html",
        {"form": form, "assessor": assessor, "qualification_form": qualification_form},
    )


# --- assessments -----------------------------------------------------------------------------------------


@role_required("assessments:list")
def list_view(request):
    assessments = services.visible_assessments(request.user).prefetch_related("systems")
    return render(request, "assessments/list.html", {"assessments": assessments})


@role_required("assessments:plan")
def plan_view(request):
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment = form.save(commit=False)
        assessment.created_by = request.user
        assessment.save()
        form.save_m2m()
        assessment.control_ids = services.scope_control_ids(list(assessment.systems.all()))
        assessment.save(update_fields=["control_ids"])
        log(
            request,
            "assessment_planned",
            obj_type="assessment",
            obj_id=assessment.pk,
            after=assessment.snapshot(),
        )
        messages.success(request, _("The assessment was planned."))
        return redirect("assessments:detail", pk=assessment.pk)
    return render(request, "assessments/plan.html", {"form": form, "assessment": None})


@role_required("assessments:edit")
def edit_view(request, pk: int):
    """The plan and the team, while the assessment is still planned (the items follow the systems)."""
    assessment = _assessment(request, pk)
    if assessment.status != Assessment.Status.PLANNED:
        return _refused(
            request,
            assessment,
            services.AssessmentRefused(
                "僅規劃中之評估可修改計畫 / only a planned assessment's plan can be changed"
                if not assessment.frozen
                else "評估報告已出具，本評估已凍結，不得修改 / the report is issued and the assessment is frozen"
            ),
        )
    form = AssessmentForm(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        before = assessment.snapshot()
        assessment = form.save()
        assessment.control_ids = services.scope_control_ids(list(assessment.systems.all()))
        assessment.save(update_fields=["control_ids"])
        log(
            request,
            "assessment_plan_updated",
            obj_type="assessment",
            obj_id=assessment.pk,
            before=before,
            after=assessment.snapshot(),
        )
        messages.success(request, _("The plan was saved."))
        return redirect("assessments:detail", pk=assessment.pk)
    return render(request, "assessments/plan.html", {"form": form, "assessment": assessment})


@role_required("assessments:detail")
def detail_view(request, pk: int):
    from zhengan.web.findings.models import Finding

    assessment = _assessment(request, pk)
    catalog = load_catalog()
    systems = list(assessment.systems.order_by("name"))
    results = {
        (r.control_id, r.system_id): r
        for r in Result.objects.filter(assessment=assessment).prefetch_related("evidence")
    }
    rows = []
    for cid in assessment.control_ids:
        control = catalog.control(cid)
        for system in services.targets(cid, systems):
            rows.append({"control": control, "system": system, "result": results.get((cid, system.pk))})
    try:
        drill = assessment.drill
    except Drill.DoesNotExist:
        drill = None
    check = services.team_check(assessment) if assessment.status == Assessment.Status.PLANNED else None
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "systems": systems,
            "team": assessment.team.prefetch_related("qualifications"),
            "rows": rows,
            "recorded": len(results),
            "section_4_missing": len(services.section_4_gaps(assessment))
            if assessment.status == Assessment.Status.IN_PROGRESS
            else None,
            "check": check,
            "drill": drill,
            "findings": Finding.objects.filter(assessment=assessment),
            "reports": assessment.reports.all(),
            "may_record": services.on_team(assessment, request.user),
            "issue_form": IssueForm(),
        },
    )


@role_required("assessments:start")
@require_POST
def start_view(request, pk: int):
    assessment = _assessment(request, pk)
    try:
        services.start(request, assessment)
    except services.AssessmentRefused as error:
        return _refused(request, assessment, error)
    messages.success(request, _("The assessment has started."))
    return redirect("assessments:detail", pk=assessment.pk)


@role_required("assessments:record")
def record_view(request, pk: int):
    """One result for one control on one system; only an assessor on the team records (AP-7)."""
    from zhengan.web.evidence.services import EvidenceRefused, add_evidence

    assessment = _assessment(request, pk)
    if not services.on_team(assessment, request.user):
        log(request, "access_denied", detail={"view": "assessments:record", "assessment": assessment.pk})
        raise PermissionDenied("not on the team")
    control_id = request.GET.get("control") or request.POST.get("control") or ""
    system_id = request.GET.get("system") or request.POST.get("system") or ""
    if not control_id or not system_id.isdigit():
        return redirect("assessments:detail", pk=assessment.pk)
    if control_id not in assessment.control_ids:
        raise Http404("not an item of this assessment")
    system = get_object_or_404(assessment.systems, pk=int(system_id))
    try:
        services.refuse_if_frozen(assessment)
        if assessment.status != Assessment.Status.IN_PROGRESS:
            raise services.AssessmentRefused(
                "僅進行中之評估可記錄結果 / results are recorded only while the assessment is in progress"
            )
    except services.AssessmentRefused as error:
        return _refused(request, assessment, error)
    result = Result.objects.filter(assessment=assessment, control_id=control_id, system=system).first()
    initial = {"value": result.value, "note": result.note} if result else {}
    form = ResultForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        items = []
        try:
            if data.get("evidence_file"):
                item = add_evidence(
                    data["evidence_file"],
                    user=request.user,
                    owner=request.user,
                    title=data["evidence_title"],
                    effective_on=timezone.localdate(),
                    control_ids=[control_id],
                    description=f"assessment {assessment.pk}: {control_id} / {system.name}",
                )
                log(request, "evidence_added", obj_type="evidence", obj_id=item.pk, after=item.snapshot())
                items.append(item)
            services.record_result(
                request, assessment, control_id, system, data["value"], data["note"], items
            )
        except EvidenceRefused as error:
            form.add_error("evidence_file", str(error))
        except services.AssessmentRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The result was recorded."))
            return redirect("assessments:detail", pk=assessment.pk)
    return render(
        request,
        "assessments/record.html",
        {
            "assessment": assessment,
            "control": load_catalog().control(control_id),
            "system": system,
            "result": result,
            "form": form,
        },
    )


@role_required("assessments:drill")
def drill_view(request, pk: int):
    """The AP-6 social-engineering drill whose results go into the report (AP-8.1)."""
    assessment = _assessment(request, pk)
    try:
        services.refuse_if_frozen(assessment)
    except services.AssessmentRefused as error:
        return _refused(request, assessment, error)
    drill = Drill.objects.filter(assessment=assessment).first()
    form = DrillForm(request.POST or None, instance=drill)
    if request.method == "POST" and form.is_valid():
        before = drill.snapshot() if drill else None
        drill = form.save(commit=False)
        drill.assessment = assessment
        drill.save()
        log(
            request,
            "assessment_drill_recorded",
            obj_type="assessment",
            obj_id=assessment.pk,
            before=before,
            after=drill.snapshot(),
        )
        messages.success(request, _("The drill was recorded."))
        return redirect("assessments:detail", pk=assessment.pk)
    return render(request, "assessments/drill.html", {"assessment": assessment, "form": form})


@role_required("assessments:complete")
@require_POST
def complete_view(request, pk: int):
    assessment = _assessment(request, pk)
    try:
        services.complete(request, assessment)
    except services.AssessmentRefused as error:
        return _refused(request, assessment, error)
    messages.success(request, _("The assessment is completed; the systems' next assessment dates moved."))
    return redirect("assessments:detail", pk=assessment.pk)


@role_required("assessments:issue")
@require_POST
def issue_view(request, pk: int):
    assessment = _assessment(request, pk)
    form = IssueForm(request.POST)
    languages = tuple(form.cleaned_data["languages"]) if form.is_valid() else ("zh",)
    try:
        report_data.issue(request, assessment, languages)
    except services.AssessmentRefused as error:
        return _refused(request, assessment, error)
    messages.success(request, _("The report was issued and stored as evidence; the assessment is frozen."))
    return redirect("assessments:detail", pk=assessment.pk)


@role_required("assessments:download")
def download_view(request, pk: int, item: int):
    """A report or an evidence file of this assessment, to whoever may see the assessment."""
    from zhengan.web.evidence.models import EvidenceItem
    from zhengan.web.evidence.services import download_response

    assessment = _assessment(request, pk)
    linked = (
        assessment.reports.filter(pk=item).exists()
        or Result.objects.filter(assessment=assessment, evidence__pk=item).exists()
    )
    if not linked:
        raise Http404("not evidence of this assessment")
    return download_response(request, get_object_or_404(EvidenceItem, pk=item))
