"""`servicehub plan`: solve one staffing instance file into a result file, without a database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from servicehub.planning.solver import InstanceError, greedy, solve


class Command(BaseCommand):
    help = "Solve a staffing instance (servicehub-staffing/1) and write the result document."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instance", required=True, type=Path, help="instance JSON file")
        parser.add_argument("--out", required=True, type=Path, help="where to write the result JSON")
        parser.add_argument("--time-limit", type=float, default=10.0, help="seconds (default 10)")
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--greedy", action="store_true", help="greedy plan only, no bound")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["instance"]
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}, returncode=2
            ) from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(
                _("%(path)s is not valid JSON: %(error)s") % {"path": path, "error": exc}, returncode=2
            ) from exc
        if options["time_limit"] <= 0 or options["threads"] < 1:
            raise CommandError(_("--time-limit must be positive and --threads at least 1."), returncode=2)
        try:
            if options["greedy"]:
                result = greedy(doc)
            else:
                result = solve(doc, time_limit=options["time_limit"], threads=options["threads"])
        except InstanceError as exc:
            raise CommandError(
                _("Invalid instance %(path)s: %(error)s") % {"path": path, "error": exc}, returncode=2
            ) from exc
        out: Path = options["out"]
        try:
            out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": out, "error": exc}, returncode=2
            ) from exc
        self.stdout.write(summary(result))


def summary(result: dict[str, Any]) -> str:
    objective = result["objective"]
    bound = result["bound"]
    planned = len({a["item"] for a in result["assignments"]})
    if bound is None:
        gap = _("no bound")
    else:
        share = 100.0 * (bound - objective) / max(1.0, abs(bound))
        gap = _("gap %(gap)s%%") % {"gap": number_format(share, 2)}
    # Figures in the active language's format (0,00 in French), as the pages show them.
    return _(
        "%(status)s: objective %(objective)s, bound %(bound)s, %(gap)s, "
        "%(planned)s planned, %(unplanned)s unplanned, %(seconds)s s"
    ) % {
        "status": result["status"],
        "objective": number_format(objective, 2),
        "bound": "-" if bound is None else number_format(bound, 2),
        "gap": gap,
        "planned": planned,
        "unplanned": len(result["unplanned"]),
        "seconds": number_format(result["seconds"], 1),
    }
