from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "zhengan.web.obligations"
    label = "obligations"
    verbose_name = "Obligations calendar"
