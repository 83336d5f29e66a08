"""`servicehub demo`: load the reference case (idempotent), then print the demo sign-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from servicehub.core.choices import Persona
from servicehub.demo.builder import DEFAULT_SEED, DEMO_LOGINS, DEMO_PASSWORD, build_demo, demo_loaded
from servicehub.org.models import Organisation


class Command(BaseCommand):
    help = "Load the demo: two service centres in Morocco, 560 specialists, clients, contracts, sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="seed of the roster (default %(default)s)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the database already holds organisations"
        )

    def handle(self, *args: Any, seed: int, if_empty: bool, **options: Any) -> None:
        if if_empty and Organisation.objects.exists():
            if demo_loaded():
                self.stdout.write(_("The demo is already loaded."))
            else:
                self.stdout.write(_("The database already holds organisations: the demo is not loaded."))
        else:
            report = build_demo(seed, stdout=self.stdout if options["verbosity"] > 1 else None)
            if report.anything_created:
                self.stdout.write(
                    _("Demo loaded (seed %(seed)s) in %(seconds).1f s:")
                    % {"seed": seed, "seconds": report.seconds}
                )
                for what, count in report.lines():
                    self.stdout.write(f"  {count:>6}  {what}")
                self.stdout.write(f"  {report.audit_rows:>6}  " + _("audit log entries"))
            else:
                self.stdout.write(_("The demo is already loaded, nothing to add."))
        if demo_loaded():
            self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(_("Demo sign-ins (password: %(password)s)") % {"password": DEMO_PASSWORD})
        width = max(len(login.username) for login in DEMO_LOGINS)
        for login in DEMO_LOGINS:
            persona = Persona(login.persona).label
            self.stdout.write(f"  {login.username:<{width}}  {persona} — {login.description}")
