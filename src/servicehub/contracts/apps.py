from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "servicehub.contracts"
    label = "contracts"
