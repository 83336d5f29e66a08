from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "servicehub.demands"
    label = "demands"
    verbose_name = _("Demands")

    def ready(self) -> None:
        from servicehub.demands.clocks import measure_imported
        from servicehub.demands.signals import demands_imported

        # Imported history is measured like any other: its clocks are computed once it is committed.
        demands_imported.connect(measure_imported, weak=False, dispatch_uid="servicehub.measure_imported")
