from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "zhengan.web.findings"
    label = "findings"
    verbose_name = "Findings and remediation"
