from django.apps import AppConfig
from django.utils.translation import gettext_noop

# The nav link in templates/base.html; translated in this app's catalogue.
NAV_LABEL = gettext_noop("Obligations")


class ObligationsConfig(AppConfig):
    name = "zhengan.web.obligations"
    label = "obligations"
    verbose_name = "Obligations calendar"
