from django.apps import AppConfig


class FirmConfig(AppConfig):
    name = "zhengan.web.firm"
    label = "firm"
    verbose_name = "Firm profile"
