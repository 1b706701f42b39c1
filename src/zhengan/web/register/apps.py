from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "zhengan.web.register"
    label = "register"
    verbose_name = "Information-system register"
