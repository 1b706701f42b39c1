"""Evidence pages: the list, one item with its versions, upload, a new version, and the checked download."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from zhengan.web.accounts.roles import role_required
from zhengan.web.audit.events import log
from zhengan.web.evidence import services
from zhengan.web.evidence.forms import EvidenceForm, NewVersionForm
from zhengan.web.evidence.models import EvidenceItem


@role_required("evidence:list")
def list_view(request):
    items = EvidenceItem.objects.latest_versions().select_related("uploaded_by", "owner")
    control = request.GET.get("control", "").strip()
    if control:
        items = [i for i in items if control in i.control_ids]
    return render(request, "evidence/list.html", {"items": items, "control": control})


@role_required("evidence:detail")
def detail_view(request, pk: int):
    item = get_object_or_404(EvidenceItem, pk=pk)
    return render(request, "evidence/detail.html", {"item": item, "form": NewVersionForm()})


def _store(request, form, *, previous: EvidenceItem | None = None, **fields) -> EvidenceItem | None:
    """Store the form's file as evidence; on refusal put the reason on the form and return None."""
    data = form.cleaned_data
    try:
        item = services.add_evidence(
            data["file"], user=request.user, effective_on=data["effective_on"], previous=previous, **fields
        )
    except services.EvidenceRefused as error:
        form.add_error("file", str(error))
        return None
    before = previous.snapshot() if previous else None
    event = "evidence_version_added" if previous else "evidence_added"
    log(request, event, obj_type="evidence", obj_id=item.pk, before=before, after=item.snapshot())
    return item


@role_required("evidence:upload")
def upload_view(request):
    form = EvidenceForm(
        request.POST or None, request.FILES or None, initial={"control_ids": request.GET.get("control", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = _store(
            request,
            form,
            owner=request.user,
            title=data["title"],
            description=data["description"],
            control_ids=data["control_ids"],
        )
        if item is not None:
            messages.success(request, _("The evidence was stored."))
            return redirect("evidence:detail", pk=item.pk)
    return render(request, "evidence/upload.html", {"form": form})


@role_required("evidence:new_version")
def new_version_view(request, pk: int):
    previous = get_object_or_404(EvidenceItem, pk=pk)
    form = NewVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        item = _store(
            request,
            form,
            previous=previous,
            owner=previous.owner,
            title=previous.title,
            description=form.cleaned_data["description"] or previous.description,
            control_ids=list(previous.control_ids),
        )
        if item is not None:
            messages.success(request, _("The new version was stored; the earlier one is kept."))
            return redirect("evidence:detail", pk=item.pk)
    return render(request, "evidence/detail.html", {"item": previous, "form": form})


@role_required("evidence:download")
def download_view(request, pk: int):
    return services.download_response(request, get_object_or_404(EvidenceItem, pk=pk))
