"""What a signed-in session may do: idle timeout (SR-3.5), forced password change (SR-6.3, FC-8.3.a,
SR-6.7 expiry) and MFA enrolment (SR-6.2) before anything else."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from zhengan.web.audit.events import log

ALWAYS_ALLOWED = {"accounts:logout", "set_language"}


class AccessPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            view_name = ""

        now = time.time()
        last = request.session.get("last_seen")
        idle = settings.ZHENGAN_POLICY["IDLE_MINUTES"] * 60
        if last is not None and now - last > idle:
            log(request, "session_timeout", detail={"idle_seconds": int(now - last)})
            logout(request)
            messages.info(request, _("Your session ended after inactivity. Please sign in again."))
            return redirect("accounts:login")
        request.session["last_seen"] = now

        # A second factor is required once enrolled; a session without it is not a signed-in session.
        if user.mfa_enrolled and not request.session.get("mfa_verified"):
            logout(request)
            return redirect("accounts:login")

        if view_name in ALWAYS_ALLOWED:
            return self.get_response(request)
        if user.must_change_password or user.password_expired():
            if view_name != "accounts:password_change":
                return redirect("accounts:password_change")
        elif not user.mfa_enrolled and view_name != "accounts:mfa_enrol":
            return redirect("accounts:mfa_enrol")
        return self.get_response(request)
