"""Hiring needs: the shortfalls of the capacity forecast, as campaigns could answer them.

A need is named by a small key (site, role or skill and level, the forecast's first week and length)
that links carry; the figures are always read again from `planning.forecast`, never taken from the
browser, so what a campaign stores in `hiring_need` is what the forecast said when it was opened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from servicehub.org.models import Site
from servicehub.people.choices import Role
from servicehub.planning.adapter import json_number, monday_of
from servicehub.planning.forecast import Forecast, Row, SkillRow, forecast

if TYPE_CHECKING:
    from servicehub.core.models import User

#: The forecast's horizon when a page does not say otherwise.
NEED_WEEKS = 12
ROLE = "role"
SKILL = "skill"


@dataclass(frozen=True)
class NeedKey:
    """What names a need: the row of the forecast of `weeks` weeks from the week of `start`."""

    kind: str  # ROLE or SKILL
    site: Site
    start: dt.date
    weeks: int
    role: str = ""  # a Role value, or "" (the forecast's unattributed row)
    skill: str = ""  # a skill code, or "" (work that needs no skill)
    level: int = 0

    def query(self) -> str:
        """The query string that names this need (for the campaign form's link)."""
        params: dict[str, str | int] = {
            "need": self.kind,
            "site": self.site.pk,
            "start": self.start.isoformat(),
            "weeks": self.weeks,
        }
        if self.kind == ROLE:
            params["role"] = self.role
        else:
            params["skill"] = self.skill
            params["level"] = self.level
        return urlencode(params)


@dataclass(frozen=True)
class HiringNeed:
    """A forecast row short of people, with what it takes to cover its worst week."""

    key: NeedKey
    skill_name: str
    shortfall: Decimal  # hours over the period
    peak: Decimal  # hours in the worst week
    people: Decimal  # people to hire for the worst week, to a tenth

    @property
    def openings(self) -> int:
        """People to hire, rounded up: 1.2 people is two openings."""
        return max(1, int(self.people.to_integral_value(ROUND_CEILING)))

    @property
    def role_label(self) -> str:
        return str(Role(self.key.role).label) if self.key.role in Role.values else ""

    def title(self) -> str:
        """A campaign title to start from."""
        site = self.key.site.name
        if self.key.kind == SKILL and self.key.skill:
            return _("%(skill)s (level %(level)s and above), %(site)s") % {
                "skill": self.skill_name,
                "level": self.key.level,
                "site": site,
            }
        if self.role_label:
            return _("%(role)s, %(site)s") % {"role": self.role_label, "site": site}
        return _("Recruitment, %(site)s") % {"site": site}

    def as_json(self) -> dict[str, Any]:
        """What `Campaign.hiring_need` keeps: codes, not labels, so that it reads in any language."""
        key = self.key
        return {
            "source": "capacity_forecast",
            "dimension": key.kind,
            "site": key.site.code,
            "role": key.role,
            "skill": key.skill,
            "level": key.level,
            "from": key.start.isoformat(),
            "weeks": key.weeks,
            "shortfall_hours": json_number(self.shortfall),
            "peak_hours": json_number(self.peak),
            "people": json_number(self.people),
        }


def _need(row: Row | SkillRow, result: Forecast) -> HiringNeed:
    start, weeks = result.weeks[0], len(result.weeks)
    if isinstance(row, SkillRow):
        key = NeedKey(SKILL, row.site, start, weeks, skill=row.skill, level=row.level)
        name = row.skill_name
    else:
        key = NeedKey(ROLE, row.site, start, weeks, role=row.role)
        name = ""
    return HiringNeed(key, name, row.shortfall, row.peak, row.peak_people)


def needs_of(result: Forecast) -> tuple[list[HiringNeed], list[HiringNeed]]:
    """The rows short of people (without a scenario), by role then by skill, in the forecast's order."""
    if not result.weeks:
        return [], []
    by_role = [_need(row, result) for row in result.shortfalls() if row.shortfall > 0]
    by_skill = [_need(row, result) for row in result.skill_shortfalls() if row.shortfall > 0]
    return by_role, by_skill


def hiring_needs(
    *, user: User, start: dt.date, weeks: int = NEED_WEEKS, site: Site | None = None
) -> tuple[list[HiringNeed], list[HiringNeed]]:
    """The hiring needs of the sites `user` sees (or `site`): the forecast read through `restrict`."""
    return needs_of(forecast(user=user, start=start, weeks=weeks, site=site))


def find_need(user: User, key: NeedKey) -> HiringNeed | None:
    """The need `key` names, as the forecast says it today; None when it no longer shows a shortfall."""
    result = forecast(user=user, start=monday_of(key.start), weeks=key.weeks, site=key.site)
    by_role, by_skill = needs_of(result)
    for need in by_role if key.kind == ROLE else by_skill:
        found = need.key
        if (found.site.pk, found.role, found.skill, found.level) == (
            key.site.pk,
            key.role,
            key.skill,
            key.level,
        ):
            return need
    return None
