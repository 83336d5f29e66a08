"""The roster of specialists and their absences, drawn from a seed.

Pure: no database, no clock, no global random state. The whole roster is drawn
before anything is written, in a fixed order, so the same seed gives the same
people whether the database is empty or half-built.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from servicehub.demo.data import (
    ABSENCE_COUNT,
    ABSENCES_FROM,
    ABSENCES_UNTIL,
    AS_OF,
    FIRST_NAMES_MEN,
    FIRST_NAMES_WOMEN,
    GRADES,
    LAST_NAMES,
    ROLE_GRADES,
    ROLE_SHARES,
    ROLE_TRACKS,
    SITES,
    WOMEN_PERCENT,
    GradeSpec,
    SiteSpec,
)
from servicehub.people.choices import AbsenceKind, Role

CENT = Decimal("0.01")

# Kind, weight, shortest and longest length in calendar days, note.
_ABSENCE_KINDS: tuple[tuple[AbsenceKind, int, int, int, str], ...] = (
    (AbsenceKind.LEAVE, 60, 5, 15, "Congé annuel"),
    (AbsenceKind.TRAINING, 20, 2, 5, "Formation certifiante"),
    (AbsenceKind.SICKNESS, 15, 1, 5, ""),
    (AbsenceKind.OTHER, 5, 1, 3, "Événement familial"),
)


@dataclass(frozen=True)
class PlannedSpecialist:
    employee_number: str
    first_name: str
    last_name: str
    site: str
    role: Role
    grade: str
    hourly_cost: Decimal
    hired_on: dt.date
    school: str
    skills: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class PlannedAbsence:
    employee_number: str
    kind: AbsenceKind
    starts_on: dt.date
    ends_on: dt.date
    note: str


@dataclass(frozen=True)
class Roster:
    specialists: tuple[PlannedSpecialist, ...]
    absences: tuple[PlannedAbsence, ...]


def draw_roster(seed: int) -> Roster:
    rng = random.Random(seed)
    names: set[tuple[str, str]] = set()
    specialists: list[PlannedSpecialist] = []
    for site in SITES:
        specialists.extend(_draw_site(rng, site, names))
    return Roster(tuple(specialists), tuple(_draw_absences(rng, specialists)))


def role_counts(headcount: int) -> list[tuple[Role, int]]:
    """Split a headcount by ROLE_SHARES, largest remainders first, so the mix is exact."""
    total = sum(share for _, share in ROLE_SHARES)
    exact = [(role, headcount * share / total) for role, share in ROLE_SHARES]
    counts = {role: int(value) for role, value in exact}
    by_remainder = sorted(exact, key=lambda item: item[1] - int(item[1]), reverse=True)
    for role, _ in by_remainder[: headcount - sum(counts.values())]:
        counts[role] += 1
    return [(role, counts[role]) for role, _ in ROLE_SHARES]


def _draw_site(rng: random.Random, site: SiteSpec, names: set[tuple[str, str]]) -> list[PlannedSpecialist]:
    roles = [role for role, count in role_counts(site.headcount) for _ in range(count)]
    rng.shuffle(roles)
    school_codes = [code for code, _ in site.schools]
    school_weights = [weight for _, weight in site.schools]
    drafts: list[tuple[dt.date, str, str, Role, GradeSpec, Decimal, str, tuple[tuple[str, int], ...]]] = []
    for role in roles:
        grade, hired_on = _draw_grade_and_hire_date(rng, site, role)
        first_name, last_name = _draw_name(rng, names)
        hourly_cost = _draw_cost(rng, grade)
        school = rng.choices(school_codes, school_weights)[0]
        skills = _draw_skills(rng, role, grade)
        drafts.append((hired_on, last_name, first_name, role, grade, hourly_cost, school, skills))
    # Employee numbers follow the order of hiring, as a payroll system would give them.
    drafts.sort(key=lambda d: (d[0], d[1], d[2]))
    return [
        PlannedSpecialist(
            employee_number=f"{site.number_prefix}{i:04d}",
            first_name=first_name,
            last_name=last_name,
            site=site.code,
            role=role,
            grade=grade.code,
            hourly_cost=hourly_cost,
            hired_on=hired_on,
            school=school,
            skills=skills,
        )
        for i, (hired_on, last_name, first_name, role, grade, hourly_cost, school, skills) in enumerate(
            drafts, 1
        )
    ]


def _hire_window(site: SiteSpec, grade: GradeSpec) -> tuple[dt.date, dt.date] | None:
    """When someone now at `grade` was hired at `site`, or None if the site was not hiring then."""
    earliest = max(site.opened_on, _years_before(AS_OF, grade.years_to))
    latest = min(site.hires_until, _years_before(AS_OF, grade.years_from))
    return (earliest, latest) if earliest <= latest else None


def _draw_grade_and_hire_date(rng: random.Random, site: SiteSpec, role: Role) -> tuple[GradeSpec, dt.date]:
    # A grade whose usual seniority falls outside the site's hiring years is left out
    # (Casablanca, done hiring in 2020, has no juniors left in 2026).
    windows = [_hire_window(site, grade) for grade in GRADES]
    weights = [w if window else 0 for w, window in zip(ROLE_GRADES[role], windows, strict=True)]
    if not any(weights):
        weights = list(ROLE_GRADES[role])
    index = rng.choices(range(len(GRADES)), weights)[0]
    earliest, latest = windows[index] or (site.opened_on, site.hires_until)
    return GRADES[index], earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))


def _draw_name(rng: random.Random, taken: set[tuple[str, str]]) -> tuple[str, str]:
    while True:
        firsts = FIRST_NAMES_WOMEN if rng.randrange(100) < WOMEN_PERCENT else FIRST_NAMES_MEN
        name = (rng.choice(firsts), rng.choice(LAST_NAMES))
        if name not in taken:
            taken.add(name)
            return name


def _draw_cost(rng: random.Random, grade: GradeSpec) -> Decimal:
    # Quarter-dirham steps, like a payroll-derived rate.
    quarters = rng.randint(grade.cost_from * 4, grade.cost_to * 4)
    return (Decimal(quarters) / 4).quantize(CENT)


def _draw_skills(rng: random.Random, role: Role, grade: GradeSpec) -> tuple[tuple[str, int], ...]:
    tracks = ROLE_TRACKS[role]
    track = rng.choices(tracks, [t.weight for t in tracks])[0]
    count = rng.randint(2, 5)
    primary = rng.sample(track.primary, min(len(track.primary), rng.randint(1, 2), count))
    secondary = rng.sample(track.secondary, count - len(primary))
    # Seniority shows in the levels: a lead masters their core skills, a junior is learning them.
    base = min(grade.rank + 1, 5)
    skills = [(code, _clamp_level(base + rng.choice((-1, 0, 0, 1)))) for code in primary]
    skills += [(code, _clamp_level(base - 1 + rng.choice((-1, 0, 0, 1)))) for code in secondary]
    return tuple(skills)


def _draw_absences(rng: random.Random, specialists: list[PlannedSpecialist]) -> list[PlannedAbsence]:
    span = (ABSENCES_UNTIL - ABSENCES_FROM).days
    absences = []
    for person in rng.sample(specialists, ABSENCE_COUNT):
        kind, _, shortest, longest, note = rng.choices(_ABSENCE_KINDS, [k[1] for k in _ABSENCE_KINDS])[0]
        starts_on = ABSENCES_FROM + dt.timedelta(days=rng.randint(0, span))
        ends_on = min(starts_on + dt.timedelta(days=rng.randint(shortest, longest) - 1), ABSENCES_UNTIL)
        absences.append(PlannedAbsence(person.employee_number, kind, starts_on, ends_on, note))
    absences.sort(key=lambda a: (a.employee_number, a.starts_on))
    return absences


def _clamp_level(level: int) -> int:
    return max(1, min(5, level))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)
