from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "servicehub.catalogue"
    label = "catalogue"
