from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "servicehub.people"
    label = "people"
