from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "servicehub.api"
    label = "api"
