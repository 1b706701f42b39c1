from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "zhengan.web.ui"
    label = "ui"
    verbose_name = "Layout and error pages"
