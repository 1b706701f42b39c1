"""Register pages: systems (AP-3.1 class, AP-3.1/3.3 due date), devices and AP-3.2 samples, import/export,
and the assessment plan (AP-2.2). Thin: the rules live in zhengan.schedule, the files in zhengan.register_io
and zhengan.device_list, the writes in zhengan.web.register.services."""

from __future__ import annotations

import base64
import csv
import hashlib
import io

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from zhengan import register_io
from zhengan.web.accounts.roles import role_required
from zhengan.web.audit.events import log
from zhengan.web.register import services
from zhengan.web.register.forms import (
    ClassOverrideForm,
    DecommissionForm,
    DeviceGroupForm,
    DeviceListForm,
    ImportForm,
    IncidentForm,
    PlanForm,
    RedrawForm,
    SystemForm,
)
from zhengan.web.register.models import AssessmentPlan, DeviceGroup, DeviceSample, InformationSystem
from zhengan.yamlutil import InputFileError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_SESSION_KEY = "register_import"


def _due_json(due) -> dict | None:
    return {"due": due.due.isoformat(), "reason": due.reason.both()} if due else None


def _form_problems(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@role_required("register:list")
def list_view(request):
    show_all = request.GET.get("show") == "all"
    return render(
        request,
        "register/list.html",
        {
            "rows": services.register_rows(include_decommissioned=show_all),
            "show_all": show_all,
            "policy": services.current_policies().sampling,
            "plan": services.plan_status(),
        },
    )


@role_required("register:create")
def create_view(request):
    form = SystemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        system = form.save()
        log(request, "system_created", obj_type="system", obj_id=system.pk, after=system.snapshot())
        messages.success(request, _("The system was registered."))
        return redirect("register:detail", pk=system.pk)
    return render(request, "register/form.html", {"form": form, "system": None})


@role_required("register:edit")
def edit_view(request, pk: int):
    system = get_object_or_404(InformationSystem, pk=pk)
    before = system.snapshot()
    form = SystemForm(request.POST or None, instance=system)
    if request.method == "POST" and form.is_valid():
        system = form.save()
        log(
            request,
            "system_updated",
            obj_type="system",
            obj_id=system.pk,
            before=before,
            after=system.snapshot(),
        )
        messages.success(request, _("The system was saved."))
        return redirect("register:detail", pk=system.pk)
    return render(request, "register/form.html", {"form": form, "system": system})


@role_required("register:detail")
def detail_view(request, pk: int):
    system = get_object_or_404(
        InformationSystem.objects.prefetch_related("incidents", "device_groups"), pk=pk
    )
    return render(
        request,
        "register/detail.html",
        {
            "system": system,
            "due": services.assessment_due(system) if system.active else None,
            "derived": system.derived_class,
            "controls": services.binding_controls(system),
            "sample_size": services.sample_size(system),
            "policy": services.current_policies().sampling,
            "samples": system.samples.all()[:10],
            "override_form": ClassOverrideForm(
                initial={"class_override": system.class_override, "reason": system.class_override_reason}
            ),
            "incident_form": IncidentForm(prefix="incident"),
            "device_form": DeviceGroupForm(prefix="device"),
            "decommission_form": DecommissionForm(),
        },
    )


@role_required("register:override")
def override_view(request, pk: int):
    system = get_object_or_404(InformationSystem, pk=pk)
    form = ClassOverrideForm(request.POST)
    if not form.is_valid():
        _form_problems(request, form)
        return redirect("register:detail", pk=pk)
    before = system.snapshot()
    chosen = form.cleaned_data["class_override"]
    system.class_override = chosen
    system.class_override_reason = form.cleaned_data["reason"].strip() if chosen else ""
    system.save(update_fields=["class_override", "class_override_reason"])
    log(
        request,
        "system_class_set" if chosen else "system_class_cleared",
        obj_type="system",
        obj_id=pk,
        before=before,
        after=system.snapshot(),
        detail={"class": int(system.system_class), "reason": system.class_reason.both()},
    )
    messages.success(request, _("The class was saved."))
    return redirect("register:detail", pk=pk)


@role_required("register:incident")
def incident_view(request, pk: int):
    system = get_object_or_404(InformationSystem, pk=pk)
    form = IncidentForm(request.POST, prefix="incident")
    if not form.is_valid():
        _form_problems(request, form)
        return redirect("register:detail", pk=pk)
    before = services.assessment_due(system)
    incident = form.save(commit=False)
    incident.system = system
    incident.recorded_by = request.user
    incident.save()
    after = services.assessment_due(system)
    log(
        request,
        "incident_recorded",
        obj_type="system",
        obj_id=pk,
        before={"due": _due_json(before)},
        after={
            "incident": incident.pk,
            "kind": incident.kind,
            "confirmed_on": incident.confirmed_on,
            "reference": incident.reference,
            "due": _due_json(after),
        },
    )
    messages.success(request, _("The incident was recorded."))
    return redirect("register:detail", pk=pk)


@role_required("register:decommission")
def decommission_view(request, pk: int):
    system = get_object_or_404(InformationSystem, pk=pk)
    form = DecommissionForm(request.POST)
    if not form.is_valid():
        _form_problems(request, form)
        return redirect("register:detail", pk=pk)
    before = system.snapshot()
    system.decommissioned_on = form.cleaned_data["decommissioned_on"]
    system.save(update_fields=["decommissioned_on"])
    log(
        request, "system_decommissioned", obj_type="system", obj_id=pk, before=before, after=system.snapshot()
    )
    messages.success(request, _("The system was marked decommissioned; its history is kept."))
    return redirect("register:detail", pk=pk)


@role_required("register:device_group")
def device_group_view(request, pk: int):
    system = get_object_or_404(InformationSystem, pk=pk)
    form = DeviceGroupForm(request.POST, prefix="device")
    if not form.is_valid():
        _form_problems(request, form)
        return redirect("register:detail", pk=pk)
    group = form.save(commit=False)
    group.system = system
    group.save()
    log(request, "device_group_added", obj_type="system", obj_id=pk, after=group.snapshot())
    messages.success(request, _("The device group was added."))
    return redirect("register:detail", pk=pk)


@role_required("register:device_group_delete")
def device_group_delete_view(request, pk: int):
    group = get_object_or_404(DeviceGroup, pk=pk)
    if request.method == "POST":
        before = group.snapshot()
        group.delete()
        log(request, "device_group_removed", obj_type="system", obj_id=group.system_id, before=before)
        messages.success(request, _("The device group was removed."))
    return redirect("register:detail", pk=group.system_id)


@role_required("register:sample_draw")
def sample_draw_view(request, pk: int):
    system = get_object_or_404(InformationSystem, pk=pk)
    form = DeviceListForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sample = services.draw_sample(
                system, upload.read(), upload.name, user=request.user, size=form.cleaned_data["size"]
            )
        except InputFileError as error:
            problems = error.describe().splitlines()
        except services.SampleRefused as error:
            problems = [str(error)]
        else:
            log(request, "sample_drawn", obj_type="device_sample", obj_id=sample.pk, after=sample.snapshot())
            messages.success(request, _("The sample was drawn and recorded with its seed."))
            return redirect("register:sample", pk=sample.pk)
    return render(
        request,
        "register/sample_draw.html",
        {
            "system": system,
            "form": form,
            "problems": problems,
            "sample_size": services.sample_size(system),
            "policy": services.current_policies().sampling,
        },
    )


@role_required("register:sample")
def sample_view(request, pk: int):
    sample = get_object_or_404(DeviceSample.objects.select_related("system", "drawn_by"), pk=pk)
    return render(request, "register/sample.html", {"sample": sample, "form": RedrawForm(), "check": None})


@role_required("register:sample_redraw")
def sample_redraw_view(request, pk: int):
    """Anyone who reads the register can check a sample: the same list and the recorded seed, drawn again."""
    sample = get_object_or_404(DeviceSample.objects.select_related("system", "drawn_by"), pk=pk)
    form = RedrawForm(request.POST, request.FILES)
    check = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            same_list, drawn = services.redraw(sample, upload.read(), upload.name)
        except InputFileError as error:
            check = {"problems": error.describe().splitlines()}
        else:
            check = {"same_list": same_list, "same_sample": same_list and drawn == sample.devices}
            log(request, "sample_checked", obj_type="device_sample", obj_id=pk, detail=check)
    return render(request, "register/sample.html", {"sample": sample, "form": form, "check": check})


@role_required("register:sample_csv")
def sample_csv_view(request, pk: int):
    sample = get_object_or_404(DeviceSample.objects.select_related("system"), pk=pk)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(
        ["system", "device", "seed", "list_sha256", "size", "devices_in_list", "minimum", "reading"]
    )
    for device in sample.devices:
        writer.writerow(
            [
                sample.system.name,
                device,
                sample.seed,
                sample.list_sha256,
                sample.size,
                sample.device_count,
                sample.minimum,
                sample.reading,
            ]
        )
    log(request, "sample_exported", obj_type="device_sample", obj_id=pk)
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"sample-{sample.pk}-{sample.system.name}.csv"
    )
    return response


def _export(request, suffix: str, data: bytes, content_type: str) -> HttpResponse:
    log(request, "register_exported", obj_type="register", detail={"format": suffix})
    response = HttpResponse(data, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"register-{stamp}.{suffix}"
    )
    return response


@role_required("register:export_csv")
def export_csv_view(request):
    return _export(request, "csv", register_io.write_csv(services.export_rows()), "text/csv; charset=utf-8")


@role_required("register:export_xlsx")
def export_xlsx_view(request):
    return _export(request, "xlsx", register_io.write_xlsx(services.export_rows()), XLSX)


@role_required("register:import")
def import_view(request):
    """Upload -> preview with row errors -> confirm. The file waits in the session between the two steps."""
    form = ImportForm()
    result = None
    token = ""
    if request.method == "POST" and request.POST.get("action") == "confirm":
        pending = request.session.get(IMPORT_SESSION_KEY)
        if not pending or pending["token"] != request.POST.get("token"):
            messages.error(request, _("The file to import was not found; upload it again."))
            return redirect("register:import")
        data = base64.b64decode(pending["data"])
        result = register_io.read(data, pending["filename"])
        if result.file_errors or not result.rows:
            messages.error(request, _("Nothing can be imported from this file."))
            return redirect("register:import")
        if result.errors and request.POST.get("valid_only") != "yes":
            messages.error(
                request, _("The file has errors: confirm importing only the valid rows, or fix it.")
            )
            token = pending["token"]
        else:
            created, updated = services.import_rows([row for _line, row in result.rows], request)
            log(
                request,
                "register_imported",
                obj_type="register",
                detail={
                    "file": pending["filename"],
                    "sha256": pending["token"],
                    "created": created,
                    "updated": updated,
                    "rows_skipped": sorted(result.bad_lines),
                },
            )
            del request.session[IMPORT_SESSION_KEY]
            messages.success(
                request,
                _("Imported: %(created)s new, %(updated)s updated, %(skipped)s rows with errors skipped.")
                % {"created": created, "updated": updated, "skipped": len(result.bad_lines)},
            )
            return redirect("register:list")
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            result = register_io.read(data, upload.name)
            token = hashlib.sha256(data).hexdigest()
            request.session[IMPORT_SESSION_KEY] = {
                "token": token,
                "filename": upload.name,
                "data": base64.b64encode(data).decode("ascii"),
            }
    existing = set(InformationSystem.objects.values_list("name", flat=True))
    return render(
        request,
        "register/import.html",
        {"form": form, "result": result, "token": token, "existing": existing},
    )


@role_required("register:plan")
def plan_view(request):
    return render(
        request,
        "register/plan.html",
        {"status": services.plan_status(), "plans": AssessmentPlan.objects.select_related("document")},
    )


@role_required("register:plan_record")
def plan_record_view(request):
    from zhengan.web.evidence.services import EvidenceRefused, add_evidence

    form = PlanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                plan = form.save(commit=False)
                plan.recorded_by = request.user
                upload = form.cleaned_data.get("document_file")
                if upload:
                    plan.document = add_evidence(
                        upload,
                        user=request.user,
                        owner=request.user,
                        title=f"評估計畫核定 plan approval: {plan.title}",
                        effective_on=plan.approved_on,
                        control_ids=["AP-2.2"],
                    )
                    log(
                        request,
                        "evidence_added",
                        obj_type="evidence",
                        obj_id=plan.document.pk,
                        after=plan.document.snapshot(),
                    )
                plan.save()
                log(
                    request,
                    "assessment_plan_approved",
                    obj_type="assessment_plan",
                    obj_id=plan.pk,
                    after=plan.snapshot(),
                )
        except EvidenceRefused as error:
            form.add_error("document_file", str(error))
        else:
            messages.success(request, _("The approval of the assessment plan was recorded."))
            return redirect("register:plan")
    return render(request, "register/plan_form.html", {"form": form})
