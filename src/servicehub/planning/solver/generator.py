"""Seeded staffing instances shaped like the reference service centre, for tests and benchmarks.

Two nearshore sites, Rabat and Casablanca, in a 2:1 ratio, and a few onshore specialists in Paris
(about 5%). Specialists work 40 h weeks (some 32 h), lose hours to public holidays (the same weeks
for a whole site), leave, and run or support contracts they are already booked on; their hourly
cost depends on site and grade. Items (demands to staff) take 8 to 400 hours, are worth their hours
times a rate, with noise and a priority, need zero to three skills at a level, and have a window
of weeks, sometimes preferred sites, a cap on people, and sometimes must be done by one person.

Demand is sized at about 1.25 times the free capacity, and the scarce skills (sap, architecture,
ux) are scarcer still, so some items must stay unplanned and the choice of which matters.

Same arguments, same document: only `random.Random(seed)` draws, in a fixed order, and every
number is an integer, so `json.dumps` of two runs is byte for byte identical.
"""

from __future__ import annotations

import math
import random
from typing import Any

FORMAT = "servicehub-staffing/1"

SITES = ("RAB", "CAS", "PAR")
SITE_SHARE = (0.63, 0.32, 0.05)
GRADES = (1, 2, 3, 4)  # junior, confirmed, senior, lead
GRADE_SHARE = (0.30, 0.38, 0.24, 0.08)
# MAD per hour, fully loaded, by site and grade: Paris costs two to three times the nearshore sites.
COST_PER_HOUR = {
    "RAB": {1: 22, 2: 30, 3: 40, 4: 52},
    "CAS": {1: 24, 2: 33, 3: 44, 4: 56},
    "PAR": {1: 55, 2: 70, 3: 90, 4: 110},
}
# How often a skill shows up, among specialists and among item requirements alike.
SKILLS = {
    "java": 20,
    "react": 12,
    "angular": 8,
    "python": 12,
    "data": 10,
    "sap": 5,
    "devops": 8,
    "test": 12,
    "ux": 4,
    "architecture": 4,
}
SENIOR_ONLY = frozenset({"architecture"})
# Week numbers (within a 26-week half year) of public holidays at each site, and the hours they take.
HOLIDAYS = {
    "RAB": {1: 8, 10: 16, 17: 8, 19: 8, 22: 16},
    "CAS": {1: 8, 10: 16, 17: 8, 19: 8, 22: 16},
    "PAR": {0: 8, 15: 8, 17: 16, 19: 8, 25: 8},
}
PRIORITY = ((0.85, 0.25), (1.0, 0.5), (1.3, 0.18), (1.8, 0.07))  # (value multiplier, share)
RATE_PER_HOUR = 60  # MAD of value an hour of delivered work brings, before noise and priority
PAIR_CHARGE = 300  # onboarding one more person on an item: reading in, meetings, handover
SITE_BONUS_PER_HOUR = 5
DEMAND_OVER_CAPACITY = 1.25
MIN_HOURS, MAX_HOURS, HOURS_SHAPE = 8, 400, 1.6


def generate(specialists: int, items: int, weeks: int = 26, *, seed: int) -> dict[str, Any]:
    """A staffing instance (format `servicehub-staffing/1`) with the given sizes, fixed by `seed`."""
    if specialists < 1 or items < 1 or weeks < 1:
        raise ValueError("specialists, items and weeks must each be at least 1")
    rng = random.Random(seed)
    people = [_specialist(rng, n, weeks) for n in range(specialists)]
    free = sum(
        max(0, p["hours"] - p.get("unavailable", {}).get(str(w), 0)) for p in people for w in range(weeks)
    )
    scale = _gamma_scale(DEMAND_OVER_CAPACITY * free / items)
    demands = [_item(rng, n, weeks, scale) for n in range(items)]
    return {
        "format": FORMAT,
        "name": f"generated-{specialists}x{items}x{weeks}-seed{seed}",
        "weeks": weeks,
        "weights": {"pair_charge": PAIR_CHARGE, "site_bonus_per_hour": SITE_BONUS_PER_HOUR},
        "specialists": people,
        "items": demands,
    }


def _clip_hours(draw: float) -> int:
    return int(min(MAX_HOURS, max(MIN_HOURS, 4 * round(draw / 4))))


def _gamma_scale(mean_hours: float) -> float:
    """The scale of the item-hours gamma whose clipped, rounded draws average `mean_hours`.

    Clipping at 400 h lowers the mean, and the small instances need a mean near 350 h to exceed
    capacity, so the scale is found by bisection on a fixed sample (its own seed: same answer always).
    """
    target = min(0.95 * MAX_HOURS, max(3.0 * MIN_HOURS, mean_hours))
    sampler = random.Random(20270101)
    sample = [sampler.gammavariate(HOURS_SHAPE, 1.0) for _ in range(4000)]
    low, high = 1.0, 10.0 * MAX_HOURS
    for _ in range(60):
        scale = (low + high) / 2
        if sum(_clip_hours(x * scale) for x in sample) / len(sample) < target:
            low = scale
        else:
            high = scale
    return low


def _pick(rng: random.Random, choices: dict[str, int], k: int, exclude: set[str]) -> list[str]:
    pool = {c: w for c, w in choices.items() if c not in exclude}
    picked: list[str] = []
    for _ in range(min(k, len(pool))):
        skill = rng.choices(list(pool), weights=list(pool.values()))[0]
        picked.append(skill)
        del pool[skill]
    return picked


def _specialist(rng: random.Random, n: int, weeks: int) -> dict[str, Any]:
    site = rng.choices(SITES, weights=SITE_SHARE)[0]
    grade = rng.choices(GRADES, weights=GRADE_SHARE)[0]
    hours = 32 if rng.random() < 0.08 else 40
    exclude = set() if grade >= 3 else set(SENIOR_ONLY)
    skills: dict[str, int] = {}
    for k, skill in enumerate(_pick(rng, SKILLS, rng.choice((1, 2, 2, 3, 3, 4)), exclude)):
        # The first skill is the main one, at about the grade's level; the others trail it.
        level = grade + rng.choice((0, 0, 1)) - (k > 0) * rng.choice((0, 1, 1, 2))
        skills[skill] = min(5, max(1, level))

    off: dict[int, int] = {w: h for w, h in HOLIDAYS[site].items() if w < weeks}
    for _ in range(rng.choice((1, 2, 2, 3))):  # leave: a week or two, sometimes a few days
        start = rng.randrange(weeks)
        for w in range(start, min(weeks, start + rng.choice((1, 1, 2)))):
            off[w] = off.get(w, 0) + rng.choice((hours, hours, 16, 24))
    if rng.random() < 0.55:  # already booked on a run contract for part of each week
        booked = rng.choice((8, 16, 16, 24, 32))
        start = rng.randrange(weeks)
        for w in range(start, min(weeks, start + rng.randint(4, 20))):
            off[w] = off.get(w, 0) + booked
    unavailable = {str(w): min(hours, h) for w, h in sorted(off.items())}

    person: dict[str, Any] = {
        "id": f"S{n + 1:05d}",
        "site": site,
        "cost_per_hour": COST_PER_HOUR[site][grade],
        "hours": hours,
        "skills": skills,
    }
    if unavailable:
        person["unavailable"] = unavailable
    return person


def _item(rng: random.Random, n: int, weeks: int, scale: float) -> dict[str, Any]:
    # A gamma of shape 1.6 (many small items, a long tail of large ones), clipped to 8..400 h.
    hours = _clip_hours(rng.gammavariate(HOURS_SHAPE, scale))
    whole = hours <= 120 and rng.random() < 0.25
    # Larger items allow more people, give or take one.
    max_people = 1 if whole else min(4, max(1, 1 + hours // 100 + rng.choice((-1, 0, 0, 1))))
    # The window leaves some slack over the fastest possible delivery, and fits the horizon.
    fastest = math.ceil(hours / (36 * max_people))
    length = min(weeks, fastest + rng.choice((0, 1, 2, 3, 4, 6, 8)))
    release = rng.randrange(weeks - length + 1)
    multiplier = rng.choices([m for m, _ in PRIORITY], weights=[s for _, s in PRIORITY])[0]
    value = round(hours * RATE_PER_HOUR * multiplier * rng.lognormvariate(0.0, 0.25))

    required: dict[str, int] = {}
    for skill in _pick(rng, SKILLS, rng.choice((0, 1, 1, 1, 2, 2, 3)), set()):
        required[skill] = rng.choice((1, 2, 2, 3, 3, 4) if skill not in SENIOR_ONLY else (3, 4))
    preferred: list[str] = []
    draw = rng.random()
    if draw < 0.25:
        preferred = ["RAB"]
    elif draw < 0.4:
        preferred = ["CAS"]
    elif draw < 0.5:
        preferred = ["RAB", "CAS"]
    elif draw < 0.53:
        preferred = ["PAR"]  # work done at the client's premises
    item: dict[str, Any] = {
        "id": f"DEM-{n + 1:06d}",
        "hours": hours,
        "value": value,
        "skills": required,
        "release": release,
        "due": release + length - 1,
        "max_people": max_people,
        "whole": whole,
    }
    if preferred:
        item["preferred_sites"] = preferred
    return item
