"""Build the reference case — a telecom group's consulting subsidiary and its two
Moroccan service centres — through the real actions.

Deterministic: the roster is drawn from the seed alone (`roster.py`); every other
value is fixed (`data.py`), dates included. Idempotent: each object is looked up
by its natural key (code, employee number, reference, username …) and the
creating action is called only when it is missing, so a second build adds no row
anywhere, not even in the audit log. Every write goes through an action with the
system as actor (`actor=None`).

The lookups read the tables directly rather than through `restrict()`: the
builder runs as the system, for every tenant at once, and never for a user.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.apps import apps
from django.db import models, transaction

from servicehub.catalogue.actions import (
    do_create_price_list,
    do_create_service_line,
    do_create_work_unit,
    do_publish_price_list_version,
)
from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import PriceList, PriceListVersion, ServiceLine, WorkUnit
from servicehub.contracts.actions import do_add_purchase_order, do_create_contract, do_define_service_level
from servicehub.contracts.models import Contract, PurchaseOrder, ServiceLevel
from servicehub.core.actions import do_create_user
from servicehub.core.choices import Currency, Persona
from servicehub.core.models import AuditLog, User
from servicehub.demo.data import (
    COMPLEXITY_FACTORS,
    CONTRACTS,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    GRADES,
    ORGANISATIONS,
    PRICE_LISTS,
    PROGRAMMES,
    PROVIDER,
    SCHOOLS,
    SERVICE_LINES,
    SITES,
    SKILLS,
    TIMEZONE,
    WEEKLY_HOURS,
    WORK_UNIT_SKILLS,
    WORK_UNITS,
    WORKING_HOURS,
    DemoLogin,
    OrganisationSpec,
    PriceListSpec,
)
from servicehub.demo.history import build_history
from servicehub.demo.roster import CENT, PlannedSpecialist, Roster, draw_roster
from servicehub.demo.talent import build_talent
from servicehub.org.actions import (
    do_create_organisation,
    do_create_programme,
    do_create_site,
    do_set_objective,
    do_set_working_hours,
)
from servicehub.org.choices import OrganisationKind
from servicehub.org.models import Objective, Organisation, Programme, Site, WorkingHours
from servicehub.people.actions import (
    do_create_grade,
    do_create_skill,
    do_create_specialist,
    do_record_absence,
)
from servicehub.people.choices import Role
from servicehub.people.models import Absence, Grade, Skill, Specialist, SpecialistSkill
from servicehub.talent.models import (
    Campaign,
    Candidate,
    HeadcountTarget,
    Partnership,
    PartnershipAction,
    PartnershipContact,
    StageChange,
)

__all__ = [
    "DEFAULT_SEED",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DemoLogin",
    "DemoReport",
    "build_demo",
    "demo_loaded",
    "demo_specialist",
]

DEFAULT_SEED = 2004


class Writer(Protocol):
    def write(self, s: str, /) -> object: ...


@dataclass
class DemoReport:
    seed: int
    # Rows created, by model label ("people.specialist"), in the order they were built.
    created: dict[str, int] = field(default_factory=dict)
    audit_rows: int = 0
    seconds: float = 0.0

    @property
    def anything_created(self) -> bool:
        return any(self.created.values())

    def lines(self) -> list[tuple[str, int]]:
        """(what, how many) for every kind of row created, named as the models name themselves."""
        return [
            (str(apps.get_model(label)._meta.verbose_name_plural), count)
            for label, count in self.created.items()
            if count
        ]


def build_demo(seed: int = DEFAULT_SEED, *, stdout: Writer | None = None) -> DemoReport:
    started = time.perf_counter()
    builder = _Builder(seed, stdout)
    audit_before = AuditLog.objects.count()
    # One transaction around the whole build: the actions nest as savepoints, and
    # SQLite writes once instead of once per action. A failure leaves nothing behind.
    with transaction.atomic():
        builder.run()
    builder.report.audit_rows = AuditLog.objects.count() - audit_before
    builder.report.seconds = time.perf_counter() - started
    return builder.report


def demo_loaded() -> bool:
    """Whether the demo sign-ins exist, i.e. whether printing them makes sense."""
    return User.objects.filter(username__in=[login.username for login in DEMO_LOGINS]).exists()


def demo_specialist(roster: Roster) -> PlannedSpecialist:
    """The roster entry of the `specialiste` account: the first engineer-grade developer hired at Rabat."""
    return next(
        p
        for p in roster.specialists
        if p.site == "rabat" and p.role == Role.DEVELOPER and p.grade == "engineer"
    )


class _Builder:
    def __init__(self, seed: int, stdout: Writer | None) -> None:
        self.seed = seed
        self.stdout = stdout
        self.report = DemoReport(seed=seed)

    def run(self) -> None:
        roster = draw_roster(self.seed)
        orgs = self.organisations()
        provider = orgs[PROVIDER]
        sites = self.sites(provider)
        self.working_hours(sites)
        self.programmes(provider, orgs, sites)
        grades = self.grades()
        skills = self.skills()
        specialists = self.specialists(roster, sites, grades, skills, orgs)
        self.absences(roster, specialists)
        units = self.catalogue(provider)
        versions = self.price_lists(provider, units)
        self.contracts(provider, orgs, sites, versions)
        self.users(orgs, sites, specialists[demo_specialist(roster).employee_number])
        self.history()
        self.talent(roster)

    def history(self) -> None:
        """A year of demands, service levels and invoices, once (a loaded history is left alone)."""
        from servicehub.demands.models import Demand, Invoice, SlaClock

        before = {model: model.objects.count() for model in (Demand, Invoice, SlaClock)}
        build_history(self.seed)
        for model, count in before.items():
            self._count(model, model.objects.count() - count)
        self._say(Demand)

    def talent(self, roster: Roster) -> None:
        """School partnerships, headcount targets, and the campaigns behind every hire of the roster."""
        models_built: tuple[type[models.Model], ...] = (
            Partnership,
            PartnershipContact,
            PartnershipAction,
            HeadcountTarget,
            Campaign,
            Candidate,
            StageChange,
        )
        before = {model: model._default_manager.count() for model in models_built}
        build_talent(self.seed, roster)
        for model, count in before.items():
            self._count(model, model._default_manager.count() - count)
            self._say(model)

    # -- bookkeeping

    def _count(self, model: type[models.Model], n: int = 1) -> None:
        label = model._meta.label_lower
        self.report.created[label] = self.report.created.get(label, 0) + n

    def _say(self, model: type[models.Model]) -> None:
        """Progress, for `servicehub demo -v 2`: rows of `model` created so far."""
        if self.stdout is not None:
            count = self.report.created.get(model._meta.label_lower, 0)
            self.stdout.write(f"  {model._meta.verbose_name_plural}: {count}\n")

    # -- organisations, sites, programmes

    def organisations(self) -> dict[str, Organisation]:
        specs = [
            *ORGANISATIONS,
            *(
                OrganisationSpec(code, name, OrganisationKind.SCHOOL, country="MA", city=city)
                for code, name, city in SCHOOLS
            ),
        ]
        orgs: dict[str, Organisation] = Organisation.objects.in_bulk(
            [s.code for s in specs], field_name="code"
        )
        for spec in specs:
            if spec.code not in orgs:
                orgs[spec.code] = do_create_organisation(
                    name=spec.name,
                    code=spec.code,
                    kind=spec.kind,
                    parent=orgs[spec.parent] if spec.parent else None,
                    country=spec.country,
                    city=spec.city,
                    actor=None,
                )
                self._count(Organisation)
        self._say(Organisation)
        return orgs

    def sites(self, provider: Organisation) -> dict[str, Site]:
        sites: dict[str, Site] = Site.objects.in_bulk([s.code for s in SITES], field_name="code")
        for spec in SITES:
            if spec.code not in sites:
                sites[spec.code] = do_create_site(
                    provider=provider,
                    name=spec.name,
                    code=spec.code,
                    city=spec.city,
                    address=spec.address,
                    timezone=TIMEZONE,
                    opened_on=spec.opened_on,
                    seats=spec.seats,
                    actor=None,
                )
                self._count(Site)
        self._say(Site)
        return sites

    def working_hours(self, sites: dict[str, Site]) -> None:
        # A week is set whole by its action, so "missing" means no row for that site and period.
        existing = set(
            WorkingHours.objects.filter(site__in=sites.values()).values_list(
                "site__code", "valid_from", "valid_until"
            )
        )
        for spec in WORKING_HOURS:
            if (spec.site, spec.valid_from, spec.valid_until) in existing:
                continue
            rows = do_set_working_hours(
                sites[spec.site],
                hours=spec.hours(),
                valid_from=spec.valid_from,
                valid_until=spec.valid_until,
                actor=None,
            )
            self._count(WorkingHours, len(rows))
        self._say(WorkingHours)

    def programmes(
        self, provider: Organisation, orgs: dict[str, Organisation], sites: dict[str, Site]
    ) -> None:
        programmes: dict[str, Programme] = Programme.objects.in_bulk(
            [p.code for p in PROGRAMMES], field_name="code"
        )
        existing = set(
            Objective.objects.filter(programme__code__in=[p.code for p in PROGRAMMES]).values_list(
                "programme__code", "metric", "site__code", "due_on"
            )
        )
        for spec in PROGRAMMES:
            programme = programmes.get(spec.code)
            if programme is None:
                programme = do_create_programme(
                    owner=provider,
                    sponsor=orgs[spec.sponsor],
                    name=spec.name,
                    code=spec.code,
                    description=spec.description,
                    starts_on=spec.starts_on,
                    ends_on=spec.ends_on,
                    actor=None,
                )
                self._count(Programme)
            for objective in spec.objectives:
                if (spec.code, objective.metric, objective.site, objective.due_on) in existing:
                    continue
                do_set_objective(
                    programme,
                    metric=objective.metric,
                    target=objective.target,
                    due_on=objective.due_on,
                    label=objective.label,
                    site=sites[objective.site] if objective.site else None,
                    actor=None,
                )
                self._count(Objective)
        self._say(Programme)
        self._say(Objective)

    # -- people

    def grades(self) -> dict[str, Grade]:
        grades: dict[str, Grade] = Grade.objects.in_bulk([g.code for g in GRADES], field_name="code")
        for spec in GRADES:
            if spec.code not in grades:
                grades[spec.code] = do_create_grade(
                    code=spec.code, name=spec.name, rank=spec.rank, actor=None
                )
                self._count(Grade)
        self._say(Grade)
        return grades

    def skills(self) -> dict[str, Skill]:
        skills: dict[str, Skill] = Skill.objects.in_bulk([code for code, _, _ in SKILLS], field_name="code")
        for code, name, family in SKILLS:
            if code not in skills:
                skills[code] = do_create_skill(code=code, name=name, family=family, actor=None)
                self._count(Skill)
        self._say(Skill)
        return skills

    def specialists(
        self,
        roster: Roster,
        sites: dict[str, Site],
        grades: dict[str, Grade],
        skills: dict[str, Skill],
        orgs: dict[str, Organisation],
    ) -> dict[str, Specialist]:
        people: dict[str, Specialist] = Specialist.objects.in_bulk(
            [p.employee_number for p in roster.specialists], field_name="employee_number"
        )
        for planned in roster.specialists:
            if planned.employee_number in people:
                continue
            site = sites[planned.site]
            people[planned.employee_number] = do_create_specialist(
                employee_number=planned.employee_number,
                first_name=planned.first_name,
                last_name=planned.last_name,
                site=site,
                role=planned.role,
                grade=grades[planned.grade],
                hourly_cost=planned.hourly_cost,
                cost_currency=Currency.MAD,  # both centres pay in dirhams
                hired_on=planned.hired_on,
                weekly_hours=WEEKLY_HOURS,
                school=orgs[planned.school],
                skills={skills[code]: level for code, level in planned.skills},
                actor=None,
            )
            self._count(Specialist)
            self._count(SpecialistSkill, len(planned.skills))
        self._say(Specialist)
        return people

    def absences(self, roster: Roster, people: dict[str, Specialist]) -> None:
        absent = [people[a.employee_number] for a in roster.absences]
        existing = set(
            Absence.objects.filter(specialist__in=absent).values_list(
                "specialist__employee_number", "starts_on"
            )
        )
        for planned in roster.absences:
            if (planned.employee_number, planned.starts_on) in existing:
                continue
            do_record_absence(
                people[planned.employee_number],
                kind=planned.kind,
                starts_on=planned.starts_on,
                ends_on=planned.ends_on,
                note=planned.note,
                actor=None,
            )
            self._count(Absence)
        self._say(Absence)

    # -- catalogue

    def catalogue(self, provider: Organisation) -> dict[str, WorkUnit]:
        lines: dict[str, ServiceLine] = ServiceLine.objects.in_bulk(
            [code for code, _ in SERVICE_LINES], field_name="code"
        )
        for code, name in SERVICE_LINES:
            if code not in lines:
                lines[code] = do_create_service_line(provider=provider, code=code, name=name, actor=None)
                self._count(ServiceLine)
        units: dict[str, WorkUnit] = WorkUnit.objects.in_bulk([u.code for u in WORK_UNITS], field_name="code")
        skills: dict[str, Skill] = Skill.objects.in_bulk(
            [code for needs in WORK_UNIT_SKILLS.values() for code, _ in needs], field_name="code"
        )
        for spec in WORK_UNITS:
            if spec.code not in units:
                units[spec.code] = do_create_work_unit(
                    service_line=lines[spec.service_line],
                    code=spec.code,
                    deliverable=spec.deliverable,
                    description=spec.description,
                    efforts=spec.efforts(),
                    skills={skills[code]: level for code, level in WORK_UNIT_SKILLS.get(spec.code, ())},
                    actor=None,
                )
                self._count(WorkUnit)
        self._say(ServiceLine)
        self._say(WorkUnit)
        return units

    def price_lists(
        self, provider: Organisation, units: dict[str, WorkUnit]
    ) -> dict[tuple[str, int], PriceListVersion]:
        """Every price list and its versions, keyed by (list code, version number in `data.py`)."""
        price_lists: dict[str, PriceList] = PriceList.objects.in_bulk(
            [p.code for p in PRICE_LISTS], field_name="code"
        )
        published = {
            (v.price_list.code, v.valid_from): v
            for v in PriceListVersion.objects.filter(
                price_list__code__in=[p.code for p in PRICE_LISTS]
            ).select_related("price_list")
        }
        versions: dict[tuple[str, int], PriceListVersion] = {}
        for spec in PRICE_LISTS:
            price_list = price_lists.get(spec.code)
            if price_list is None:
                price_list = do_create_price_list(
                    provider=provider, code=spec.code, name=spec.name, currency=spec.currency, actor=None
                )
                self._count(PriceList)
            for number, (valid_from, rate) in enumerate(spec.versions, 1):
                version = published.get((spec.code, valid_from))
                if version is None:
                    version = do_publish_price_list_version(
                        price_list, valid_from=valid_from, prices=_prices(spec, rate, units), actor=None
                    )
                    self._count(PriceListVersion)
                versions[spec.code, number] = version
        self._say(PriceList)
        self._say(PriceListVersion)
        return versions

    # -- contracts

    def contracts(
        self,
        provider: Organisation,
        orgs: dict[str, Organisation],
        sites: dict[str, Site],
        versions: dict[tuple[str, int], PriceListVersion],
    ) -> None:
        references = [c.reference for c in CONTRACTS]
        contracts: dict[str, Contract] = Contract.objects.in_bulk(references, field_name="reference")
        orders = set(
            PurchaseOrder.objects.filter(contract__reference__in=references).values_list(
                "contract__reference", "number"
            )
        )
        levels = set(
            ServiceLevel.objects.filter(contract__reference__in=references).values_list(
                "contract__reference", "code"
            )
        )
        for spec in CONTRACTS:
            contract = contracts.get(spec.reference)
            if contract is None:
                contract = do_create_contract(
                    reference=spec.reference,
                    title=spec.title,
                    provider=provider,
                    client=orgs[spec.client],
                    serving_sites=[sites[code] for code in spec.sites],
                    price_list_version=versions[spec.price_list, spec.version],
                    starts_on=spec.starts_on,
                    ends_on=spec.ends_on,
                    actor=None,
                )
                self._count(Contract)
            for order in spec.purchase_orders:
                if (spec.reference, order.number) not in orders:
                    do_add_purchase_order(
                        contract,
                        number=order.number,
                        amount=order.amount,
                        issued_on=order.issued_on,
                        valid_until=order.valid_until,
                        actor=None,
                    )
                    self._count(PurchaseOrder)
            for level in spec.service_levels:
                if (spec.reference, level.code) not in levels:
                    do_define_service_level(
                        contract,
                        code=level.code,
                        name=level.name,
                        kind=level.kind,
                        comparison=level.comparison,
                        threshold=level.threshold,
                        unit=level.unit,
                        window=level.window,
                        penalty_percent=level.penalty_percent,
                        penalty_cap_percent=level.penalty_cap_percent,
                        clock_start_states=level.clock_start,
                        clock_stop_states=level.clock_stop,
                        target_business_hours=level.target_hours,
                        actor=None,
                    )
                    self._count(ServiceLevel)
        self._say(Contract)
        self._say(PurchaseOrder)
        self._say(ServiceLevel)

    # -- sign-ins

    def users(self, orgs: dict[str, Organisation], sites: dict[str, Site], specialist: Specialist) -> None:
        usernames = [login.username for login in DEMO_LOGINS]
        existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
        for login in DEMO_LOGINS:
            if login.username in existing:
                continue
            linked = specialist if login.persona == Persona.SPECIALIST else None
            do_create_user(
                username=login.username,
                password=DEMO_PASSWORD,
                # The demo password is published in the README on purpose; a strength
                # check would only make `make run` fail the day a stricter validator is set.
                check_password=False,
                persona=login.persona,
                organisation=orgs[login.organisation],
                site=sites[login.site] if login.site else None,
                specialist=linked,
                first_name=linked.first_name if linked else login.first_name,
                last_name=linked.last_name if linked else login.last_name,
                email=f"{login.username}@demo.example",
                actor=None,
            )
            self._count(User)
        self._say(User)


def _prices(
    spec: PriceListSpec, rate: Decimal, units: dict[str, WorkUnit]
) -> dict[tuple[WorkUnit, Complexity], Decimal]:
    """A version's prices: effort by hourly rate by the grade's volume factor, rounded to the list's step."""
    prices: dict[tuple[WorkUnit, Complexity], Decimal] = {}
    for unit_spec in WORK_UNITS:
        for grade, hours in unit_spec.efforts().items():
            raw = hours * rate * COMPLEXITY_FACTORS[grade]
            steps = (raw / spec.rounding).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            prices[units[unit_spec.code], grade] = (steps * spec.rounding).quantize(CENT)
    return prices
