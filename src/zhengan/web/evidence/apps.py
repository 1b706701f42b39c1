from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "zhengan.web.evidence"
    label = "evidence"
    verbose_name = "Evidence"
