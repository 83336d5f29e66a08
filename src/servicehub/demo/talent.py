"""The recruiting side of the reference case: partnerships with the schools (contacts, internships each
summer, recruitment days, a few joint projects), the sites' headcount targets, the campaigns that hired
every specialist of the roster with the other candidates of those campaigns, and the campaigns open at
AS_OF with candidates at every stage.

Deterministic from the seed. Built once: partnerships and targets are looked up by their natural keys;
the campaigns and candidates are added only when the demo sites have no campaign yet.

How it is written, and why:
- Partnerships, contacts, partnership actions, targets and campaigns go through their actions, as the
  system (one audit row each, like the rest of the reference data).
- The candidates of the past (some 2,000, with 7,000 stage changes) are loaded the way a bulk import
  is: `bulk_create`, then one audit row per candidate written with `record_changes` (as the ServiceNow
  import writes one per demand), saying what was loaded. Replaying each step through the actions
  would write six audit rows per hire and take several times longer, and `do_hire_candidate` cannot
  serve anyway: it creates the specialist, who already exists (the roster). Files closed more than
  the retention period before AS_OF are loaded as the purge would have left them: anonymised.
- The candidates of the campaigns open at AS_OF are replayed through the actions at their own dates
  (`core.clock`), by the demo's recruiter, like the year of demands in `history.py`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.text import slugify

from servicehub.core import clock
from servicehub.core.audit import audit_entry, record_changes, snapshot
from servicehub.core.choices import AuditEvent
from servicehub.core.models import User
from servicehub.demo.data import (
    AS_OF,
    CAMPAIGN_TITLES,
    FIRST_NAMES_MEN,
    FIRST_NAMES_WOMEN,
    HEADCOUNT_TARGETS,
    LAST_NAMES,
    OPEN_CAMPAIGNS,
    OTHER_CANDIDATES,
    PARTNERSHIP_PROJECTS,
    PARTNERSHIPS,
    PROVIDER,
    ROLE_TRACKS,
    SITES,
    TIMEZONE,
    WOMEN_PERCENT,
    OpenCampaignSpec,
)
from servicehub.demo.roster import PlannedSpecialist, Roster
from servicehub.org.models import Organisation, Site
from servicehub.people.choices import Role
from servicehub.people.models import Skill, Specialist
from servicehub.talent import actions
from servicehub.talent.actions import ANONYMOUS, TRACEABLE
from servicehub.talent.choices import PIPELINE, CampaignStatus, PartnershipActionKind, Stage
from servicehub.talent.models import (
    Campaign,
    Candidate,
    CandidateSkill,
    HeadcountTarget,
    Partnership,
    StageChange,
)

ZONE = ZoneInfo(TIMEZONE)
# The demo's now, as in history.py: the morning of AS_OF.
NOW = dt.datetime.combine(AS_OF, dt.time(8, 0), tzinfo=dt.UTC)
# TALENT_RETENTION_DAYS' default: files closed for longer are anonymised by `servicehub talent purge`.
RETENTION = dt.timedelta(days=730)
BATCH = 500

# Days between two steps of a file, at least and at most: applied → screened → interview → offer →
# hired (the offer accepted and the contract signed), then from that to the first day of work.
STEP_DAYS = {
    Stage.SCREENED: (2, 14),
    Stage.INTERVIEW: (5, 20),
    Stage.OFFER: (5, 20),
    Stage.HIRED: (3, 14),
}
NOTICE_DAYS = (10, 40)
# How far the other candidates of a campaign got before their file closed (applied … offer), weighted.
FURTHEST_WEIGHTS = (45, 30, 18, 7)
REJECTED_REASONS = {
    Stage.APPLIED: "Profil éloigné des compétences demandées.",
    Stage.SCREENED: "Test technique insuffisant.",
    Stage.INTERVIEW: "Entretien non concluant.",
    Stage.OFFER: "Offre retirée : budget du poste revu.",
}
WITHDREW_REASONS = {
    Stage.APPLIED: "Ne donne plus suite.",
    Stage.SCREENED: "A accepté une autre proposition.",
    Stage.INTERVIEW: "Mobilité vers le site impossible.",
    Stage.OFFER: "Offre déclinée : a accepté une autre proposition.",
}
# Years between graduating and being hired, by the grade the person holds now.
GRADUATED_BEFORE = {
    "junior": (0, 1),
    "engineer": (0, 3),
    "senior": (1, 6),
    "lead": (3, 10),
    "manager": (5, 12),
}


@dataclass
class PlannedCandidate:
    first_name: str
    last_name: str
    school: str | None
    graduation_year: int
    applied_on: dt.date
    # (from, to, at, reason), in order, the first one from "" to applied.
    steps: list[tuple[str, Stage, dt.datetime, str]]
    skills: tuple[tuple[str, int], ...]
    employee_number: str | None = None

    @property
    def stage(self) -> Stage:
        return self.steps[-1][1]

    @property
    def last_moved(self) -> dt.datetime:
        return self.steps[-1][2]


@dataclass
class PlannedCampaign:
    site: str
    role: Role
    year: int
    hires: list[PlannedSpecialist]
    candidates: list[PlannedCandidate] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{CAMPAIGN_TITLES[self.role]} — {self.site_name} {self.year}"

    @property
    def site_name(self) -> str:
        return next(spec.city for spec in SITES if spec.code == self.site)

    @property
    def opens_on(self) -> dt.date:
        return min(c.applied_on for c in self.candidates)

    @property
    def closes_on(self) -> dt.date:
        return max(c.last_moved.astimezone(ZONE).date() for c in self.candidates)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A working moment on `day`, moved back to the Friday when it falls on a weekend (never later:
    a hire must be recorded before the first day of work)."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=ZONE)


def _person(rng: random.Random) -> tuple[str, str]:
    firsts = FIRST_NAMES_WOMEN if rng.randrange(100) < WOMEN_PERCENT else FIRST_NAMES_MEN
    return rng.choice(firsts), rng.choice(LAST_NAMES)


def _skills(rng: random.Random, role: Role) -> tuple[tuple[str, int], ...]:
    tracks = ROLE_TRACKS[role]
    track = rng.choices(tracks, [t.weight for t in tracks])[0]
    codes = list(track.primary[: rng.randint(1, len(track.primary))])
    codes += rng.sample(track.secondary, rng.randint(0, 2))
    return tuple((code, rng.randint(1, 4)) for code in dict.fromkeys(codes))


def _hired_file(rng: random.Random, person: PlannedSpecialist) -> PlannedCandidate:
    """The candidacy that ended in `person`'s hire: every step of the pipeline, the last one before
    their first day."""
    moments: dict[Stage, dt.datetime] = {
        Stage.HIRED: _at(person.hired_on - dt.timedelta(days=rng.randint(*NOTICE_DAYS)))
    }
    for later, earlier in zip(PIPELINE[:0:-1], PIPELINE[-2::-1], strict=True):
        day = moments[later].date() - dt.timedelta(days=rng.randint(*STEP_DAYS[later]))
        moments[earlier] = _at(day, hour=9 if earlier == Stage.APPLIED else 10)
    steps = [("", Stage.APPLIED, moments[Stage.APPLIED], "")]
    steps += [(str(before), stage, moments[stage], "") for before, stage in itertools.pairwise(PIPELINE)]
    low, high = GRADUATED_BEFORE.get(person.grade, (0, 3))
    return PlannedCandidate(
        first_name=person.first_name,
        last_name=person.last_name,
        school=person.school,
        graduation_year=person.hired_on.year - rng.randint(low, high),
        applied_on=moments[Stage.APPLIED].date(),
        steps=steps,
        # What they brought when applying: their skills today, a level lower.
        skills=tuple((code, max(1, level - 1)) for code, level in person.skills),
        employee_number=person.employee_number,
    )


def _closed_file(
    rng: random.Random, role: Role, school: str | None, applied_on: dt.date, latest: dt.datetime
) -> PlannedCandidate:
    """A candidacy that ended without a hire: rejected, or withdrawn, after getting some way."""
    furthest = rng.choices(range(len(FURTHEST_WEIGHTS)), FURTHEST_WEIGHTS)[0]
    withdrew = rng.random() < (0.7 if PIPELINE[furthest] == Stage.OFFER else 0.2)
    moment = _at(applied_on, hour=9)
    steps: list[tuple[str, Stage, dt.datetime, str]] = [("", Stage.APPLIED, moment, "")]
    for stage in PIPELINE[1 : furthest + 1]:
        moment = _at(moment.date() + dt.timedelta(days=rng.randint(*STEP_DAYS[stage]) + 2))
        steps.append((str(steps[-1][1]), stage, moment, ""))
    end = Stage.WITHDREW if withdrew else Stage.REJECTED
    reason = (WITHDREW_REASONS if withdrew else REJECTED_REASONS)[PIPELINE[furthest]]
    moment = _at(moment.date() + dt.timedelta(days=rng.randint(2, 10) + 2), hour=16)
    steps.append((str(steps[-1][1]), end, moment, reason))
    # A file of the campaign closes by the campaign's last move: slide it back whole if need be.
    overshoot = steps[-1][2] - latest
    if overshoot > dt.timedelta(0):
        back = dt.timedelta(days=overshoot.days + 1)
        steps = [(before, stage, _at((at - back).date(), at.hour), why) for before, stage, at, why in steps]
        steps = _in_order(steps)
    first, last = _person(rng)
    return PlannedCandidate(
        first_name=first,
        last_name=last,
        school=school,
        graduation_year=steps[0][2].year - rng.randint(0, 4),
        applied_on=steps[0][2].date(),
        steps=steps,
        skills=_skills(rng, role),
    )


def _in_order(
    steps: list[tuple[str, Stage, dt.datetime, str]],
) -> list[tuple[str, Stage, dt.datetime, str]]:
    """Moving a step back to a Friday may put it before the one it follows: keep the order strict."""
    fixed = [steps[0]]
    for before, stage, at, why in steps[1:]:
        fixed.append((before, stage, max(at, fixed[-1][2] + dt.timedelta(hours=1)), why))
    return fixed


def plan_recruiting(seed: int, roster: Roster) -> list[PlannedCampaign]:
    """The campaigns of the past, one per site, role and year of hire, with every candidacy. Pure."""
    rng = random.Random(f"talent-{seed}")
    groups: dict[tuple[str, Role, int], list[PlannedSpecialist]] = defaultdict(list)
    for person in roster.specialists:
        groups[person.site, person.role, person.hired_on.year].append(person)
    weights = {spec.code: spec.schools for spec in SITES}
    campaigns = []
    for (site, role, year), hires in sorted(
        groups.items(), key=lambda item: (item[0][0], item[0][2], item[0][1])
    ):
        campaign = PlannedCampaign(site, role, year, hires)
        campaign.candidates = [_hired_file(rng, person) for person in hires]
        first = min(c.applied_on for c in campaign.candidates)
        latest = max(c.last_moved for c in campaign.candidates)
        last_applied = max(c.applied_on for c in campaign.candidates)
        codes, school_weights = zip(*weights[site], strict=True)
        for _ in range(sum(rng.randint(*OTHER_CANDIDATES) for _ in hires)):
            # One in twenty comes from a school the centre has no partnership with.
            school = None if rng.random() < 0.05 else rng.choices(codes, school_weights)[0]
            applied_on = first + dt.timedelta(days=rng.randint(0, max((last_applied - first).days, 0)))
            campaign.candidates.append(_closed_file(rng, role, school, applied_on, latest))
        campaigns.append(campaign)
    return campaigns


# -- writing


def build_talent(seed: int, roster: Roster) -> None:
    provider = Organisation.objects.get(code=PROVIDER)
    sites: dict[str, Site] = Site.objects.in_bulk([spec.code for spec in SITES], field_name="code")
    schools: dict[str, Organisation] = Organisation.objects.in_bulk(
        [spec.school for spec in PARTNERSHIPS], field_name="code"
    )
    _partnerships(provider, schools, sites, random.Random(f"partnerships-{seed}"))
    _targets(sites)
    if Campaign.objects.filter(site__in=sites.values()).exists():
        return
    skills: dict[str, Skill] = {skill.code: skill for skill in Skill.objects.all()}
    _past_campaigns(plan_recruiting(seed, roster), sites, schools, skills)
    _open_campaigns(random.Random(f"open-campaigns-{seed}"), sites, schools, skills)


def _partnerships(
    provider: Organisation, schools: dict[str, Organisation], sites: dict[str, Site], rng: random.Random
) -> None:
    existing = set(Partnership.objects.filter(provider=provider).values_list("school__code", flat=True))
    for spec in PARTNERSHIPS:
        if spec.school in existing:
            continue
        school = schools[spec.school]
        partnership = actions.do_create_partnership(
            provider=provider, school=school, since=spec.since, fields=spec.fields, actor=None
        )
        name, title = spec.contact
        actions.do_add_partnership_contact(
            partnership,
            name=name,
            title=title,
            email=f"{slugify(name).replace('-', '.')}@{spec.school}.demo.example",
            phone=f"+212 5 37 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            actor=None,
        )
        for kind, title, site, starts_on, ends_on, people in _partnership_actions(
            rng, spec.school, spec.since
        ):
            actions.do_record_partnership_action(
                partnership,
                kind=kind,
                title=title,
                site=sites[site or spec.site],
                starts_on=starts_on,
                ends_on=ends_on,
                people=people,
                actor=None,
            )


def _partnership_actions(
    rng: random.Random, school: str, since: dt.date
) -> list[tuple[PartnershipActionKind, str, str | None, dt.date, dt.date, int]]:
    """Internships each summer from the first one after the partnership began, a recruitment day every
    other year (every year for Casablanca's schools while it ramped up), and the school's projects."""
    found: list[tuple[PartnershipActionKind, str, str | None, dt.date, dt.date, int]] = []
    casablanca = next(spec for spec in SITES if spec.code == "casablanca")
    name = school.upper()
    first_summer = since.year if since < dt.date(since.year, 7, 1) else since.year + 1
    for year in range(first_summer, AS_OF.year + 1):
        found.append(
            (
                PartnershipActionKind.INTERNSHIPS,
                f"Stages d'été {year} — {name}",
                None,
                dt.date(year, 7, 1),
                dt.date(year, 8, 31),
                rng.randint(2, 8),
            )
        )
    ramp = range(casablanca.opened_on.year, casablanca.hires_until.year + 1)
    casablanca_school = dict(casablanca.schools).get(school, 0) >= 10
    for year in range(since.year + 1, AS_OF.year + 1):
        if year % 2 and not (casablanca_school and year in ramp):
            continue
        day = dt.date(year, 11, 1) + dt.timedelta(days=rng.randint(0, 20))
        if day >= AS_OF:
            continue
        site = "casablanca" if casablanca_school and year in ramp else None
        found.append(
            (
                PartnershipActionKind.RECRUITMENT_DAY,
                f"Journée de recrutement {year} — {name}",
                site,
                day,
                day,
                rng.randint(30, 120),
            )
        )
    for code, title, site, starts_on, ends_on, people in PARTNERSHIP_PROJECTS:
        if code == school:
            found.append((PartnershipActionKind.PROJECT, title, site, starts_on, ends_on, people))
    return found


def _targets(sites: dict[str, Site]) -> None:
    existing = set(HeadcountTarget.objects.filter(site__in=sites.values()).values_list("site__code", "on"))
    for site, on, headcount, note in HEADCOUNT_TARGETS:
        if (site, on) not in existing:
            actions.do_set_headcount_target(sites[site], on=on, headcount=headcount, note=note, actor=None)


def _campaign_skills(role: Role, skills: dict[str, Skill]) -> dict[Skill, int]:
    """What a campaign of the past asked for: the core skills of the role's main profile."""
    return {skills[code]: 2 for code in ROLE_TRACKS[role][0].primary}


def _past_campaigns(
    planned: list[PlannedCampaign],
    sites: dict[str, Site],
    schools: dict[str, Organisation],
    skills: dict[str, Skill],
) -> None:
    people = dict(Specialist.objects.values_list("employee_number", "pk"))
    files: list[tuple[Candidate, PlannedCandidate]] = []
    for plan in planned:
        campaign = actions.do_create_campaign(
            site=sites[plan.site],
            title=plan.title,
            role=plan.role,
            openings=len(plan.hires),
            opens_on=plan.opens_on,
            closes_on=plan.closes_on,
            skills=_campaign_skills(plan.role, skills),
            status=CampaignStatus.CLOSED,
            actor=None,
        )
        for candidacy in plan.candidates:
            files.append((_candidate(campaign, candidacy, schools, people), candidacy))
    Candidate.objects.bulk_create([candidate for candidate, _ in files], batch_size=BATCH)
    StageChange.objects.bulk_create(
        (
            StageChange(
                candidate=candidate,
                from_stage=before,
                to_stage=stage,
                at=at,
                reason="" if candidate.anonymised_at else why,
            )
            for candidate, candidacy in files
            for before, stage, at, why in candidacy.steps
        ),
        batch_size=BATCH,
    )
    CandidateSkill.objects.bulk_create(
        (
            CandidateSkill(candidate=candidate, skill=skills[code], level=level)
            for candidate, candidacy in files
            for code, level in candidacy.skills
        ),
        batch_size=BATCH,
    )
    record_changes(
        [
            audit_entry(
                None,
                candidate,
                AuditEvent.CANDIDATE_ADDED,
                after={
                    **snapshot(candidate, TRACEABLE),
                    "source": "history",
                    "stage_changes": len(candidacy.steps),
                    "specialist": candidate.specialist_id,
                    "anonymised": candidate.anonymised_at is not None,
                },
            )
            for candidate, candidacy in files
        ]
    )


def _candidate(
    campaign: Campaign, planned: PlannedCandidate, schools: dict[str, Organisation], people: dict[str, int]
) -> Candidate:
    candidate = Candidate(
        campaign=campaign,
        first_name=planned.first_name,
        last_name=planned.last_name,
        email=_email(planned),
        phone="",
        school=schools[planned.school] if planned.school else None,
        graduation_year=planned.graduation_year,
        stage=planned.stage,
        applied_on=planned.applied_on,
        stage_changed_at=planned.last_moved,
        specialist_id=people[planned.employee_number] if planned.employee_number else None,
    )
    # Loaded as `servicehub talent purge` would have left it: the purge runs on the first of each month.
    purged = (planned.last_moved + RETENTION).date().replace(day=1) + dt.timedelta(days=32)
    purged = purged.replace(day=1)
    if purged <= AS_OF:
        candidate.first_name = candidate.last_name = ANONYMOUS
        candidate.email = ""
        candidate.anonymised_at = dt.datetime.combine(purged, dt.time(3, 0), tzinfo=ZONE)
    return candidate


def _email(planned: PlannedCandidate) -> str:
    return f"{slugify(planned.first_name)}.{slugify(planned.last_name)}@example.com"


def _open_campaigns(
    rng: random.Random, sites: dict[str, Site], schools: dict[str, Organisation], skills: dict[str, Skill]
) -> None:
    recruiter = User.objects.get(username="recrutement")
    for spec in OPEN_CAMPAIGNS:
        with clock.replaying_at(_at(spec.opens_on, hour=9)):
            campaign = actions.do_create_campaign(
                site=sites[spec.site],
                title=spec.title,
                role=spec.role,
                openings=spec.openings,
                opens_on=spec.opens_on,
                closes_on=spec.closes_on,
                skills={skills[code]: level for code, level in spec.skills},
                actor=None,
            )
        for furthest, end in _open_files(rng, spec):
            _replay_candidate(rng, campaign, spec, furthest, end, schools, recruiter)


def _open_files(rng: random.Random, spec: OpenCampaignSpec) -> list[tuple[int, Stage | None]]:
    """(furthest pipeline step, how the file ended if it did) for each candidate of an open campaign."""
    *at_stage, rejected, withdrew = spec.stages
    files: list[tuple[int, Stage | None]] = [
        (index, None) for index, count in enumerate(at_stage) for _ in range(count)
    ]
    files += [(rng.randint(0, 2), Stage.REJECTED) for _ in range(rejected)]
    files += [(rng.randint(1, 3), Stage.WITHDREW) for _ in range(withdrew)]
    return files


def _replay_candidate(
    rng: random.Random,
    campaign: Campaign,
    spec: OpenCampaignSpec,
    furthest: int,
    end: Stage | None,
    schools: dict[str, Organisation],
    recruiter: User,
) -> None:
    """A candidate of an open campaign, through the actions at the dates of each step, all before NOW."""
    moves: list[tuple[Stage, str]] = [(stage, "") for stage in PIPELINE[1 : furthest + 1]]
    if end is not None:
        reasons = WITHDREW_REASONS if end == Stage.WITHDREW else REJECTED_REASONS
        moves.append((end, reasons[PIPELINE[furthest]]))
    # Room for the steps between the application and the demo's now, four days or more apart.
    latest_applied = (NOW.date() - spec.opens_on).days - 4 * len(moves) - 1
    applied_on = spec.opens_on + dt.timedelta(days=rng.randint(0, max(latest_applied, 0)))
    while applied_on.weekday() >= 5:
        applied_on += dt.timedelta(days=1)
    gaps = [rng.randint(2, 4) for _ in moves]
    first, last = _person(rng)
    site = next(s for s in SITES if s.code == spec.site)
    codes, weights = zip(*site.schools, strict=True)
    with clock.replaying_at(_at(applied_on, hour=9)):
        candidate = actions.do_add_candidate(
            campaign,
            first_name=first,
            last_name=last,
            email=f"{slugify(first)}.{slugify(last)}@example.com",
            phone="+212 6 " + " ".join(str(rng.randint(10, 99)) for _ in range(4)),
            school=schools[rng.choices(codes, weights)[0]],
            graduation_year=AS_OF.year - rng.randint(0, 5),
            skills=dict(_open_skills(rng, campaign)),
            applied_on=applied_on,
            actor=recruiter,
        )
    day = applied_on
    for (stage, reason), gap in zip(moves, gaps, strict=True):
        day += dt.timedelta(days=gap)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        moment = min(dt.datetime.combine(day, dt.time(11, 0), tzinfo=ZONE), NOW - dt.timedelta(hours=1))
        with clock.replaying_at(moment):
            candidate = actions.do_move_candidate(candidate, stage, reason=reason, actor=recruiter)


def _open_skills(rng: random.Random, campaign: Campaign) -> list[tuple[Skill, int]]:
    """A candidate's levels in the skills the campaign wants: about the level asked."""
    wanted = list(campaign.skill_levels.select_related("skill"))
    return [(entry.skill, max(1, min(5, entry.level + rng.choice((-1, 0, 0, 1))))) for entry in wanted]
