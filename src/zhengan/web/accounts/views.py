"""Sign-in with password then TOTP, forced password change, MFA enrolment, and user administration.

Every step is audited (SR-4); failures count towards the lockout (SR-6.5) and the address limit (SR-6.8).
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from zhengan.web.accounts import mfa
from zhengan.web.accounts.forms import CodeForm, EnrolForm, LoginForm, UserCreateForm, UserEditForm
from zhengan.web.accounts.lockout import address_blocked, record_failure, record_success
from zhengan.web.accounts.models import LoginFailure, User
from zhengan.web.accounts.passwords import set_initial_password
from zhengan.web.accounts.roles import role_required, signed_in
from zhengan.web.audit.events import log, source_ip
from zhengan.web.audit.models import AuditEvent


def _failed_message() -> str:
    return _("Sign-in failed. After %(n)d failed attempts an account is locked for %(m)d minutes.") % {
        "n": settings.ZHENGAN_POLICY["LOCKOUT_THRESHOLD"],
        "m": settings.ZHENGAN_POLICY["LOCKOUT_MINUTES"],
    }


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return None


def _too_many(request, form, template="accounts/login.html"):
    return render(request, template, {"form": form, "blocked": True}, status=429)


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    if request.method == "POST":
        if address_blocked(request):
            log(request, "login_rate_limited", username=request.POST.get("username", ""))
            return _too_many(request, form)
        if form.is_valid():
            username = form.cleaned_data["username"]
            user = User.objects.filter(username=username).first()
            if user is not None and user.is_locked():
                # The password is not even tried while locked: no oracle for guessing.
                LoginFailure.objects.create(source_ip=source_ip(request), username=username)
                log(request, "login_refused_locked", user=user)
                form.add_error(None, _failed_message())
            else:
                authed = authenticate(request, username=username, password=form.cleaned_data["password"])
                if authed is None:
                    record_failure(request, username, user, "password")
                    form.add_error(None, _failed_message())
                else:
                    next_url = _safe_next(request)
                    if authed.mfa_enrolled:
                        request.session.cycle_key()
                        request.session["pending_user"] = authed.pk
                        request.session["pending_at"] = time.time()
                        request.session["pending_next"] = next_url
                        log(request, "login_password_ok", user=authed)
                        return redirect("accounts:mfa_verify")
                    # Not yet enrolled (first sign-in or after an MFA reset): the session can only
                    # change the password and enrol; AccessPolicyMiddleware allows nothing else.
                    record_success(authed)
                    login(request, authed)
                    request.session["mfa_verified"] = False
                    log(request, "login", user=authed, detail={"factors": 1, "next_step": "mfa_enrolment"})
                    return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


@sensitive_post_parameters("code")
@never_cache
def mfa_verify_view(request):
    pk = request.session.get("pending_user")
    started = request.session.get("pending_at", 0)
    if pk is None or time.time() - started > settings.ZHENGAN_POLICY["MFA_STEP_MINUTES"] * 60:
        request.session.pop("pending_user", None)
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pk, is_active=True)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if address_blocked(request):
            log(request, "login_rate_limited", user=user)
            return _too_many(request, form, "accounts/mfa_verify.html")
        if user.is_locked():
            log(request, "login_refused_locked", user=user)
            request.session.flush()
            messages.error(request, _failed_message())
            return redirect("accounts:login")
        if form.is_valid():
            code = form.cleaned_data["code"].strip()
            method = None
            if mfa.verify_totp(user, code):
                method = "totp"
            elif len(code.replace("-", "")) == 16 and mfa.use_recovery_code(user, code):
                method = "recovery_code"
                log(request, "mfa_recovery_code_used", user=user, obj_type="user", obj_id=user.pk)
            if method is None:
                record_failure(request, user.username, user, "mfa")
                form.add_error(None, _("The code is not valid."))
            else:
                next_url = request.session.get("pending_next")
                record_success(user)
                login(request, user)
                for key in ("pending_user", "pending_at", "pending_next"):
                    request.session.pop(key, None)
                request.session["mfa_verified"] = True
                log(request, "login", user=user, detail={"factors": 2, "method": method})
                return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/mfa_verify.html", {"form": form})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        log(request, "logout")
    logout(request)
    return redirect("accounts:login")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@signed_in
def password_change_view(request):
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
                user.must_change_password = False
                user.save(update_fields=["must_change_password"])
                log(request, "password_changed", obj_type="user", obj_id=user.pk)
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password was changed."))
            return redirect("accounts:mfa_enrol" if not user.mfa_enrolled else settings.LOGIN_REDIRECT_URL)
        if "old_password" in form.errors:
            # A wrong current password is a failed authentication like any other (SR-6.5, SR-6.8).
            record_failure(request, user.username, user, "password_change")
            user.refresh_from_db()
            if user.is_locked():
                logout(request)
                messages.error(request, _failed_message())
                return redirect("accounts:login")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": user.must_change_password, "expired": user.password_expired()},
    )


@sensitive_post_parameters("code")
@never_cache
@signed_in
def mfa_enrol_view(request):
    user = request.user
    if user.mfa_enrolled:
        return redirect("accounts:profile")
    secret = request.session.get("enrol_secret")
    if not secret:
        secret = request.session["enrol_secret"] = mfa.new_secret()
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.enrol(user, secret, form.cleaned_data["code"])
        if codes is None:
            log(request, "mfa_enrolment_failed", obj_type="user", obj_id=user.pk)
            form.add_error("code", _("The code is not valid. Check the time on your phone and try again."))
        else:
            request.session.pop("enrol_secret", None)
            request.session["mfa_verified"] = True
            log(request, "mfa_enrolled", obj_type="user", obj_id=user.pk)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "fresh": True})
    uri = mfa.provisioning_uri(secret, user)
    return render(request, "accounts/mfa_enrol.html", {"form": form, "qr": mfa.qr_svg(uri), "secret": secret})


@sensitive_post_parameters("code")
@never_cache
@signed_in
def recovery_codes_view(request):
    user = request.user
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify_totp(user, form.cleaned_data["code"]):
            codes = mfa.new_recovery_codes(user)
            log(request, "mfa_recovery_codes_regenerated", obj_type="user", obj_id=user.pk)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "fresh": True})
        record_failure(request, user.username, user, "mfa")
        form.add_error("code", _("The code is not valid."))
    return render(
        request,
        "accounts/recovery_codes.html",
        {"form": form, "remaining": mfa.remaining_recovery_codes(user), "fresh": False},
    )


@signed_in
def profile_view(request):
    user = request.user
    expires = user.password_changed_at + timedelta(days=settings.ZHENGAN_POLICY["PASSWORD_MAX_AGE_DAYS"])
    return render(
        request,
        "accounts/profile.html",
        {"account": user, "password_expires": expires, "remaining": mfa.remaining_recovery_codes(user)},
    )


# --- Password reset by e-mail (SR-6.9): a one-time link that expires ------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        since = timezone.now() - timedelta(minutes=settings.ZHENGAN_POLICY["IP_WINDOW_MINUTES"])
        recent = AuditEvent.objects.filter(
            event_type="password_reset_requested", source_ip=source_ip(request), at__gte=since
        ).count()
        if recent >= settings.ZHENGAN_POLICY["IP_FAILURE_LIMIT"] or address_blocked(request):
            log(request, "password_reset_rate_limited")
            return render(request, self.template_name, {"form": self.get_form(), "blocked": True}, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # The answer is the same whether or not the address is registered.
        log(
            request=self.request,
            event_type="password_reset_requested",
            detail={"email": form.cleaned_data["email"]},
        )
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.user.resetting_by_link = True  # MinimumAgeValidator: the link proves the mailbox
        return form

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            user = form.user
            user.must_change_password = False
            user.failed_logins = 0
            user.locked_until = None
            user.save(update_fields=["must_change_password", "failed_logins", "locked_until"])
            log(self.request, "password_reset_completed", user=user, obj_type="user", obj_id=user.pk)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- User administration (administrator only) ------------------------------------------------------


@role_required("accounts:users")
def users_view(request):
    return render(request, "accounts/users.html", {"users": User.objects.all(), "now": timezone.now()})


@role_required("accounts:user_create")
def user_create_view(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save(commit=False)
            password = set_initial_password(user)
            log(request, "user_created", obj_type="user", obj_id=user.pk, after=user.snapshot())
        return render(request, "accounts/initial_password.html", {"account": user, "password": password})
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@role_required("accounts:user_edit")
def user_edit_view(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    before = user.snapshot()
    form = UserEditForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        if user.pk == request.user.pk and (
            not form.cleaned_data["is_active"] or form.cleaned_data["role"] != before["role"]
        ):
            form.add_error(None, _("You cannot deactivate yourself or change your own role."))
        else:
            with transaction.atomic():
                form.save()
                log(
                    request,
                    "user_updated",
                    obj_type="user",
                    obj_id=user.pk,
                    before=before,
                    after=user.snapshot(),
                )
            messages.success(request, _("The account was updated."))
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "account": user, "creating": False})


@require_POST
@role_required("accounts:user_reset_mfa")
def user_reset_mfa_view(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    before = user.snapshot()
    with transaction.atomic():
        mfa.reset(user)
        log(
            request,
            "mfa_reset_by_admin",
            obj_type="user",
            obj_id=user.pk,
            before=before,
            after=user.snapshot(),
        )
    messages.success(
        request, _("MFA was reset; %(user)s enrols again at the next sign-in.") % {"user": user.username}
    )
    return redirect("accounts:users")


@require_POST
@role_required("accounts:user_reset_password")
def user_reset_password_view(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    before = user.snapshot()
    with transaction.atomic():
        password = set_initial_password(user)
        log(
            request,
            "password_reset_by_admin",
            obj_type="user",
            obj_id=user.pk,
            before=before,
            after=user.snapshot(),
        )
    return render(request, "accounts/initial_password.html", {"account": user, "password": password})


@require_POST
@role_required("accounts:user_unlock")
def user_unlock_view(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    before = user.snapshot()
    with transaction.atomic():
        user.locked_until = None
        user.failed_logins = 0
        user.save(update_fields=["locked_until", "failed_logins"])
        log(
            request, "account_unlocked", obj_type="user", obj_id=user.pk, before=before, after=user.snapshot()
        )
    messages.success(request, _("%(user)s was unlocked.") % {"user": user.username})
    return redirect("accounts:users")
