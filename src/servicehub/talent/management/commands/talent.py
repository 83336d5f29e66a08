"""`servicehub talent purge`: anonymise candidates whose file has not moved for the retention period
(`TALENT_RETENTION_DAYS`, 730 days by default), as Morocco's law 09-08 on personal data asks:
kept no longer than the purpose needs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicehub.core import clock
from servicehub.talent.actions import do_purge_candidates
from servicehub.talent.models import Candidate


class Command(BaseCommand):
    help = "Recruiting housekeeping: anonymise candidates kept past the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        purge = sub.add_parser(
            "purge",
            help="anonymise candidates whose file has not moved for the retention period: names, email, "
            "phone, CV and reasons go; school, year, skills and stages stay for the funnel",
        )
        purge.add_argument(
            "--days",
            type=int,
            default=None,
            help="retention in days (default: TALENT_RETENTION_DAYS, else 730)",
        )
        purge.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args: Any, what: str, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.TALENT_RETENTION_DAYS
        if days < 30:
            raise CommandError(_("--days: the retention period is at least 30 days."), returncode=2)
        before = clock.now() - dt.timedelta(days=days)
        when = date_format(before.date(), "SHORT_DATE_FORMAT")
        if options["dry_run"]:
            count = Candidate.objects.filter(anonymised_at__isnull=True, stage_changed_at__lt=before).count()
            self.stdout.write(
                ngettext(
                    "%(count)s candidate untouched since %(date)s would be anonymised.",
                    "%(count)s candidates untouched since %(date)s would be anonymised.",
                    count,
                )
                % {"count": count, "date": when}
            )
            return
        count = do_purge_candidates(before=before, actor=None)
        self.stdout.write(
            ngettext(
                "%(count)s candidate untouched since %(date)s anonymised.",
                "%(count)s candidates untouched since %(date)s anonymised.",
                count,
            )
            % {"count": count, "date": when}
        )
