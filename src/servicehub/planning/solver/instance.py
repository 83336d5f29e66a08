"""Read and check a `servicehub-staffing/1` instance document.

`validate` checks structure with the JSON Schema copied from the shared spec,
then the semantic rules of staffing.md by hand. `load` turns a valid document
into a `Problem`: numpy arrays for capacities and, per item, only the eligible
specialists (never a dense specialist x item x week table: at 5,000 x 20,000 x 26
that would not fit in memory).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import numpy as np
import numpy.typing as npt

INSTANCE_FORMAT = "servicehub-staffing/1"
RESULT_FORMAT = "servicehub-staffing-result/1"

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class InstanceError(ValueError):
    """The instance document breaks the format; the message names the id and the field."""


@cache
def _schema(name: str) -> dict[str, Any]:
    text = resources.files("servicehub.planning.solver").joinpath("schemas", name).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def instance_schema() -> dict[str, Any]:
    return _schema("staffing-instance.schema.json")


def result_schema() -> dict[str, Any]:
    return _schema("staffing-result.schema.json")


def _label(doc: Any, path: Sequence[Any]) -> str:
    """`items[12] (DEM-0013).due` from a JSON path, naming the object by its id."""
    out = ""
    node = doc
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
            try:
                node = node[step]
            except (IndexError, KeyError, TypeError):
                node = None
            if isinstance(node, Mapping) and isinstance(node.get("id"), str):
                out += f" ({node['id']})"
        else:
            out += f".{step}" if out else str(step)
            node = node.get(step) if isinstance(node, Mapping) else None
    return out or "instance"


def _schema_message(error: jsonschema.ValidationError) -> str:
    kind = error.validator
    inside_skills = len(error.absolute_path) >= 2 and error.absolute_path[-2] == "skills"
    what = "level " if inside_skills else ""
    if kind == "maximum":
        return f"{what}{error.instance!r} is above {error.validator_value}"
    if kind == "minimum":
        return f"{what}{error.instance!r} is below {error.validator_value}"
    if kind == "exclusiveMinimum":
        return f"{error.instance!r} must be above {error.validator_value}"
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return f"missing field {', '.join(missing)}"
    if kind == "additionalProperties":
        return f"unknown field ({error.message})"
    if kind == "type":
        return f"{error.instance!r} is not of type {error.validator_value}"
    if kind == "const":
        return f"{error.instance!r} should be {error.validator_value!r}"
    return str(error.message)


def _number(value: Any) -> float:
    return float(value)


def validate(doc: Mapping[str, Any]) -> None:
    """Raise `InstanceError` naming the first broken rule; return None for a valid document."""
    if not isinstance(doc, Mapping):
        raise InstanceError(f"instance: expected a JSON object, got {type(doc).__name__}")
    try:
        validator = jsonschema.Draft202012Validator(instance_schema())
        errors = sorted(validator.iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), str(e)))
    except Exception as exc:  # a document jsonschema cannot even walk (e.g. non-string keys)
        raise InstanceError(f"instance: cannot be read ({exc})") from exc
    if errors:
        error = errors[0]
        raise InstanceError(f"{_label(doc, list(error.absolute_path))}: {_schema_message(error)}")
    _check_numbers(doc, [])

    weeks = int(doc["weeks"])
    last = weeks - 1
    spec_ids: dict[str, int] = {}
    for n, spec in enumerate(doc["specialists"]):
        where = _label(doc, ["specialists", n])
        if spec["id"] in spec_ids:
            raise InstanceError(f"{where}.id: duplicate of specialists[{spec_ids[spec['id']]}]")
        spec_ids[spec["id"]] = n
    item_ids: dict[str, int] = {}
    for n, item in enumerate(doc["items"]):
        where = _label(doc, ["items", n])
        if item["id"] in item_ids:
            raise InstanceError(f"{where}.id: duplicate of items[{item_ids[item['id']]}]")
        item_ids[item["id"]] = n
        release, due = int(item["release"]), int(item["due"])
        if due > last:
            raise InstanceError(f"{where}.due: {due} is past the last week {last}")
        if release > due:
            raise InstanceError(f"{where}.release: {release} is after due {due}")
    seen: dict[tuple[str, str], int] = {}
    for n, pair in enumerate(doc.get("pairs", [])):
        where = f"pairs[{n}]"
        if pair["specialist"] not in spec_ids:
            raise InstanceError(f"{where}.specialist: unknown specialist {pair['specialist']!r}")
        if pair["item"] not in item_ids:
            raise InstanceError(f"{where}.item: unknown item {pair['item']!r}")
        key = (pair["specialist"], pair["item"])
        if key in seen:
            raise InstanceError(f"{where}: duplicate of pairs[{seen[key]}] ({key[0]}, {key[1]})")
        seen[key] = n
        item_n = item_ids[pair["item"]]
        if not doc["items"][item_n].get("whole", False):
            where_item = _label(doc, ["items", item_n])
            raise InstanceError(f"{where_item}.whole: an item with pairs must be whole ({where})")


def _check_numbers(node: Any, path: list[Any]) -> None:
    """JSON from Python may carry NaN or Infinity, which the schema's minimum checks let through."""
    if isinstance(node, float) and not math.isfinite(node):
        raise InstanceError(f"{_label_root(path)}: {node!r} is not a finite number")
    if isinstance(node, Mapping):
        for key, value in node.items():
            _check_numbers(value, [*path, key])
    elif isinstance(node, list):
        for n, value in enumerate(node):
            _check_numbers(value, [*path, n])


def _label_root(path: list[Any]) -> str:
    return ".".join(str(p) for p in path) or "instance"


def exact(value: Any) -> Decimal:
    """A JSON number as an exact Decimal (a float goes through its shortest repr, as written)."""
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(str(value))


@dataclass
class Candidate:
    """The eligible specialists of one item, with what each would cost if used."""

    spec: IntArray  # specialist indices
    hours: IntArray  # hours the specialist works when whole (pair hours or item hours)
    fixed: FloatArray  # whole items: total net cost (cost + pair charge - bonus); else pair charge
    per_hour: FloatArray  # non-whole items: net cost per hour (cost_per_hour - bonus if preferred)


@dataclass
class Problem:
    weeks: int
    spec_ids: list[str]
    item_ids: list[str]
    cap: IntArray  # S x W, whole hours available (assignments are integers)
    item_hours: IntArray
    value: FloatArray
    release: IntArray
    due: IntArray
    whole: npt.NDArray[np.bool_]
    max_people: IntArray
    cands: list[Candidate]
    static_reason: dict[int, str] = field(default_factory=dict)  # items that can never be planned

    @property
    def n_specs(self) -> int:
        return len(self.spec_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)


def capacities(doc: Mapping[str, Any]) -> IntArray:
    weeks = int(doc["weeks"])
    specs = doc["specialists"]
    cap = np.zeros((len(specs), weeks), dtype=np.int64)
    for n, spec in enumerate(specs):
        hours = _number(spec["hours"])
        off = {int(k): _number(v) for k, v in spec.get("unavailable", {}).items()}
        for w in range(weeks):
            # Assigned hours are integers, so a week of 37.5 hours holds at most 37.
            cap[n, w] = max(0, math.floor(hours - off.get(w, 0.0) + 1e-9))
    return cap


def load(doc: Mapping[str, Any]) -> Problem:
    """Build the `Problem` of a valid document (call `validate` first)."""
    weeks = int(doc["weeks"])
    weights = doc.get("weights", {})
    pair_charge = _number(weights.get("pair_charge", 0))
    bonus = _number(weights.get("site_bonus_per_hour", 0))
    specs = doc["specialists"]
    items = doc["items"]
    n_specs = len(specs)
    spec_index = {s["id"]: n for n, s in enumerate(specs)}
    cap = capacities(doc)
    cph = np.array([_number(s["cost_per_hour"]) for s in specs], dtype=np.float64)
    sites = [s["site"] for s in specs]
    site_codes = {site: n for n, site in enumerate(sorted(set(sites)))}
    site_of = np.array([site_codes[s] for s in sites], dtype=np.int64)
    skill_codes: dict[str, int] = {}
    for s in specs:
        for code in s["skills"]:
            skill_codes.setdefault(code, len(skill_codes))
    levels = np.zeros((n_specs, max(1, len(skill_codes))), dtype=np.int8)
    for n, s in enumerate(specs):
        for code, level in s["skills"].items():
            levels[n, skill_codes[code]] = int(level)
    pairs_of: dict[str, list[tuple[int, int, float]]] = {}
    for pair in doc.get("pairs", []):
        pairs_of.setdefault(pair["item"], []).append(
            (spec_index[pair["specialist"]], int(pair["hours"]), _number(pair["cost"]))
        )
    # cumulative capacity per specialist, to get window capacity by a subtraction
    cum = np.zeros((n_specs, weeks + 1), dtype=np.int64)
    np.cumsum(cap, axis=1, out=cum[:, 1:])

    n_items = len(items)
    problem = Problem(
        weeks=weeks,
        spec_ids=[s["id"] for s in specs],
        item_ids=[i["id"] for i in items],
        cap=cap,
        item_hours=np.array([int(i["hours"]) for i in items], dtype=np.int64),
        value=np.array([_number(i["value"]) for i in items], dtype=np.float64),
        release=np.array([int(i["release"]) for i in items], dtype=np.int64),
        due=np.array([int(i["due"]) for i in items], dtype=np.int64),
        whole=np.array([bool(i.get("whole", False)) for i in items], dtype=np.bool_),
        max_people=np.zeros(n_items, dtype=np.int64),
        cands=[],
    )
    empty_i = np.zeros(0, dtype=np.int64)
    empty_f = np.zeros(0, dtype=np.float64)
    for n, item in enumerate(items):
        hours = int(item["hours"])
        value = problem.value[n]
        window = cum[:, int(item["due"]) + 1] - cum[:, int(item["release"])]
        preferred = np.zeros(n_specs, dtype=np.bool_)
        for site in item.get("preferred_sites", []):
            if site in site_codes:
                preferred |= site_of == site_codes[site]
        listed = pairs_of.get(item["id"])
        if listed is not None:
            spec = np.array([p[0] for p in listed], dtype=np.int64)
            p_hours = np.array([p[1] for p in listed], dtype=np.int64)
            cost = np.array([p[2] for p in listed], dtype=np.float64)
            eligible_any = len(spec) > 0
        else:
            ok = np.ones(n_specs, dtype=np.bool_)
            for code, level in item.get("skills", {}).items():
                if code not in skill_codes:
                    ok[:] = False
                    break
                ok &= levels[:, skill_codes[code]] >= int(level)
            spec = np.flatnonzero(ok).astype(np.int64)
            p_hours = np.full(len(spec), hours, dtype=np.int64)
            cost = cph[spec] * hours
            eligible_any = len(spec) > 0
        whole = bool(item.get("whole", False))
        net_hour = cph[spec] - bonus * preferred[spec]
        if whole:
            fits = window[spec] >= p_hours
            fixed = cost + pair_charge - bonus * p_hours * preferred[spec]
            spec, p_hours, fixed, net_hour = spec[fits], p_hours[fits], fixed[fits], net_hour[fits]
            max_people = 1
            capacity_ok = len(spec) > 0
            worth = fixed < value - 1e-9
            cheapest_loss = not bool(worth.any())
            spec, p_hours, fixed, net_hour = spec[worth], p_hours[worth], fixed[worth], net_hour[worth]
        else:
            fits = window[spec] > 0
            spec, p_hours, net_hour = spec[fits], p_hours[fits], net_hour[fits]
            max_people = int(item["max_people"]) if "max_people" in item else len(spec)
            max_people = max(1, min(max_people, len(spec)))
            top = np.sort(np.minimum(window[spec], hours))[::-1][:max_people]
            capacity_ok = len(spec) > 0 and int(top.sum()) >= hours
            fixed = np.full(len(spec), pair_charge, dtype=np.float64)
            # The cheapest conceivable staffing: every hour at the lowest net rate, one pair charge.
            cheapest_loss = capacity_ok and bool(
                value - hours * float(net_hour.min()) - pair_charge * math.ceil(hours / max(1, int(top[0])))
                <= 1e-9
            )
        problem.max_people[n] = max_people
        if not eligible_any:
            problem.static_reason[n] = "no_eligible_specialist"
        elif not capacity_ok:
            problem.static_reason[n] = "no_capacity_in_window"
        elif cheapest_loss:
            problem.static_reason[n] = "not_worth_it"
        if n in problem.static_reason:
            problem.cands.append(Candidate(empty_i, empty_i, empty_f, empty_f))
        else:
            problem.cands.append(
                Candidate(
                    spec.astype(np.int64),
                    p_hours.astype(np.int64),
                    np.asarray(fixed, dtype=np.float64),
                    np.asarray(net_hour, dtype=np.float64),
                )
            )
    return problem
