"""Error pages: a short message and a code, never a stack trace (SR-7.6).

A server error gets a reference number, logged with the details, so that support can find them.
"""

from __future__ import annotations

import logging
import secrets

from django.shortcuts import render

logger = logging.getLogger("zhengan.web.errors")

MESSAGES = {
    400: ("請求格式不正確。", "The request was not understood."),
    403: ("您沒有存取此頁面的權限。", "You do not have permission to see this page."),
    404: ("找不到此頁面。", "This page does not exist."),
    429: ("嘗試次數過多，請稍後再試。", "Too many attempts; please try again later."),
    500: ("系統發生錯誤，請稍後再試。", "Something went wrong; please try again later."),
}


def _page(request, status: int, code: str, reference: str | None = None):
    zh, en = MESSAGES[status]
    context = {"status": status, "code": code, "zh": zh, "en": en, "reference": reference}
    return render(request, "error.html", context, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, "E400")


def permission_denied(request, exception=None):
    return _page(request, 403, "E403")


def not_found(request, exception=None):
    return _page(request, 404, "E404")


def server_error(request):
    reference = secrets.token_hex(4).upper()
    logger.error("server error reference %s at %s", reference, request.path)
    return _page(request, 500, "E500", reference)


def csrf_failure(request, reason=""):
    return _page(request, 403, "E403-CSRF")
