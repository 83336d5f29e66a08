"""The figures on each persona's home page, all read through `restrict(user, "view")`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, OuterRef, QuerySet, Sum
from django.utils import timezone

from servicehub.catalogue.models import PriceList, ServiceLine, WorkUnit
from servicehub.contracts.models import Contract, PurchaseOrder, ServiceLevel
from servicehub.core.choices import Persona
from servicehub.core.figures import count_of, only, sum_of
from servicehub.core.models import User
from servicehub.core.money import Money, totals_by_currency
from servicehub.org.models import Objective, Site
from servicehub.people.choices import Role
from servicehub.people.models import Absence, Specialist, SpecialistSkill

# How many skills the resource manager's "top skills" panel lists.
TOP_SKILLS = 8
# How far ahead the absence panels look.
ABSENCE_HORIZON = dt.timedelta(days=30)
# How many contracts a home page lists (the latest first); the contract list has them all.
HOME_CONTRACTS = 8
# How many of their latest absences a specialist sees at home.
RECENT_ABSENCES = 10


@dataclass
class SiteLoad:
    """A site's active headcount (as far as the user may see) against its seats."""

    site: Site
    headcount: int
    seats: int

    @property
    def utilisation(self) -> int:
        """Occupied seats, in whole percent."""
        return round(100 * self.headcount / self.seats) if self.seats else 0

    @property
    def open_seats(self) -> int:
        return max(self.seats - self.headcount, 0)


@dataclass
class RoleCount:
    role: str
    label: str
    count: int


@dataclass
class RoleMatrixRow:
    site: Site
    counts: list[int]
    total: int


@dataclass
class Home:
    """The figures one persona's home page shows; empty parts are simply not rendered."""

    persona: str
    template: str
    sites: list[SiteLoad] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    contract_count: int = 0
    active_contract_count: int = 0
    order_totals: list[Money] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    roles: list[RoleCount] = field(default_factory=list)
    role_labels: list[str] = field(default_factory=list)
    role_matrix: list[RoleMatrixRow] = field(default_factory=list)
    top_skills: list[dict[str, Any]] = field(default_factory=list)
    schools: list[dict[str, Any]] = field(default_factory=list)
    specialist: Specialist | None = None
    skills: list[SpecialistSkill] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    service_levels: list[ServiceLevel] = field(default_factory=list)
    purchase_orders: list[PurchaseOrder] = field(default_factory=list)
    work_unit_count: int = 0
    service_line_count: int = 0
    price_list_count: int = 0
    today: dt.date = dt.date.min

    @property
    def headcount(self) -> int:
        return sum(s.headcount for s in self.sites)

    @property
    def seats(self) -> int:
        return sum(s.seats for s in self.sites)

    @property
    def utilisation(self) -> int:
        return round(100 * self.headcount / self.seats) if self.seats else 0

    @property
    def open_seats(self) -> int:
        return sum(s.open_seats for s in self.sites)


def visible_specialists(user: User) -> QuerySet[Specialist]:
    return Specialist.objects.restrict(user, "view")


def site_loads(user: User, only_site: int | None = None) -> list[SiteLoad]:
    active = only(visible_specialists(user)).filter(active=True, site=OuterRef("pk"))
    sites = (
        Site.objects.restrict(user, "view").annotate(headcount=count_of(active)).order_by("opened_on", "name")
    )
    if only_site is not None:
        sites = sites.filter(pk=only_site)
    return [SiteLoad(site, site.headcount, site.seats) for site in sites]


def _contracts(user: User) -> QuerySet[Contract]:
    orders = only(PurchaseOrder.objects.restrict(user, "view")).filter(contract=OuterRef("pk"))
    return (
        Contract.objects.restrict(user, "view")
        .select_related("client", "price_list_version__price_list")
        .annotate(order_total=sum_of(orders, "amount"))
        .order_by("-starts_on", "reference")
    )


def _order_totals(user: User) -> list[Money]:
    rows = (
        PurchaseOrder.objects.restrict(user, "view")
        .order_by()
        .values_list("contract__currency")
        .annotate(total=Sum("amount"))
    )
    return totals_by_currency(rows)


def _contract_figures(home: Home, user: User) -> None:
    contracts = _contracts(user)
    home.contracts = list(contracts[:HOME_CONTRACTS])
    home.contract_count = contracts.count()
    home.active_contract_count = contracts.filter(starts_on__lte=home.today, ends_on__gte=home.today).count()
    home.order_totals = _order_totals(user)


def _roles(user: User, site: Site | None = None) -> list[RoleCount]:
    rows = visible_specialists(user).filter(active=True)
    if site is not None:
        rows = rows.filter(site=site)
    counts = dict(rows.order_by().values_list("role").annotate(n=Count("pk")))
    return [RoleCount(role.value, str(role.label), counts.get(role.value, 0)) for role in Role]


def _role_matrix(user: User, sites: list[SiteLoad]) -> list[RoleMatrixRow]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for site_id, role, n in (
        visible_specialists(user)
        .filter(active=True)
        .order_by()
        .values_list("site", "role")
        .annotate(n=Count("pk"))
    ):
        counts[site_id][role] = n
    return [
        RoleMatrixRow(
            load.site,
            [counts[load.site.pk].get(role.value, 0) for role in Role],
            sum(counts[load.site.pk].values()),
        )
        for load in sites
    ]


def _top_skills(user: User) -> list[dict[str, Any]]:
    return list(
        SpecialistSkill.objects.restrict(user, "view")
        .filter(specialist__active=True)
        .order_by()
        .values("skill__name", "skill__family")
        .annotate(specialists=Count("specialist", distinct=True), average_level=Avg("level"))
        .order_by("-specialists", "skill__name")[:TOP_SKILLS]
    )


def _schools(user: User) -> list[dict[str, Any]]:
    return list(
        visible_specialists(user)
        .filter(active=True)
        .order_by()
        .values("school__name")
        .annotate(specialists=Count("pk"))
        .order_by("-specialists", "school__name")
    )


def _upcoming_absences(user: User, today: dt.date) -> QuerySet[Absence]:
    return (
        Absence.objects.restrict(user, "view")
        .filter(ends_on__gte=today, starts_on__lte=today + ABSENCE_HORIZON)
        .select_related("specialist")
        .order_by("starts_on")
    )


def _director(home: Home, user: User) -> None:
    home.sites = site_loads(user)
    _contract_figures(home, user)
    home.objectives = list(
        Objective.objects.restrict(user, "view")
        .select_related("programme", "site")
        .order_by("due_on", "label")
    )


def _site_manager(home: Home, user: User) -> None:
    home.sites = site_loads(user, only_site=user.site_id)
    if home.sites:
        site = home.sites[0].site
        home.roles = _roles(user, site)
        home.absences = list(_upcoming_absences(user, home.today).filter(specialist__site=site))
    home.contract_count = Contract.objects.restrict(user, "view").count()


def _delivery_lead(home: Home, user: User) -> None:
    _contract_figures(home, user)
    home.work_unit_count = WorkUnit.objects.restrict(user, "view").count()
    home.service_line_count = ServiceLine.objects.restrict(user, "view").count()
    home.price_list_count = PriceList.objects.restrict(user, "view").count()


def _resource_manager(home: Home, user: User) -> None:
    home.sites = site_loads(user)
    home.role_labels = [str(role.label) for role in Role]
    home.role_matrix = _role_matrix(user, home.sites)
    home.top_skills = _top_skills(user)
    home.absences = list(_upcoming_absences(user, home.today))


def _recruiter(home: Home, user: User) -> None:
    home.sites = site_loads(user)
    home.schools = _schools(user)


def _specialist(home: Home, user: User) -> None:
    if user.specialist_id is None:
        return
    home.specialist = (
        visible_specialists(user)
        .select_related("site", "grade", "school")
        .filter(pk=user.specialist_id)
        .first()
    )
    if home.specialist is None:
        return
    home.skills = list(
        SpecialistSkill.objects.restrict(user, "view")
        .filter(specialist=home.specialist)
        .select_related("skill")
        .order_by("-level", "skill__name")
    )
    home.absences = list(
        Absence.objects.restrict(user, "view")
        .filter(specialist=home.specialist)
        .order_by("-starts_on")[:RECENT_ABSENCES]
    )


def _client(home: Home, user: User) -> None:
    _contract_figures(home, user)
    home.service_levels = list(
        ServiceLevel.objects.restrict(user, "view")
        .select_related("contract")
        .order_by("contract__reference", "code")
    )
    home.purchase_orders = list(
        PurchaseOrder.objects.restrict(user, "view")
        .select_related("contract")
        .order_by("-issued_on", "number")
    )


_BUILDERS: dict[Persona, tuple[str, Callable[[Home, User], None]]] = {
    Persona.DIRECTOR: ("core/home/director.html", _director),
    Persona.SITE_MANAGER: ("core/home/site_manager.html", _site_manager),
    Persona.DELIVERY_LEAD: ("core/home/delivery_lead.html", _delivery_lead),
    Persona.RESOURCE_MANAGER: ("core/home/resource_manager.html", _resource_manager),
    Persona.RECRUITER: ("core/home/recruiter.html", _recruiter),
    Persona.SPECIALIST: ("core/home/specialist.html", _specialist),
    Persona.CLIENT_REQUESTER: ("core/home/client.html", _client),
    Persona.CLIENT_APPROVER: ("core/home/client.html", _client),
}


def home_for(user: User) -> Home:
    template, build = _BUILDERS[Persona(user.persona)]
    home = Home(persona=user.persona, template=template, today=timezone.localdate())
    build(home, user)
    return home
