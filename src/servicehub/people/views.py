"""Specialists: the list with site, role, grade and skill filters, and one specialist's page."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from servicehub.core.http import AuthenticatedRequest, provider_staff_required
from servicehub.core.lists import (
    Column,
    FilterChoice,
    ListFilter,
    ListSpec,
    choices_from,
    choices_from_enum,
    render_list,
)
from servicehub.core.tenancy import get_visible_or_404
from servicehub.org.models import Site
from servicehub.people.choices import Role
from servicehub.people.models import Absence, Grade, Skill, Specialist, SpecialistSkill

SPECIALIST_LIST = ListSpec(
    columns=[
        Column("name", _("Name"), ("last_name", "first_name")),
        Column("number", _("Employee number"), ("employee_number",)),
        Column("site", _("Site"), ("site__name",)),
        Column("role", _("Role"), ("role",)),
        Column("grade", _("Grade"), ("grade__rank",)),
        Column("hired", _("Hired on"), ("hired_on",)),
        Column("status", _("Status"), ("-active",)),
    ],
    search_fields=["first_name", "last_name", "employee_number"],
    default_sort="name",
    template_name="people/specialist_list.html",
    partial_template_name="people/_specialist_results.html",
    search_label=_("Search by name or employee number"),
    empty_title=_("No specialist yet"),
    empty_hint=_("Specialists appear here once they are hired and recorded at a site."),
)


def _filters(request: AuthenticatedRequest) -> list[ListFilter]:
    user = request.user
    return [
        ListFilter(
            "site", _("Site"), "site_id", choices_from(Site.objects.restrict(user, "view").order_by("name"))
        ),
        ListFilter("role", _("Role"), "role", choices_from_enum(Role.choices)),
        ListFilter("grade", _("Grade"), "grade_id", choices_from(Grade.objects.restrict(user, "view"))),
        ListFilter(
            "skill",
            _("Skill"),
            "skill_levels__skill_id",
            choices_from(Skill.objects.restrict(user, "view").order_by("name")),
        ),
        ListFilter(
            "active",
            _("Status"),
            "active",
            [FilterChoice("1", _("Active")), FilterChoice("0", _("Left"))],
        ),
    ]


@provider_staff_required
def specialist_list(request: AuthenticatedRequest) -> HttpResponse:
    specialists = Specialist.objects.restrict(request.user, "view").select_related("site", "grade")
    return render_list(request, specialists, SPECIALIST_LIST, filters=_filters(request))


@provider_staff_required
def specialist_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    specialist = get_visible_or_404(user, Specialist.objects.select_related("site", "grade", "school"), pk=pk)
    skill_levels = (
        SpecialistSkill.objects.restrict(user, "view")
        .filter(specialist=specialist)
        .select_related("skill")
        .order_by("-level", "skill__name")
    )
    # A specialist sees their own absences only (restrict() says so), not a colleague's.
    absences = Absence.objects.restrict(user, "view").filter(specialist=specialist).order_by("-starts_on")
    context: dict[str, Any] = {
        "specialist": specialist,
        "skill_levels": skill_levels,
        "absences": absences,
        # The cost rate is for those who manage the record, not for colleagues.
        "show_cost": Specialist.objects.restrict(user, "change").filter(pk=specialist.pk).exists(),
    }
    return render(request, "people/specialist_detail.html", context)
