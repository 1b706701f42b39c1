"""Findings pages: lists, one finding with its history, raising and editing, the workflow steps, risk
acceptance and the AP-8.3 follow-up reports. Thin: the work is in services; every change is audited."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhengan.web.accounts.models import User
from zhengan.web.accounts.roles import role_required
from zhengan.web.audit.events import log, source_ip
from zhengan.web.evidence.services import EvidenceRefused, add_evidence
from zhengan.web.findings import forms, imports, services
from zhengan.web.findings.models import Finding, FollowUpReport
from zhengan.web.register.models import InformationSystem

# AP-8.4: assessment reports and their remediation documents are kept five years.
EVIDENCE_CONTROLS = ["AP-8.4"]


def _store_file(request, upload, title: str, control_ids: list[str]):
    if upload is None:
        return None
    return add_evidence(
        upload,
        user=request.user,
        owner=request.user,
        title=title,
        effective_on=timezone.localdate(),
        control_ids=list(dict.fromkeys([*control_ids, *EVIDENCE_CONTROLS])),
    )


def _policy() -> dict:
    """The firm's severity policy for the form page: the days per finding severity and the source."""
    policy = services.severity_policy()
    days = [(severity, policy.deadlines_days[severity]) for severity in Finding.Severity.values]
    return {"policy": policy, "deadlines": days}


def _filters(request) -> services.Filters:
    get = request.GET
    return services.Filters(
        status=get.get("status", "") if get.get("status", "") in Finding.Status.values else "",
        severity=get.get("severity", "") if get.get("severity", "") in Finding.Severity.values else "",
        category=get.get("category", "") if get.get("category", "") in Finding.Category.values else "",
        overdue=get.get("overdue") == "1",
        q=get.get("q", "").strip()[:100],
    )


def _list(request, filters: services.Filters, overdue_page: bool):
    services.reopen_expired()
    today = timezone.localdate()
    findings = list(services.filtered(filters, today))
    for finding in findings:
        finding.overdue = services.is_overdue(finding, today)
    return render(
        request,
        "findings/list.html",
        {
            "findings": findings,
            "filters": filters,
            "overdue_page": overdue_page,
            "statuses": Finding.Status.choices,
            "severities": Finding.Severity.choices,
            "categories": Finding.Category.choices,
        },
    )


@role_required("findings:list")
def list_view(request):
    return _list(request, _filters(request), overdue_page=False)


@role_required("findings:overdue")
def overdue_view(request):
    filters = _filters(request)
    filters.overdue = True
    return _list(request, filters, overdue_page=True)


@role_required("findings:detail")
def detail_view(request, pk: int):
    services.reopen_expired()
    finding = get_object_or_404(Finding.objects.select_related("owner", "assessment", "created_by"), pk=pk)
    return render(
        request,
        "findings/detail.html",
        {
            "finding": finding,
            "overdue": services.is_overdue(finding),
            "events": finding.events.select_related("user"),
            "acceptances": finding.risk_acceptances.select_related("recorded_by"),
            "acceptance": services.current_acceptance(finding),
            "followups": finding.followup_lines.select_related("report"),
        },
    )


@role_required("findings:create")
def create_view(request):
    form = forms.FindingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            with transaction.atomic():
                evidence = _store_file(request, upload, data["title"], data["control_ids"])
                finding = services.create_finding(
                    user=request.user,
                    evidence=[evidence] if evidence else [],
                    source=services.source_for(request.user, data["assessment"]),
                    **data,
                )
        except (EvidenceRefused, services.WorkflowRefused) as error:
            form.add_error(None, str(error))
        else:
            log(
                request,
                "finding_raised",
                obj_type="finding",
                obj_id=finding.pk,
                after=services.snapshot(finding),
            )
            messages.success(request, _("Finding %(ref)s was raised.") % {"ref": finding.reference})
            return redirect("findings:detail", pk=finding.pk)
    return render(request, "findings/form.html", {"form": form, "finding": None, **_policy()})


# --- importing check results: upload, preview (a dry run), confirm ------------------------------------

IMPORT_SESSION_KEY = "findings_import"


@role_required("findings:import")
def import_view(request):
    """Upload check result files; the preview is a dry run of the import, kept in the session (the files,
    the systems, the owner) until the user confirms it. A bad file names itself and its field and nothing
    is imported from any file."""
    if request.method == "POST" and "confirm" in request.POST:
        return _import_confirm(request)
    # A new upload (or a fresh form) drops an earlier preview: its files stay in the session until then.
    request.session.pop(IMPORT_SESSION_KEY, None)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    preview, token = None, ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contents = [(upload.name, upload.read()) for upload in data["files"]]
        try:
            results = imports.read_results(contents)
            preview = imports.run_import(
                results,
                user=request.user,
                owner=data["owner"],
                systems=data["systems"],
                include_warnings=data["include_warnings"],
                dry_run=True,
            )
        except imports.ImportRefused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
            form.add_error(None, _("Nothing was imported."))
        else:
            token = secrets.token_urlsafe(16)
            request.session[IMPORT_SESSION_KEY] = {
                "token": token,
                "files": [[name, raw.decode("utf-8")] for name, raw in contents],
                "systems": [system.pk for system in data["systems"]],
                "owner": data["owner"].pk if data["owner"] else None,
                "include_warnings": data["include_warnings"],
            }
    return render(
        request,
        "findings/import.html",
        {
            "form": form,
            "preview": preview,
            "summary": preview.summary().get(get_language() or "zh-hant") if preview else "",
            "token": token,
            "severities": Finding.Severity.choices,
        },
    )


def _import_confirm(request):
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or not secrets.compare_digest(stored["token"], request.POST.get("token", "")):
        messages.error(request, _("The preview has expired: choose the files again."))
        return redirect("findings:import")
    systems = list(InformationSystem.objects.filter(pk__in=stored["systems"]))
    owner = User.objects.filter(pk=stored["owner"], is_active=True).first() if stored["owner"] else None
    if len(systems) != len(stored["systems"]) or (stored["owner"] and owner is None):
        messages.error(request, _("A system or the owner changed since the preview: choose again."))
        return redirect("findings:import")
    try:
        results = imports.read_results([(name, text.encode("utf-8")) for name, text in stored["files"]])
        report = imports.run_import(
            results,
            user=request.user,
            source_ip=source_ip(request),
            owner=owner,
            systems=systems,
            include_warnings=stored["include_warnings"],
        )
    except imports.ImportRefused as refused:
        messages.error(request, str(refused))
        return redirect("findings:import")
    del request.session[IMPORT_SESSION_KEY]
    messages.success(request, report.summary().get(get_language() or "zh-hant"))
    return redirect("findings:list")


@role_required("findings:edit")
def edit_view(request, pk: int):
    finding = get_object_or_404(Finding, pk=pk)
    initial = {
        name: getattr(finding, name) for name in (*services.FIELDS, "assessment", "owner", "raised_on")
    }
    initial["control_ids"] = " ".join(finding.control_ids)
    initial["systems"] = list(finding.systems.all())
    form = forms.FindingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        before = services.snapshot(finding)
        try:
            with transaction.atomic():
                evidence = _store_file(request, upload, data["title"], data["control_ids"])
                finding = services.update_finding(
                    finding, user=request.user, evidence_added=[evidence] if evidence else [], **data
                )
        except (EvidenceRefused, services.WorkflowRefused) as error:
            form.add_error(None, str(error))
        else:
            after = services.snapshot(finding)
            log(request, "finding_edited", obj_type="finding", obj_id=finding.pk, before=before, after=after)
            messages.success(request, _("The finding was saved."))
            return redirect("findings:detail", pk=finding.pk)
    return render(
        request,
        "findings/form.html",
        {"form": form, "finding": finding, **_policy()},
    )


def _step(request, finding, form, step: str, title: str, do):
    """Common shape of a workflow step: a form page, the service call, the audit entry."""
    if request.method == "POST" and form.is_valid():
        before = services.snapshot(finding)
        try:
            with transaction.atomic():  # an evidence row is not kept when the step is refused
                finding = do(form.cleaned_data)
        except (EvidenceRefused, services.WorkflowRefused) as error:
            form.add_error(None, str(error))
        else:
            after = services.snapshot(finding)
            log(request, f"finding_{step}", obj_type="finding", obj_id=finding.pk, before=before, after=after)
            messages.success(
                request,
                _("%(ref)s: %(status)s.")
                % {"ref": finding.reference, "status": finding.get_status_display()},
            )
            return redirect("findings:detail", pk=finding.pk)
    return render(
        request, "findings/step.html", {"form": form, "finding": finding, "step": step, "title": title}
    )


@role_required("findings:plan")
def plan_view(request, pk: int):
    finding = get_object_or_404(Finding, pk=pk)
    form = forms.PlanForm(
        request.POST or None, initial={"plan": finding.plan, "planned_on": finding.planned_on}
    )

    def do(data):
        return services.plan(
            finding, user=request.user, plan_text=data["plan"], planned_on=data["planned_on"]
        )

    return _step(request, finding, form, "planned", _("Plan the remediation"), do)


@role_required("findings:remediate")
def remediate_view(request, pk: int):
    finding = get_object_or_404(Finding, pk=pk)
    form = forms.RemediateForm(request.POST or None, request.FILES or None)

    def do(data):
        title = _("Remediation of %(ref)s") % {"ref": finding.reference}
        evidence = _store_file(request, data["file"], title, finding.control_ids)
        return services.remediate(
            finding,
            user=request.user,
            what_was_done=data["remediation"],
            remediated_on=data["remediated_on"],
            evidence=[evidence] if evidence else [],
        )

    return _step(request, finding, form, "remediated", _("Record the remediation"), do)


@role_required("findings:verify")
def verify_view(request, pk: int):
    finding = get_object_or_404(Finding, pk=pk)
    form = forms.VerifyForm(request.POST or None)

    def do(data):
        return services.verify(
            finding, user=request.user, accepted=data["outcome"] == "verified", note=data["note"]
        )

    return _step(request, finding, form, "verified", _("Verify the remediation"), do)


@role_required("findings:accept_risk")
def accept_risk_view(request, pk: int):
    finding = get_object_or_404(Finding, pk=pk)
    form = forms.RiskAcceptanceForm(request.POST or None)

    def do(data):
        services.accept_risk(finding, user=request.user, **data)
        return Finding.objects.get(pk=finding.pk)

    return _step(request, finding, form, "risk_accepted", _("Accept the risk"), do)


@role_required("findings:followups")
def followups_view(request):
    reports = FollowUpReport.objects.select_related("recorded_by", "minutes").prefetch_related("lines")
    return render(request, "findings/followups.html", {"reports": reports})


@role_required("findings:followup_detail")
def followup_detail_view(request, pk: int):
    report = get_object_or_404(FollowUpReport.objects.select_related("minutes", "recorded_by"), pk=pk)
    return render(
        request,
        "findings/followup_detail.html",
        {"report": report, "lines": report.lines.select_related("finding")},
    )


@role_required("findings:followup_create")
def followup_create_view(request):
    services.reopen_expired()
    form = forms.FollowUpForm(
        request.POST or None,
        request.FILES or None,
        initial={"findings": list(Finding.objects.filter(status__in=services.NOT_CLOSED))},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                minutes = _store_file(request, data["file"], _("Follow-up report minutes"), ["AP-8.3"])
                report = services.record_followup(
                    user=request.user,
                    reported_on=data["reported_on"],
                    recipient=data["recipient"],
                    recipient_name=data["recipient_name"],
                    note=data["note"],
                    findings=data["findings"],
                    minutes=minutes,
                )
        except (EvidenceRefused, services.WorkflowRefused) as error:
            form.add_error(None, str(error))
        else:
            after = {
                "reported_on": str(report.reported_on),
                "recipient": report.recipient,
                "recipient_name": report.recipient_name,
                "lines": [[line.finding_id, line.status, str(line.deadline)] for line in report.lines.all()],
                "minutes": report.minutes_id,
            }
            log(
                request,
                "finding_followup_reported",
                obj_type="followup_report",
                obj_id=report.pk,
                after=after,
            )
            messages.success(request, _("The follow-up report was recorded."))
            return redirect("findings:followup_detail", pk=report.pk)
    return render(request, "findings/followup_form.html", {"form": form})
