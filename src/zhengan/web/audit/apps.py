from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhengan.web.audit"
    label = "audit"
    verbose_name = "Audit trail"
