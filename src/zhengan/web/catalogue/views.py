"""Dashboard, catalogue browser and control page: the catalogue read through the firm's profile."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.module_loading import import_string

from zhengan.catalog.loader import load_catalog
from zhengan.catalog.schema import Period, Strength
from zhengan.web.accounts.roles import role_required
from zhengan.web.firm import services


@role_required("catalogue:dashboard")
def dashboard_view(request):
    catalog = load_catalog()
    profile = services.current_profile()
    soa = services.statement_for(profile) if profile else None
    documents = []
    for document in catalog.documents:
        counts = {s.value: {"applicable": 0, "total": 0} for s in Strength}
        for control in document.controls:
            counts[control.strength.value]["total"] += 1
        if soa is not None:
            for row in soa.summary():
                if row.prefix == document.prefix:
                    counts[row.strength.value]["applicable"] = row.applicable
        documents.append(
            {
                "document": document,
                "counts": counts,
                "applicable": sum(c["applicable"] for c in counts.values()),
                "total": len(document.controls),
            }
        )
    return render(
        request,
        "catalogue/dashboard.html",
        {"profile": profile, "documents": documents, "panels": _panels(request)},
    )


def _panels(request) -> list[dict]:
    """What each app puts on the dashboard (settings.ZHENGAN_DASHBOARD_PANELS): overdue work first."""
    panels = []
    for dotted in settings.ZHENGAN_DASHBOARD_PANELS:
        panel = import_string(dotted)(request)
        if panel:
            panels.append(panel)
    return panels


def _filtered(request, catalog, applies: dict[str, bool]):
    q = request.GET.get("q", "").strip()
    doc = request.GET.get("doc", "")
    strength = request.GET.get("strength", "")
    tag = request.GET.get("tag", "")
    period = request.GET.get("period", "")
    applies_filter = request.GET.get("applies", "")
    controls = catalog.search(q) if q else list(catalog.controls.values())
    result = []
    for control in controls:
        if doc and catalog.document_of(control.id).prefix != doc:
            continue
        if strength and control.strength.value != strength:
            continue
        if tag and tag not in control.tags:
            continue
        if period and (control.period is None or control.period.value != period):
            continue
        if applies_filter and applies and applies.get(control.id) != (applies_filter == "yes"):
            continue
        result.append(control)
    return result, {
        "q": q,
        "doc": doc,
        "strength": strength,
        "tag": tag,
        "period": period,
        "applies": applies_filter,
    }


@role_required("catalogue:browse")
def browse_view(request):
    catalog = load_catalog()
    applies = services.applies_by_id(services.current_profile())
    controls, chosen = _filtered(request, catalog, applies)
    context = {
        "controls": [(c, applies.get(c.id)) for c in controls],
        "chosen": chosen,
        "documents": catalog.documents,
        "strengths": list(Strength),
        "periods": list(Period),
        "tags": sorted(catalog.vocabulary.tags.items()),
        "has_profile": bool(applies),
    }
    # htmx asks for the results only, as the user types.
    template = "catalogue/_results.html" if request.headers.get("HX-Request") else "catalogue/browse.html"
    return render(request, template, context)


@role_required("catalogue:control")
def control_view(request, control_id: str):
    catalog = load_catalog()
    if control_id not in catalog.controls:
        raise Http404(control_id)
    control = catalog.control(control_id)
    profile = services.current_profile()
    decision = None
    if profile is not None:
        decision = next(d for d in services.statement_for(profile).decisions if d.control_id == control_id)
    parent_id = catalog.parent_of(control_id)
    return render(
        request,
        "catalogue/control.html",
        {
            "control": control,
            "document": catalog.document_of(control_id),
            "parent": catalog.entry(parent_id) if parent_id else None,
            "children": [catalog.entry(c) for c in catalog.children_of(control_id)],
            "related": [catalog.entry(r) for r in catalog.related(control_id)],
            "tags": [(t, catalog.tag_label(t)) for t in control.tags],
            "decision": decision,
        },
    )
