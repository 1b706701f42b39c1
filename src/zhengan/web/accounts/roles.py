"""Roles and the permission matrix (SR-3.8: least privilege). docs/web.md prints the same matrix.

Every named view is in exactly one of: PERMISSIONS (role-restricted), SIGNED_IN (any signed-in user,
about their own account), PUBLIC (before sign-in). tests/web/test_permission_matrix.py walks them all.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

ADMINISTRATOR = "administrator"
COMPLIANCE_OFFICER = "compliance_officer"
IT_SECURITY = "it_security"
INTERNAL_AUDITOR = "internal_auditor"
EXTERNAL_ASSESSOR = "external_assessor"
BOARD_VIEWER = "board_viewer"

ROLE_CHOICES = [
    (ADMINISTRATOR, _("Administrator")),
    (COMPLIANCE_OFFICER, _("Compliance officer")),
    (IT_SECURITY, _("IT security engineer")),
    (INTERNAL_AUDITOR, _("Internal auditor")),
    (EXTERNAL_ASSESSOR, _("External assessor")),
    (BOARD_VIEWER, _("Board viewer")),
]
ROLES = [code for code, _label in ROLE_CHOICES]

EVERYONE = frozenset(ROLES)
# The external assessor sees the public catalogue and, later, only the assessments assigned to them.
INSIDERS = EVERYONE - {EXTERNAL_ASSESSOR}
EVIDENCE_WRITERS = frozenset({COMPLIANCE_OFFICER, IT_SECURITY, INTERNAL_AUDITOR, ADMINISTRATOR})

PERMISSIONS: dict[str, frozenset[str]] = {
    "catalogue:dashboard": EVERYONE,
    "catalogue:browse": EVERYONE,
    "catalogue:control": EVERYONE,
    "firm:profile": INSIDERS,
    "firm:export_xlsx": INSIDERS,
    "firm:export_csv": INSIDERS,
    "firm:edit": frozenset({COMPLIANCE_OFFICER}),
    "firm:policies": INSIDERS,
    "firm:policies_edit": frozenset({COMPLIANCE_OFFICER}),
    # SR-4.10: only the administrator and the internal auditor read the audit trail.
    "audit:list": frozenset({ADMINISTRATOR, INTERNAL_AUDITOR}),
    "accounts:users": frozenset({ADMINISTRATOR}),
    "accounts:user_create": frozenset({ADMINISTRATOR}),
    "accounts:user_edit": frozenset({ADMINISTRATOR}),
    "accounts:user_reset_mfa": frozenset({ADMINISTRATOR}),
    "accounts:user_reset_password": frozenset({ADMINISTRATOR}),
    "accounts:user_unlock": frozenset({ADMINISTRATOR}),
    # Evidence: insiders read it; those who do the work add it (the board reads reports, not raw files).
    "evidence:list": INSIDERS,
    "evidence:detail": INSIDERS,
    "evidence:download": INSIDERS,
    "evidence:upload": EVIDENCE_WRITERS,
    "evidence:new_version": EVIDENCE_WRITERS,
    # --- register (issue 5) ---
    # Insiders read the register; the compliance officer and IT security keep it (docs/register.md).
    "register:list": INSIDERS,
    "register:detail": INSIDERS,
    "register:sample": INSIDERS,
    "register:sample_redraw": INSIDERS,
    "register:sample_csv": INSIDERS,
    "register:export_csv": INSIDERS,
    "register:export_xlsx": INSIDERS,
    "register:plan": INSIDERS,
    "register:create": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "register:edit": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "register:override": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "register:incident": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "register:decommission": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "register:device_group": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "register:device_group_delete": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "register:sample_draw": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "register:import": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "register:plan_record": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    # --- obligations calendar (issue 5) ---
    # Insiders read the calendar; the compliance officer assigns owners; those who do the work complete
    # obligations and record the events that bring them. Each insider has a personal feed URL.
    "obligations:overdue": INSIDERS,
    "obligations:upcoming": INSIDERS,
    "obligations:month": INSIDERS,
    "obligations:owners": INSIDERS,
    "obligations:detail": INSIDERS,
    "obligations:complete": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "obligations:assign": frozenset({COMPLIANCE_OFFICER}),
    "obligations:events": INSIDERS,
    "obligations:record_event": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "obligations:feed_settings": INSIDERS,
    "obligations:feed_regenerate": INSIDERS,
    # --- assessments (issue 6) ---
    # External assessors reach only the assessments whose team they are on (object check in the views);
    # the compliance officer plans; an assessor on the team records results (object check); the board reads.
    "assessments:list": EVERYONE,
    "assessments:detail": EVERYONE,
    "assessments:download": EVERYONE,
    "assessments:assessors": INSIDERS,
    "assessments:assessor_create": frozenset({COMPLIANCE_OFFICER}),
    "assessments:assessor_edit": frozenset({COMPLIANCE_OFFICER}),
    "assessments:plan": frozenset({COMPLIANCE_OFFICER}),
    "assessments:edit": frozenset({COMPLIANCE_OFFICER}),
    "assessments:start": frozenset({COMPLIANCE_OFFICER}),
    "assessments:record": frozenset({COMPLIANCE_OFFICER, IT_SECURITY, INTERNAL_AUDITOR, EXTERNAL_ASSESSOR}),
    "assessments:drill": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "assessments:complete": frozenset({COMPLIANCE_OFFICER}),
    "assessments:issue": frozenset({COMPLIANCE_OFFICER}),
    # --- findings (issue 6) ---
    # Insiders read findings; the board follows them up (AP-8.3). Compliance, IT security and the internal
    # auditor raise them; the first two remediate; only the internal auditor verifies (AP-8.2); the
    # compliance officer records a risk acceptance decided by the board or an authorised manager.
    "findings:list": INSIDERS,
    "findings:overdue": INSIDERS,
    "findings:detail": INSIDERS,
    "findings:create": frozenset({COMPLIANCE_OFFICER, IT_SECURITY, INTERNAL_AUDITOR}),
    "findings:import": frozenset({COMPLIANCE_OFFICER, IT_SECURITY, INTERNAL_AUDITOR}),  # as create
    "findings:edit": frozenset({COMPLIANCE_OFFICER, IT_SECURITY, INTERNAL_AUDITOR}),
    "findings:plan": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "findings:remediate": frozenset({COMPLIANCE_OFFICER, IT_SECURITY}),
    "findings:verify": frozenset({INTERNAL_AUDITOR}),
    "findings:accept_risk": frozenset({COMPLIANCE_OFFICER}),
    "findings:followups": INSIDERS,
    "findings:followup_detail": INSIDERS,
    "findings:followup_create": frozenset({COMPLIANCE_OFFICER, INTERNAL_AUDITOR}),
    # --- end of app sections ---
}

SIGNED_IN = frozenset(
    {
        "accounts:logout",
        "accounts:password_change",
        "accounts:mfa_enrol",
        "accounts:recovery_codes",
        "accounts:profile",
    }
)

PUBLIC = frozenset(
    {
        "accounts:login",
        "accounts:mfa_verify",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "set_language",
        # obligations (issue 5): calendar clients send no session; the secret token in the URL is checked
        # in constant time (zhengan.web.obligations.services.feed_user).
        "obligations:feed",
    }
)


def redirect_to_login(path: str):
    # Imported here: auth.views imports the user model, which imports this module.
    from django.contrib.auth.views import redirect_to_login as _redirect

    return _redirect(path)


def allowed(user, view_name: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in PERMISSIONS[view_name])


def role_required(view_name: str):
    """Allow the view only to the roles the matrix names; a refusal is a 403 and is audited."""
    if view_name not in PERMISSIONS:
        raise KeyError(f"{view_name} is not in the permission matrix")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user, view_name):
                from zhengan.web.audit.events import log

                log(request, "access_denied", detail={"view": view_name, "path": request.path})
                raise PermissionDenied(view_name)
            return view(request, *args, **kwargs)

        wrapped.permission_name = view_name
        return wrapped

    return decorator


def signed_in(view):
    """Any signed-in user (about their own account); AccessPolicyMiddleware applies the rest."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def navigation(request):
    """Template context: which menu entries this user may see."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can": {}}
    return {"can": {name.replace(":", "_"): user.role in roles for name, roles in PERMISSIONS.items()}}
