"""`servicehub createuser`: add an account from the command line (the first director, say)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from servicehub.core.actions import do_create_user
from servicehub.core.choices import Persona
from servicehub.org.models import Organisation, Site


class Command(BaseCommand):
    help = (
        "Create a user with a persona in an organisation. The password is read from "
        "SERVICEHUB_PASSWORD, or asked twice on the terminal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--persona", required=True, choices=Persona.values)
        parser.add_argument("--organisation", required=True, help="the organisation's code, e.g. sofrecom")
        parser.add_argument("--site", help="the site's code, for a site manager or a specialist")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(
                _("--organisation: no organisation has the code “%(code)s”.")
                % {"code": options["organisation"]}
            )
        site = None
        if options["site"]:
            site = Site.objects.filter(code=options["site"], provider=organisation).first()
            if site is None:
                raise CommandError(
                    _("--site: %(organisation)s has no site with the code “%(code)s”.")
                    % {"organisation": organisation, "code": options["site"]}
                )
        password = os.environ.get("SERVICEHUB_PASSWORD") or self._ask_password()
        try:
            user = do_create_user(
                username=options["username"],
                password=password,
                persona=Persona(options["persona"]),
                organisation=organisation,
                site=site,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                actor=None,
            )
        except ValidationError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}"
                for field, messages in getattr(exc, "message_dict", {}).items()
            )
            raise CommandError(problems or " ".join(exc.messages)) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{user.username}: {Persona(user.persona).label}, {organisation}")

    def _ask_password(self) -> str:
        first = getpass.getpass(_("Password: "))
        if first != getpass.getpass(_("Password (again): ")):
            raise CommandError(_("The two passwords differ."))
        return first
