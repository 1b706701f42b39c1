from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("zhengan.web.catalogue.urls")),
    path("accounts/", include("zhengan.web.accounts.urls")),
    path("firm/", include("zhengan.web.firm.urls")),
    path("audit/", include("zhengan.web.audit.urls")),
    path("evidence/", include("zhengan.web.evidence.urls")),
    # --- register (issue 5) ---
    path("register/", include("zhengan.web.register.urls")),
    # --- obligations calendar (issue 5) ---
    path("obligations/", include("zhengan.web.obligations.urls")),
    # --- assessments (issue 6) ---
    path("assessments/", include("zhengan.web.assessments.urls")),
    # --- findings (issue 6) ---
    path("findings/", include("zhengan.web.findings.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
]

handler400 = "zhengan.web.ui.errors.bad_request"
handler403 = "zhengan.web.ui.errors.permission_denied"
handler404 = "zhengan.web.ui.errors.not_found"
handler500 = "zhengan.web.ui.errors.server_error"
