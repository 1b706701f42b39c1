"""Record what a person did through the web: who, from where, what, on which object (SR-4)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zhengan.web.audit.chain import append


def source_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: behind a proxy, the proxy must set it (docs/web.md); a client header can lie.
    return request.META.get("REMOTE_ADDR") or None


def log(
    request: HttpRequest,
    event_type: str,
    *,
    user=None,
    username: str = "",
    obj_type: str = "",
    obj_id: str | int = "",
    before: Any = None,
    after: Any = None,
    detail: dict | None = None,
):
    if user is None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        user = request.user
    return append(
        event_type,
        user=user,
        username=username,
        source_ip=source_ip(request),
        obj_type=obj_type,
        obj_id=obj_id,
        before=before,
        after=after,
        detail=detail,
    )
