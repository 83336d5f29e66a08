"""What-if scenarios: changes applied to a staffing instance, and two plans side by side.

Works on `servicehub-staffing/1` documents only (see `shared/schemas/staffing.md`). A change is a
JSON object with a `kind`:

- `add_specialists`: `count` new specialists at `site` with `skills`, `hours` a week and
  `cost_per_hour`, available from `from_week` (default 0; earlier weeks are fully `unavailable`).
  Ids are `<prefix>-001`, `<prefix>-002`, …, skipping ids already taken; `prefix` defaults to
  `NEW-<site>`.
- `close_site`: every specialist of `site` is fully unavailable from `from_week` to `to_week`
  (inclusive).
- `scale_demand`: the listed `items` times `factor`. For a factor k ≥ 1, each listed item gets
  ⌊k⌋ − 1 copies, and the first round((k − ⌊k⌋) × n) listed items (in the order given) one more;
  copies are `<id>/copy-1`, `<id>/copy-2`, … (skipping ids already taken) and keep the original's
  pair entries. For 0 < k < 1, the first round(k × n) listed items stay and the rest are dropped,
  with their pair entries.
- `remove_specialists`: the listed `specialists` leave, with their pair entries.

Changes apply in order, each to the document the previous ones produced, so a later change may
remove specialists an earlier one added.
"""

from __future__ import annotations

# ruff: noqa: RUF002, RUF003  (×, −, ⌊⌋ and – are the right signs in these notes)
import copy
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Generic, TypeVar

from django.utils.translation import gettext as _

from servicehub.planning.explain import REASONS, Plan, exact, utilisation

CHANGE_KINDS = ("add_specialists", "close_site", "scale_demand", "remove_specialists")


class ScenarioError(ValueError):
    """A change cannot be applied; the message names the change's index and the field."""

    def __init__(self, index: int, field: str, problem: str) -> None:
        self.index = index
        self.field = field
        self.problem = problem
        where = f"changes[{index}].{field}" if field else f"changes[{index}]"
        super().__init__(_("%(where)s: %(problem)s") % {"where": where, "problem": problem})


# --- reading a change -----------------------------------------------------------------------------


# Marks a field without a default: absent, it is an error.
_REQUIRED: Any = object()


class _Change:
    """One change's fields, checked one by one so each error names its field."""

    def __init__(self, index: int, raw: Any, allowed: Sequence[str]) -> None:
        self.index = index
        self.raw: Mapping[str, Any] = raw
        unknown = sorted(set(raw) - {"kind", *allowed})
        if unknown:
            raise ScenarioError(index, unknown[0], _("unknown field for this kind of change"))

    def fail(self, field: str, problem: str) -> ScenarioError:
        return ScenarioError(self.index, field, problem)

    def _get(self, field: str, default: Any) -> Any:
        if field in self.raw:
            return self.raw[field]
        if default is _REQUIRED:
            raise self.fail(field, _("this field is required"))
        return default

    def integer(
        self, field: str, *, minimum: int, maximum: int | None = None, default: Any = _REQUIRED
    ) -> int:
        value: object = self._get(field, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, _("must be a whole number"))
        if value < minimum or (maximum is not None and value > maximum):
            if maximum is None:
                raise self.fail(field, _("must be at least %(minimum)s") % {"minimum": minimum})
            raise self.fail(
                field,
                _("must be between %(minimum)s and %(maximum)s") % {"minimum": minimum, "maximum": maximum},
            )
        return value

    def number(self, field: str, *, positive: bool = False) -> int | float:
        value: object = self._get(field, _REQUIRED)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(field, _("must be a number"))
        if positive and value <= 0:
            raise self.fail(field, _("must be above 0"))
        if value < 0:
            raise self.fail(field, _("must not be negative"))
        return value

    def text(self, field: str, default: Any = _REQUIRED) -> str:
        value: object = self._get(field, default)
        if not isinstance(value, str) or not value:
            raise self.fail(field, _("must be a non-empty text"))
        return value

    def ids(self, field: str) -> list[str]:
        value: object = self._get(field, _REQUIRED)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.fail(field, _("must be a non-empty list of ids"))
        repeated = [v for v, n in Counter(value).items() if n > 1]
        if repeated:
            raise self.fail(field, _("%(id)s is listed twice") % {"id": repeated[0]})
        return list(value)

    def skills(self, field: str) -> dict[str, int]:
        value = self._get(field, {})
        if not isinstance(value, Mapping):
            raise self.fail(field, _("must map skill codes to levels"))
        for skill, level in value.items():
            if not isinstance(skill, str) or not skill:
                raise self.fail(field, _("skill codes must be non-empty texts"))
            if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
                raise self.fail(
                    field, _("the level of %(skill)s must be a whole number from 1 to 5") % {"skill": skill}
                )
        return dict(value)


def _week(change: _Change, doc: Mapping[str, Any], field: str, default: Any = _REQUIRED) -> int:
    return change.integer(field, minimum=0, maximum=int(doc["weeks"]) - 1, default=default)


def _site_exists(change: _Change, doc: Mapping[str, Any], site: str) -> None:
    if not any(s["site"] == site for s in doc["specialists"]):
        raise change.fail("site", _("no specialist works at site %(site)s") % {"site": site})


# --- the changes ----------------------------------------------------------------------------------


def _fresh_id(base: str, start: int, taken: set[str], width: int = 0) -> tuple[str, int]:
    n = start
    while f"{base}{n:0{width}d}" in taken:
        n += 1
    new = f"{base}{n:0{width}d}"
    taken.add(new)
    return new, n


def _add_specialists(doc: dict[str, Any], change: _Change) -> None:
    count = change.integer("count", minimum=1)
    site = change.text("site")
    skills = change.skills("skills")
    from_week = _week(change, doc, "from_week", default=0)
    hours = change.number("hours")
    cost_per_hour = change.number("cost_per_hour")
    prefix = change.text("prefix", default=f"NEW-{site}")
    taken = {s["id"] for s in doc["specialists"]}
    width = max(3, len(str(count)))
    n = 1
    for _i in range(count):
        new_id, n = _fresh_id(f"{prefix}-", n, taken, width)
        spec: dict[str, Any] = {
            "id": new_id,
            "site": site,
            "cost_per_hour": cost_per_hour,
            "hours": hours,
            "skills": dict(skills),
        }
        if from_week > 0:
            spec["unavailable"] = {str(w): hours for w in range(from_week)}
        doc["specialists"].append(spec)


def _close_site(doc: dict[str, Any], change: _Change) -> None:
    site = change.text("site")
    from_week = _week(change, doc, "from_week")
    to_week = _week(change, doc, "to_week")
    if to_week < from_week:
        raise change.fail("to_week", _("must not be before from_week (%(week)s)") % {"week": from_week})
    _site_exists(change, doc, site)
    for spec in doc["specialists"]:
        if spec["site"] != site:
            continue
        off = spec.setdefault("unavailable", {})
        for w in range(from_week, to_week + 1):
            # Taking the whole week off leaves no capacity whatever was off before.
            off[str(w)] = _json_number(max(exact(off.get(str(w), 0)), exact(spec["hours"])))


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _scale_demand(doc: dict[str, Any], change: _Change) -> None:
    listed = change.ids("items")
    factor = exact(change.number("factor", positive=True))
    known = {i["id"]: i for i in doc["items"]}
    for item_id in listed:
        if item_id not in known:
            raise change.fail("items", _("unknown item %(id)s") % {"id": item_id})
    n = len(listed)
    if factor < 1:
        keep = set(listed[: _round_half_up(factor * n)])
        dropped = set(listed) - keep
        doc["items"] = [i for i in doc["items"] if i["id"] not in dropped]
        if "pairs" in doc:
            doc["pairs"] = [p for p in doc["pairs"] if p["item"] not in dropped]
        return
    whole = int(factor)
    extra = _round_half_up((factor - whole) * n)
    copies_of = {item_id: whole - 1 + (1 if k < extra else 0) for k, item_id in enumerate(listed)}
    taken = set(known)
    pairs_of: dict[str, list[dict[str, Any]]] = {}
    for pair in doc.get("pairs", []):
        pairs_of.setdefault(pair["item"], []).append(pair)
    for item_id in listed:
        c = 1
        for _i in range(copies_of[item_id]):
            new_id, c = _fresh_id(f"{item_id}/copy-", c, taken)
            item = copy.deepcopy(known[item_id])
            item["id"] = new_id
            doc["items"].append(item)
            for pair in pairs_of.get(item_id, []):
                doc["pairs"].append({**pair, "item": new_id})


def _remove_specialists(doc: dict[str, Any], change: _Change) -> None:
    gone = change.ids("specialists")
    known = {s["id"] for s in doc["specialists"]}
    for s_id in gone:
        if s_id not in known:
            raise change.fail("specialists", _("unknown specialist %(id)s") % {"id": s_id})
    leaving = set(gone)
    pairs = doc.get("pairs", [])
    remaining = {p["item"] for p in pairs if p["specialist"] not in leaving}
    for pair in pairs:
        # An item with no pair entry left would fall back to skill matching and open to everyone:
        # a change of meaning the scenario did not ask for, so refuse rather than guess.
        if pair["item"] not in remaining:
            raise change.fail(
                "specialists",
                _("item %(item)s would be left without any listed specialist") % {"item": pair["item"]},
            )
    doc["specialists"] = [s for s in doc["specialists"] if s["id"] not in leaving]
    if "pairs" in doc:
        doc["pairs"] = [p for p in pairs if p["specialist"] not in leaving]


_APPLY: dict[str, tuple[Callable[[dict[str, Any], _Change], None], tuple[str, ...]]] = {
    "add_specialists": (
        _add_specialists,
        ("count", "site", "skills", "from_week", "hours", "cost_per_hour", "prefix"),
    ),
    "close_site": (_close_site, ("site", "from_week", "to_week")),
    "scale_demand": (_scale_demand, ("items", "factor")),
    "remove_specialists": (_remove_specialists, ("specialists",)),
}


def apply_changes(doc: Mapping[str, Any], changes: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A new instance document with `changes` applied in order; `doc` itself is never modified.

    `doc` must be a valid instance; the result then is one too. Raises `ScenarioError`.
    """
    out: dict[str, Any] = copy.deepcopy(dict(doc))
    if not isinstance(changes, Sequence) or isinstance(changes, str):
        raise ScenarioError(0, "", _("changes must be a list"))
    for index, raw in enumerate(changes):
        if not isinstance(raw, Mapping):
            raise ScenarioError(index, "", _("a change must be an object"))
        kind = raw.get("kind")
        if kind not in _APPLY:
            raise ScenarioError(
                index, "kind", _("must be one of %(kinds)s") % {"kinds": ", ".join(CHANGE_KINDS)}
            )
        apply, allowed = _APPLY[kind]
        apply(out, _Change(index, raw, allowed))
    return out


# --- comparison -----------------------------------------------------------------------------------

N = TypeVar("N", int, Decimal)


@dataclass(frozen=True)
class Delta(Generic[N]):
    base: N
    other: N
    delta: N  # other - base


def _delta(base: N, other: N) -> Delta[N]:
    return Delta(base, other, other - base)


@dataclass(frozen=True)
class RateDelta:
    """A share such as utilisation; None where there is no capacity to share."""

    base: Decimal | None
    other: Decimal | None
    delta: Decimal | None  # other - base, None when either is None


@dataclass(frozen=True)
class SiteComparison:
    site: str
    assigned: Delta[int]  # hours assigned to the site's specialists
    capacity: Delta[Decimal]  # hours of capacity over the horizon
    rate: RateDelta  # assigned / capacity


@dataclass(frozen=True)
class Comparison:
    status: tuple[str, str]  # (base, other) result status
    planned_value: Delta[Decimal]  # value of planned items, all delivered within their window
    planned_items: Delta[int]
    unplanned_items: Delta[int]
    unplanned_by_reason: dict[str, Delta[int]]  # the four reasons always, then any other, by name
    assigned_hours: Delta[int]
    total_cost: Delta[Decimal]  # sum of pair costs
    objective: Delta[Decimal]  # recomputed from the documents per staffing.md
    sites: dict[str, SiteComparison]  # every site of either plan, by code


@dataclass(frozen=True)
class _Figures:
    status: str
    planned_value: Decimal
    planned_items: int
    unplanned: Counter[str]
    assigned_hours: int
    total_cost: Decimal
    objective: Decimal
    site_hours: dict[str, int]
    site_capacity: dict[str, Decimal]


def _figures(doc: Mapping[str, Any], result: Mapping[str, Any]) -> _Figures:
    plan = Plan(doc, result)
    planned = {i_id for _s, i_id in plan.by_pair}
    value = sum((exact(plan.items[i]["value"]) for i in planned), Decimal(0))
    cost = Decimal(0)
    bonus = Decimal(0)
    hours = 0
    for (s_id, i_id), weeks in plan.by_pair.items():
        pair_hours = sum(weeks.values())
        item = plan.items[i_id]
        cost += plan.cost(s_id, item, pair_hours)
        bonus += plan.bonus(s_id, item, pair_hours)
        hours += pair_hours
    objective = value - cost - plan.pair_charge * len(plan.by_pair) + bonus
    _specialists, sites = utilisation(plan)
    return _Figures(
        status=str(result.get("status", "")),
        planned_value=value,
        planned_items=len(planned),
        unplanned=Counter(u["reason"] for u in result.get("unplanned", [])),
        assigned_hours=hours,
        total_cost=cost,
        objective=objective,
        site_hours={s.key: s.assigned for s in sites},
        site_capacity={s.key: s.capacity for s in sites},
    )


def _rate(assigned: int, capacity: Decimal) -> Decimal | None:
    return Decimal(assigned) / capacity if capacity > 0 else None


def compare(
    base_doc: Mapping[str, Any],
    base_result: Mapping[str, Any],
    other_doc: Mapping[str, Any],
    other_result: Mapping[str, Any],
) -> Comparison:
    """Two plans side by side, each figure with its delta (other − base)."""
    a, b = _figures(base_doc, base_result), _figures(other_doc, other_result)
    reasons = list(REASONS) + sorted((set(a.unplanned) | set(b.unplanned)) - set(REASONS))
    sites = {}
    for site in sorted(set(a.site_hours) | set(b.site_hours)):
        hours = _delta(a.site_hours.get(site, 0), b.site_hours.get(site, 0))
        capacity = _delta(a.site_capacity.get(site, Decimal(0)), b.site_capacity.get(site, Decimal(0)))
        rate_a, rate_b = _rate(hours.base, capacity.base), _rate(hours.other, capacity.other)
        delta = rate_b - rate_a if rate_a is not None and rate_b is not None else None
        sites[site] = SiteComparison(site, hours, capacity, RateDelta(rate_a, rate_b, delta))
    return Comparison(
        status=(a.status, b.status),
        planned_value=_delta(a.planned_value, b.planned_value),
        planned_items=_delta(a.planned_items, b.planned_items),
        unplanned_items=_delta(a.unplanned.total(), b.unplanned.total()),
        unplanned_by_reason={r: _delta(a.unplanned[r], b.unplanned[r]) for r in reasons},
        assigned_hours=_delta(a.assigned_hours, b.assigned_hours),
        total_cost=_delta(a.total_cost, b.total_cost),
        objective=_delta(a.objective, b.objective),
        sites=sites,
    )
