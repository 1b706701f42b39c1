from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from zhengan.web.accounts.roles import role_required
from zhengan.web.audit.chain import verify
from zhengan.web.audit.models import AuditEvent


@role_required("audit:list")
def audit_list_view(request):
    """Read-only (SR-4.10): no view anywhere changes or deletes an audit record."""
    events = AuditEvent.objects.order_by("-seq")
    event_type = request.GET.get("type", "").strip()
    if event_type:
        events = events.filter(event_type=event_type)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    check = verify() if request.GET.get("verify") else None
    return render(request, "audit/list.html", {"page": page, "event_type": event_type, "check": check})
