"""Why the plan looks the way it does: explanations of a staffing result for the planning board.

Works on the JSON documents only (`servicehub-staffing/1` instance and its result, see
`shared/schemas/staffing.md`), so it explains a stored plan without the solver or the database.
Every figure is data first (hours, money and levels as exact `Decimal`/`int`) and, for people, one
short translatable sentence built from it.

Conventions, all from staffing.md:
- capacity `cap[s][w] = max(0, hours - unavailable[w])`, exact (a 37.5-hour week stays 37.5);
- free capacity of a specialist in an item's window is the sum over the window's weeks of
  `cap - hours assigned in the plan` (never below 0 in any week);
- the cost of a pair is its listed `cost` when the pair is listed, else `cost_per_hour × hours`.
"""

# ruff: noqa: RUF001, RUF002, RUF003  (× and – are the right signs in these sentences and notes)

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

REASONS = ("no_eligible_specialist", "no_capacity_in_window", "not_worth_it", "time_limit")
# Unplanned items name at most this many people in their sentence; the data lists them all.
_PEOPLE_IN_SENTENCE = 5


def exact(value: Any) -> Decimal:
    """A JSON number as an exact Decimal: 0.1 read from JSON means one tenth, not the nearest double."""
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(str(value))


def fmt(value: Decimal | int) -> str:
    """A number in the active language, grouped (4,560 / 4 560), with decimals only when it has some."""
    number = Decimal(value)
    places = 0 if number == number.to_integral_value() else 2
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


# --- data -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillMatch:
    skill: str
    required: int
    level: int | None  # the person's level, None when they do not have the skill at all


@dataclass(frozen=True)
class Alternative:
    """An eligible specialist who was not used on the item."""

    specialist: str
    site: str
    preferred_site: bool
    hours: int  # hours they would work: the same hours, or their listed pair hours
    cost: Decimal  # what those hours would have cost (pair cost or cost_per_hour × hours)
    free_hours: Decimal  # free capacity in the item's window after the plan
    sentence: str


@dataclass(frozen=True)
class PairExplanation:
    """One used pair (specialist, item) of the plan."""

    specialist: str
    item: str
    hours: int
    hours_by_week: dict[int, int]
    window: tuple[int, int]  # (release, due), inclusive
    listed: bool  # the item has pair entries and this is one of them
    skills: tuple[SkillMatch, ...]  # each skill the item requires, in the item's order
    site: str
    preferred_site: bool
    site_bonus: Decimal  # site_bonus_per_hour × hours when the site is preferred, else 0
    cost: Decimal
    pair_charge: Decimal
    free_hours: Decimal  # the person's free capacity in the window after the plan
    alternatives: tuple[Alternative, ...]  # cheapest first, then by id
    sentence: str


@dataclass(frozen=True)
class EligibleSpecialist:
    specialist: str
    free_hours: Decimal  # in the item's window, after the plan
    hours: int  # hours they would work on it
    net_cost: Decimal  # cost + pair charge - site bonus if they staffed it alone


@dataclass(frozen=True)
class UnplannedExplanation:
    item: str
    reason: str
    value: Decimal
    hours: int
    window: tuple[int, int]
    # Skills nobody has at the required level (level = the best level anyone has, None for nobody).
    missing_skills: tuple[SkillMatch, ...]
    eligible: tuple[EligibleSpecialist, ...]  # cheapest net cost first, then by id
    free_hours: Decimal  # total free capacity of the eligible people in the window
    cheapest: EligibleSpecialist | None  # the eligible specialist with the lowest net cost
    sentence: str


@dataclass(frozen=True)
class WeekLoad:
    week: int
    assigned: int
    capacity: Decimal


@dataclass(frozen=True)
class Utilisation:
    """Assigned hours against capacity over the horizon, for one specialist or one site."""

    key: str  # specialist id, or site code
    site: str
    assigned: int
    capacity: Decimal
    rate: Decimal | None  # assigned / capacity; None when there is no capacity at all
    weeks: tuple[WeekLoad, ...]


@dataclass(frozen=True)
class Explanation:
    pairs: tuple[PairExplanation, ...]  # in the order of first appearance in the result
    unplanned: tuple[UnplannedExplanation, ...]  # in the result's order
    specialists: tuple[Utilisation, ...]  # in the instance's order
    sites: tuple[Utilisation, ...]  # by site code


# --- reading the documents ------------------------------------------------------------------------


class Plan:
    """An instance and a result read once, with the sums every explanation needs."""

    def __init__(self, doc: Mapping[str, Any], result: Mapping[str, Any]) -> None:
        self.weeks = int(doc["weeks"])
        weights = doc.get("weights", {})
        self.pair_charge = exact(weights.get("pair_charge", 0))
        self.site_bonus = exact(weights.get("site_bonus_per_hour", 0))
        self.specs: dict[str, Mapping[str, Any]] = {s["id"]: s for s in doc["specialists"]}
        self.items: dict[str, Mapping[str, Any]] = {i["id"]: i for i in doc["items"]}
        self.cost_per_hour = {s_id: exact(s["cost_per_hour"]) for s_id, s in self.specs.items()}
        self.site_of: dict[str, str] = {s_id: s["site"] for s_id, s in self.specs.items()}
        self.preferred_sites = {
            i_id: frozenset(i.get("preferred_sites", ())) for i_id, i in self.items.items()
        }
        self.pairs: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
        for pair in doc.get("pairs", []):
            self.pairs[pair["item"]][pair["specialist"]] = pair

        self.cap: dict[str, list[Decimal]] = {}
        for s_id, spec in self.specs.items():
            weekly = exact(spec["hours"])
            off = spec.get("unavailable", {})
            self.cap[s_id] = [max(Decimal(0), weekly - exact(off.get(str(w), 0))) for w in range(self.weeks)]

        self.used: dict[str, list[int]] = {s_id: [0] * self.weeks for s_id in self.specs}
        # (specialist, item) -> week -> hours, in the order pairs first appear in the result
        self.by_pair: dict[tuple[str, str], dict[int, int]] = {}
        for n, a in enumerate(result.get("assignments", [])):
            s_id, i_id, week, hours = a["specialist"], a["item"], int(a["week"]), int(a["hours"])
            if s_id not in self.specs or i_id not in self.items or not 0 <= week < self.weeks:
                raise ValueError(f"assignment {n} ({s_id}, {i_id}, week {week}) does not fit the instance")
            self.used[s_id][week] += hours
            on_pair = self.by_pair.setdefault((s_id, i_id), {})
            on_pair[week] = on_pair.get(week, 0) + hours
        self.people_on: dict[str, list[str]] = defaultdict(list)
        for s_id, i_id in self.by_pair:
            self.people_on[i_id].append(s_id)

        # free[s][w] summed from week 0, so a window's free hours is one subtraction
        self._free_sum: dict[str, list[Decimal]] = {}
        for s_id in self.specs:
            total = Decimal(0)
            sums = [total]
            for w in range(self.weeks):
                total += max(Decimal(0), self.cap[s_id][w] - self.used[s_id][w])
                sums.append(total)
            self._free_sum[s_id] = sums

        # skill -> [(level, specialist)], to find eligible people without scanning everyone per item
        self._by_skill: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for s_id, spec in self.specs.items():
            for skill, level in spec["skills"].items():
                self._by_skill[skill].append((int(level), s_id))
        self._eligible_cache: dict[frozenset[tuple[str, int]], list[str]] = {}

    def best_level(self, skill: str) -> int | None:
        return max((level for level, _s in self._by_skill.get(skill, ())), default=None)

    def free(self, s_id: str, item: Mapping[str, Any]) -> Decimal:
        sums = self._free_sum[s_id]
        return sums[int(item["due"]) + 1] - sums[int(item["release"])]

    def window(self, item: Mapping[str, Any]) -> tuple[int, int]:
        return int(item["release"]), int(item["due"])

    def required(self, item: Mapping[str, Any]) -> dict[str, int]:
        return {skill: int(level) for skill, level in item.get("skills", {}).items()}

    def eligible(self, item: Mapping[str, Any]) -> list[str]:
        """Specialists eligible per staffing.md, ordered by cost_per_hour then id (pairs: listed order)."""
        listed = self.pairs.get(item["id"])
        if listed:
            return list(listed)
        need = frozenset(self.required(item).items())
        cached = self._eligible_cache.get(need)
        if cached is None:
            if not need:
                pool: Iterable[str] = self.specs
            else:
                rarest = min(need, key=lambda sk: len(self._by_skill.get(sk[0], ())))
                pool = [s for level, s in self._by_skill.get(rarest[0], ()) if level >= rarest[1]]
            cached = [
                s_id for s_id in pool if all(int(self.specs[s_id]["skills"].get(k, 0)) >= v for k, v in need)
            ]
            cached.sort(key=lambda s_id: (self.cost_per_hour[s_id], s_id))
            self._eligible_cache[need] = cached
        return cached

    def preferred(self, s_id: str, item: Mapping[str, Any]) -> bool:
        return self.site_of[s_id] in self.preferred_sites[item["id"]]

    def pair_hours(self, s_id: str, item: Mapping[str, Any], hours: int | None = None) -> int:
        """Hours `s_id` works on `item`: their listed hours, else `hours` (default: the item's)."""
        listed = self.pairs.get(item["id"], {}).get(s_id)
        if listed is not None:
            return int(listed["hours"])
        return int(item["hours"]) if hours is None else hours

    def cost(self, s_id: str, item: Mapping[str, Any], hours: int) -> Decimal:
        listed = self.pairs.get(item["id"], {}).get(s_id)
        if listed is not None:
            return exact(listed["cost"])
        return self.cost_per_hour[s_id] * hours

    def bonus(self, s_id: str, item: Mapping[str, Any], hours: int) -> Decimal:
        return self.site_bonus * hours if self.preferred(s_id, item) else Decimal(0)

    def net_cost(self, s_id: str, item: Mapping[str, Any]) -> Decimal:
        """What staffing the whole item with `s_id` alone takes off the objective."""
        hours = self.pair_hours(s_id, item)
        return self.cost(s_id, item, hours) + self.pair_charge - self.bonus(s_id, item, hours)


# --- utilisation ----------------------------------------------------------------------------------


def _rate(assigned: int, capacity: Decimal) -> Decimal | None:
    return Decimal(assigned) / capacity if capacity > 0 else None


def utilisation(plan: Plan) -> tuple[tuple[Utilisation, ...], tuple[Utilisation, ...]]:
    """Per specialist (instance order) and per site (by code): assigned hours against capacity."""
    specialists: list[Utilisation] = []
    site_used: dict[str, list[int]] = {}
    site_cap: dict[str, list[Decimal]] = {}
    for s_id, spec in plan.specs.items():
        used, cap = plan.used[s_id], plan.cap[s_id]
        assigned, capacity = sum(used), sum(cap, Decimal(0))
        weeks = tuple(WeekLoad(w, used[w], cap[w]) for w in range(plan.weeks))
        rate = _rate(assigned, capacity)
        specialists.append(Utilisation(s_id, spec["site"], assigned, capacity, rate, weeks))
        s_used = site_used.setdefault(spec["site"], [0] * plan.weeks)
        s_cap = site_cap.setdefault(spec["site"], [Decimal(0)] * plan.weeks)
        for w in range(plan.weeks):
            s_used[w] += used[w]
            s_cap[w] += cap[w]
    sites = []
    for site in sorted(site_used):
        used, cap = site_used[site], site_cap[site]
        assigned, capacity = sum(used), sum(cap, Decimal(0))
        weeks = tuple(WeekLoad(w, used[w], cap[w]) for w in range(plan.weeks))
        sites.append(Utilisation(site, site, assigned, capacity, _rate(assigned, capacity), weeks))
    return tuple(specialists), tuple(sites)


# --- sentences ------------------------------------------------------------------------------------


def _and(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


@dataclass(frozen=True)
class Labels:
    """How sentences name people and weeks: by name and by the Monday's date, when the caller knows them."""

    names: Mapping[str, str]
    week_starts: Sequence[dt.date]
    sites: Mapping[str, str] = field(default_factory=dict)


_NO_LABELS = Labels({}, ())
_labels: ContextVar[Labels | None] = ContextVar("explain_labels", default=None)


def _current() -> Labels:
    return _labels.get() or _NO_LABELS


def _site(code: str) -> str:
    return _current().sites.get(code, code)


def _name(specialist: str) -> str:
    return _current().names.get(specialist, specialist)


def _in_window(window: tuple[int, int]) -> str:
    first, last = window
    days = _current().week_starts
    if len(days) > last:
        if first == last:
            return _("in the week of %(day)s") % {"day": date_format(days[first], "SHORT_DATE_FORMAT")}
        return _("in the weeks of %(first)s to %(last)s") % {
            "first": date_format(days[first], "SHORT_DATE_FORMAT"),
            "last": date_format(days[last], "SHORT_DATE_FORMAT"),
        }
    if first == last:
        return _("in week %(week)s") % {"week": first}
    return _("in weeks %(first)s–%(last)s") % {"first": first, "last": last}


def _people(ids: Sequence[str]) -> str:
    ids = [_name(specialist) for specialist in ids]
    shown = list(ids[:_PEOPLE_IN_SENTENCE])
    rest = len(ids) - len(shown)
    if rest:
        shown.append(ngettext("%(count)s other", "%(count)s others", rest) % {"count": rest})
    return _and(shown)


def _alternative_sentence(alt_id: str, free: Decimal, hours: int, cost: Decimal) -> str:
    alt_id = _name(alt_id)
    if free <= 0:
        return _("%(specialist)s (no free hours in the window)") % {"specialist": alt_id}
    if free < hours:
        return _("%(specialist)s (only %(free)s h free in the window; would cost %(cost)s)") % {
            "specialist": alt_id,
            "free": fmt(free),
            "cost": fmt(cost),
        }
    return _("%(specialist)s (would cost %(cost)s)") % {"specialist": alt_id, "cost": fmt(cost)}


def _pair_sentence(p: PairExplanation, item: Mapping[str, Any]) -> str:
    if p.listed:
        why = _("Listed for this item")
    elif p.skills:
        matches = [
            _("%(skill)s %(level)s (needs %(required)s)")
            % {"skill": m.skill, "level": m.level, "required": m.required}
            for m in p.skills
        ]
        why = _("Chosen for %(skills)s") % {"skills": _and(matches)}
    else:
        why = _("Chosen with no skill required")

    if p.preferred_site and p.site_bonus > 0:
        site = _("works at %(site)s, a preferred site (+%(bonus)s bonus)") % {
            "site": _site(p.site),
            "bonus": fmt(p.site_bonus),
        }
    elif p.preferred_site:
        site = _("works at %(site)s, a preferred site") % {"site": _site(p.site)}
    elif item.get("preferred_sites"):
        site = _("works at %(site)s, not a preferred site") % {"site": _site(p.site)}
    else:
        site = _("works at %(site)s") % {"site": _site(p.site)}

    cost = _("costs %(cost)s for %(hours)s h") % {"cost": fmt(p.cost), "hours": fmt(p.hours)}
    if p.free_hours > 0:
        free = _("%(hours)s h left free %(window)s") % {
            "hours": fmt(p.free_hours),
            "window": _in_window(p.window),
        }
    else:
        free = _("no hours left free %(window)s") % {"window": _in_window(p.window)}
    sentence = _("%(why)s; %(site)s; %(cost)s; %(free)s.") % {
        "why": why,
        "site": site,
        "cost": cost,
        "free": free,
    }
    if p.alternatives:
        also = _("Also considered: %(people)s.") % {"people": ", ".join(a.sentence for a in p.alternatives)}
    else:
        also = _("No one else was eligible.")
    return f"{sentence} {also}"


# --- explanations ---------------------------------------------------------------------------------


def _explain_pair(
    plan: Plan, s_id: str, i_id: str, weeks: dict[int, int], alternatives: int
) -> PairExplanation:
    item, spec = plan.items[i_id], plan.specs[s_id]
    hours = sum(weeks.values())
    listed = s_id in plan.pairs.get(i_id, {})
    have = spec["skills"]
    skills = tuple(
        SkillMatch(skill, required, int(have[skill]) if skill in have else None)
        for skill, required in plan.required(item).items()
    )
    alts: list[Alternative] = []
    if alternatives > 0:
        on_item = set(plan.people_on[i_id])
        candidates = []
        for other in plan.eligible(item):
            if other in on_item:
                continue
            other_hours = plan.pair_hours(other, item, hours)
            candidates.append((plan.cost(other, item, other_hours), other, other_hours))
            # Skill-matched people come by cost_per_hour then id, so for the same hours the first
            # ones found are the cheapest; listed pairs each have their own cost and must be sorted.
            if not plan.pairs.get(i_id) and len(candidates) == alternatives:
                break
        candidates.sort(key=lambda c: (c[0], c[1]))
        for cost, other, other_hours in candidates[:alternatives]:
            free = plan.free(other, item)
            alts.append(
                Alternative(
                    specialist=other,
                    site=plan.specs[other]["site"],
                    preferred_site=plan.preferred(other, item),
                    hours=other_hours,
                    cost=cost,
                    free_hours=free,
                    sentence=_alternative_sentence(other, free, other_hours, cost),
                )
            )
    explained = PairExplanation(
        specialist=s_id,
        item=i_id,
        hours=hours,
        hours_by_week=dict(sorted(weeks.items())),
        window=plan.window(item),
        listed=listed,
        skills=skills,
        site=spec["site"],
        preferred_site=plan.preferred(s_id, item),
        site_bonus=plan.bonus(s_id, item, hours),
        cost=plan.cost(s_id, item, hours),
        pair_charge=plan.pair_charge,
        free_hours=plan.free(s_id, item),
        alternatives=tuple(alts),
        sentence="",
    )
    return replace(explained, sentence=_pair_sentence(explained, item))


def _missing_skills(plan: Plan, item: Mapping[str, Any]) -> tuple[SkillMatch, ...]:
    missing = []
    for skill, required in plan.required(item).items():
        best = plan.best_level(skill)
        if best is None or best < required:
            missing.append(SkillMatch(skill, required, best))
    return tuple(missing)


def _unplanned_sentence(u: UnplannedExplanation, plan: Plan, item: Mapping[str, Any]) -> str:
    window = _in_window(u.window)
    people = [e.specialist for e in u.eligible]
    if u.reason == "time_limit":
        return _(
            "The bound's relaxation would plan it, but time ran out before the search found it a "
            "place: run the plan again with more time."
        )

    if u.reason == "no_eligible_specialist" or (u.reason in REASONS and not people):
        if u.missing_skills:
            sentences = []
            for m in u.missing_skills:
                if m.level is None:
                    sentences.append(_("Nobody has %(skill)s at any level.") % {"skill": m.skill})
                else:
                    sentences.append(
                        _("Nobody has %(skill)s at level %(required)s or above (the best is %(best)s).")
                        % {"skill": m.skill, "required": m.required, "best": m.level}
                    )
            return " ".join(sentences)
        needs = plan.required(item)
        if needs and not plan.pairs.get(u.item):
            combo = _and([f"{skill} {level}" for skill, level in needs.items()])
            return _("Each skill is covered by someone, but nobody has all of %(skills)s.") % {
                "skills": combo
            }
        return _("No specialist is eligible for it.")

    if u.reason == "no_capacity_in_window":
        n = len(people)
        args = {"people": _people(people), "window": window, "free": fmt(u.free_hours), "hours": fmt(u.hours)}
        if u.free_hours <= 0:
            return (
                ngettext(
                    "%(people)s could do it but is full %(window)s.",
                    "%(people)s could do it but are all full %(window)s.",
                    n,
                )
                % args
            )
        if u.free_hours < u.hours and not plan.pairs.get(u.item):
            return (
                ngettext(
                    "%(people)s could do it but has only %(free)s h free %(window)s; it needs %(hours)s h.",
                    "%(people)s could do it but have only %(free)s h free between them %(window)s; "
                    "it needs %(hours)s h.",
                    n,
                )
                % args
            )
        limit = 1 if item.get("whole", False) else int(item.get("max_people", 0))
        if limit == 1:
            return (
                ngettext(
                    "%(people)s could do it but does not have the hours it needs free %(window)s.",
                    "%(people)s could do it but none of them alone has the hours it needs free %(window)s.",
                    n,
                )
                % args
            )
        if limit == 0:
            # Enough free hours and no cap on people: only whole-hour rounding or the rest of the
            # plan can be in the way, which the documents alone cannot tell apart.
            return (
                _(
                    "%(people)s could do it and have %(free)s h free %(window)s, "
                    "but its %(hours)s h did not fit around the rest of the plan."
                )
                % args
            )
        return _(
            "%(people)s could do it but their %(free)s h free %(window)s are too spread out "
            "to cover %(hours)s h with at most %(max)s people."
        ) % {**args, "max": limit}

    if u.reason == "not_worth_it" and u.cheapest is not None:
        args = {
            "value": fmt(u.value),
            "specialist": _name(u.cheapest.specialist),
            "cost": fmt(u.cheapest.net_cost),
        }
        if u.cheapest.net_cost >= u.value:
            return (
                _(
                    "It is worth %(value)s, but even the cheapest eligible specialist, %(specialist)s, "
                    "would cost %(cost)s to staff it."
                )
                % args
            )
        return (
            _(
                "It is worth %(value)s and %(specialist)s could staff it for %(cost)s, "
                "but the hours it needs earn more on other items."
            )
            % args
        )
    return _("Not planned (%(reason)s).") % {"reason": u.reason}


def _explain_unplanned(plan: Plan, i_id: str, reason: str) -> UnplannedExplanation:
    item = plan.items[i_id]
    eligible = [
        EligibleSpecialist(
            s_id, plan.free(s_id, item), plan.pair_hours(s_id, item), plan.net_cost(s_id, item)
        )
        for s_id in plan.eligible(item)
    ]
    eligible.sort(key=lambda e: (e.net_cost, e.specialist))
    explained = UnplannedExplanation(
        item=i_id,
        reason=reason,
        value=exact(item["value"]),
        hours=int(item["hours"]),
        window=plan.window(item),
        missing_skills=() if plan.pairs.get(i_id) else _missing_skills(plan, item),
        eligible=tuple(eligible),
        free_hours=sum((e.free_hours for e in eligible), Decimal(0)),
        cheapest=eligible[0] if eligible else None,
        sentence="",
    )
    return replace(explained, sentence=_unplanned_sentence(explained, plan, item))


def explain(
    doc: Mapping[str, Any],
    result: Mapping[str, Any],
    *,
    alternatives: int = 3,
    names: Mapping[str, str] | None = None,
    week_starts: Sequence[dt.date] = (),
    sites: Mapping[str, str] | None = None,
) -> Explanation:
    """Explain every used pair and every unplanned item of `result`, and the load it puts on people.

    Sentences name people by `names` (specialist id → name), sites by `sites` (code → name) and weeks by
    the Monday in `week_starts` (week number → date) when given; by code and week number otherwise."""
    token = _labels.set(Labels(names or {}, week_starts, sites or {}))
    try:
        return _explain(doc, result, alternatives)
    finally:
        _labels.reset(token)


def _explain(doc: Mapping[str, Any], result: Mapping[str, Any], alternatives: int) -> Explanation:
    plan = Plan(doc, result)
    pairs = tuple(
        _explain_pair(plan, s_id, i_id, weeks, alternatives) for (s_id, i_id), weeks in plan.by_pair.items()
    )
    for u in result.get("unplanned", []):
        if u["item"] not in plan.items:
            raise ValueError(f"unplanned item {u['item']!r} is not in the instance")
    unplanned = tuple(_explain_unplanned(plan, u["item"], u["reason"]) for u in result.get("unplanned", []))
    specialists, sites = utilisation(plan)
    return Explanation(pairs=pairs, unplanned=unplanned, specialists=specialists, sites=sites)
