from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhengan.policies import DEFAULT_POLICIES, firm_choices, from_yaml, to_yaml
from zhengan.soa import write_csv, write_xlsx
from zhengan.web.accounts.roles import role_required
from zhengan.web.audit.events import log
from zhengan.web.firm import policies, services
from zhengan.web.firm.forms import FirmProfileForm
from zhengan.yamlutil import InputFileError


@role_required("firm:profile")
def profile_view(request):
    """The profile and the statement of applicability that follows from it."""
    profile = services.current_profile()
    soa = services.statement_for(profile) if profile else None
    show = request.GET.get("show", "applicable")
    decisions = []
    if soa is not None:
        decisions = [d for d in soa.decisions if show == "all" or d.applies == (show == "applicable")]
    return render(
        request,
        "firm/profile.html",
        {
            "profile": profile,
            "soa": soa,
            "rows": [(d, soa.control(d.control_id)) for d in decisions] if soa else [],
            "show": show,
            "changes": request.session.pop("soa_changes", None),
        },
    )


@role_required("firm:edit")
def edit_view(request):
    before = services.current_profile()
    if request.method == "POST":
        form = FirmProfileForm(request.POST)
        if form.is_valid():
            old, new = services.save_profile(form.profile, request.user)
            log(
                request,
                "firm_profile_updated" if old else "firm_profile_created",
                obj_type="firm_profile",
                obj_id=1,
                before=old,
                after=new,
            )
            request.session["soa_changes"] = services.changes(before, form.profile)
            messages.success(request, _("The firm profile was saved."))
            return redirect("firm:profile")
    else:
        form = FirmProfileForm(initial=FirmProfileForm.initial_from(before) if before else None)
    return render(request, "firm/edit.html", {"form": form})


def _export(request, suffix: str, writer, content_type: str):
    soa = services.current_statement()
    if soa is None:
        messages.error(request, _("Enter the firm profile first."))
        return redirect("firm:profile")
    directory = Path(tempfile.mkdtemp(prefix="zhengan-soa-"))
    path = writer(soa, directory / f"statement-of-applicability.{suffix}")
    log(request, "soa_exported", obj_type="firm_profile", obj_id=1, detail={"format": suffix})
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type=content_type
    )
    return response


@role_required("firm:export_xlsx")
def export_xlsx_view(request):
    return _export(
        request, "xlsx", write_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@role_required("firm:export_csv")
def export_csv_view(request):
    return _export(request, "csv", write_csv, "text/csv; charset=utf-8")


@role_required("firm:policies")
def policies_view(request):
    current = policies.current_policies()
    return render(
        request,
        "firm/policies.html",
        {"text": to_yaml(current), "choices": firm_choices(current), "defaults": to_yaml(DEFAULT_POLICIES)},
    )


@role_required("firm:policies_edit")
def policies_edit_view(request):
    text = (
        request.POST.get("policies", "") if request.method == "POST" else to_yaml(policies.current_policies())
    )
    errors = []
    if request.method == "POST":
        try:
            chosen = from_yaml(text)
        except InputFileError as error:
            errors = [
                f"line {line or '?'} · {field or '-'}: {message}" for line, field, message in error.problems
            ]
        else:
            before, after = policies.save_policies(chosen, request.user)
            log(
                request,
                "firm_policies_updated",
                obj_type="firm_policies",
                obj_id=1,
                before=before,
                after=after,
            )
            messages.success(request, _("The firm's policies were saved."))
            return redirect("firm:policies")
    return render(request, "firm/policies_edit.html", {"text": text, "errors": errors})
