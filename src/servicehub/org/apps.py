from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "servicehub.org"
    label = "org"
