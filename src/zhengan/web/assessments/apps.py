from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "zhengan.web.assessments"
    label = "assessments"
    verbose_name = "Assessments and findings"
