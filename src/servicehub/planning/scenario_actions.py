"""Opening a what-if scenario (planning/actions.py keeps the plan runs' actions)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from servicehub.core import clock
from servicehub.core.audit import record_change
from servicehub.core.choices import AuditEvent, Persona
from servicehub.core.models import User
from servicehub.core.tenancy import get_visible_or_404
from servicehub.org.models import Organisation
from servicehub.planning.adapter import build_instance
from servicehub.planning.models import PlanRun, Scenario
from servicehub.planning.querysets import PLANNERS
from servicehub.planning.scenarios import ScenarioError, apply_changes

#: Weeks of the instance that checks a scenario without a base run: a plan run's default length.
CHECK_WEEKS = 26


@transaction.atomic
def do_create_scenario(
    *,
    provider: Organisation,
    name: str,
    changes: list[dict[str, Any]],
    base_run: PlanRun | None = None,
    actor: User | None,
) -> Scenario:
    """Open a scenario. Its changes are tried on its base run's instance (else on today's) so that a
    scenario that cannot run is refused now, naming the change and field, rather than failing later."""
    if actor is not None:
        if actor.persona not in PLANNERS:
            raise PermissionDenied(
                _("As %(persona)s you may not plan work.") % {"persona": Persona(actor.persona).label}
            )
        if provider.pk != actor.organisation_id:
            raise PermissionDenied(_("You plan the work of your own organisation only."))
        if base_run is not None:
            base_run = get_visible_or_404(actor, PlanRun.objects.all(), pk=base_run.pk)
    if not name.strip():
        raise ValidationError({"name": _("Give the scenario a name.")})
    if not changes:
        raise ValidationError({"changes": _("A scenario changes something: add one change at least.")})
    if base_run is not None and base_run.scenario_id is not None:
        raise ValidationError(
            {"base_run": _("Compare with a plan run of the real world, not of a scenario.")}
        )
    if base_run is not None and base_run.instance:
        doc = base_run.instance
    else:
        doc = build_instance(start=clock.localdate(), weeks=CHECK_WEEKS, user=actor).doc
    try:
        apply_changes(doc, changes)
    except ScenarioError as error:
        raise ValidationError({"changes": str(error)}) from None
    scenario = Scenario(
        provider=provider, name=name.strip(), base_run=base_run, changes=changes, created_by=actor
    )
    scenario.full_clean()
    scenario.save()
    record_change(
        actor,
        scenario,
        AuditEvent.SCENARIO_CREATED,
        after={
            "name": scenario.name,
            "base_run": base_run.pk if base_run else None,
            "changes": [change.get("kind") for change in changes],
        },
    )
    return scenario
