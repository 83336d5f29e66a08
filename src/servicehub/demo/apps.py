from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "servicehub.demo"
    label = "demo"
