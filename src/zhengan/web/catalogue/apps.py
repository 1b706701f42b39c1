from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "zhengan.web.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue"
