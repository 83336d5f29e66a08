"""OR-Library generalized assignment problems (GAP) as staffing instances, to measure the solver
against published optima.

File format (one instance per file, whitespace-separated integers, as in
`../shared/data/gap/{cattrysse1994,chu1997,yagiura2004}/`)::

    m n
    c_11 … c_1n   … c_m1 … c_mn      (m rows of n costs: agent i doing job j)
    a_11 … a_1n   … a_m1 … a_mn      (m rows of n weights: the capacity job j uses on agent i)
    b_1 … b_m                        (the agents' capacities)

The minimisation GAP assigns every job to exactly one agent, within the agents' capacities, at least
total cost. The staffing instance that expresses it:

* one week (`weeks = 1`), weights 0;
* one specialist per agent `A001…`, weekly `hours = b_i`, `cost_per_hour = 0`, no skills;
* one item per job `J0001…`, `whole`, `max_people = 1`, window week 0, `hours` = the largest
  a_ij (a placeholder: with pairs, the pair's hours count), value `V` (below);
* a pair for every (agent, job): `hours = a_ij`, `cost = c_ij`.

A plan of the staffing instance is then exactly a partial GAP assignment, and its objective is
`V x (jobs planned) - (cost of the assignment)`. With
`V = 1 + Σ_j max_i c_ij` (costs are ≥ 0):

* a plan with all n jobs has objective ≥ n·V - Σ_j max_i c_ij = n·V - (V - 1) > (n - 1)·V;
* a plan with at most n - 1 jobs has objective ≤ (n - 1)·V, since its costs are ≥ 0.

So whenever the GAP is feasible, every complete assignment beats every partial plan; among complete
ones the objective is n·V - cost, so the staffing optimum is exactly a GAP optimum, and
`gap_cost(result) = n·V - objective`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FORMAT = "servicehub-staffing/1"


def read_gap(path: str | Path) -> tuple[list[list[int]], list[list[int]], list[int]]:
    """The costs c[i][j], weights a[i][j] and capacities b[i] of an OR-Library GAP file."""
    tokens = Path(path).read_text(encoding="ascii").split()
    try:
        numbers = [int(t) for t in tokens]
    except ValueError as error:
        raise ValueError(f"{path}: not an OR-Library GAP file ({error})") from None
    if len(numbers) < 2:
        raise ValueError(f"{path}: too short for an OR-Library GAP file")
    m, n = numbers[0], numbers[1]
    if m < 1 or n < 1 or len(numbers) != 2 + 2 * m * n + m:
        raise ValueError(
            f"{path}: expected {2 + 2 * m * n + m} integers for m={m}, n={n}, got {len(numbers)}"
        )
    body = numbers[2:]
    costs = [body[i * n : (i + 1) * n] for i in range(m)]
    weights = [body[m * n + i * n : m * n + (i + 1) * n] for i in range(m)]
    capacities = body[2 * m * n :]
    if any(c < 0 for row in costs for c in row):
        raise ValueError(f"{path}: negative costs cannot be expressed (pair costs are ≥ 0)")
    if any(a <= 0 for row in weights for a in row):
        raise ValueError(f"{path}: a weight ≤ 0 cannot be expressed (pair hours are > 0)")
    if any(b < 0 for b in capacities):
        raise ValueError(f"{path}: negative capacity")
    return costs, weights, capacities


def job_value(costs: list[list[int]]) -> int:
    """V = 1 + Σ_j max_i c_ij: large enough that planning every job always wins (module docstring)."""
    m, n = len(costs), len(costs[0])
    return 1 + sum(max(costs[i][j] for i in range(m)) for j in range(n))


def gap_instance(path: str | Path, *, name: str | None = None) -> dict[str, Any]:
    """The staffing instance of the OR-Library GAP file at `path` (mapping in the module docstring)."""
    costs, weights, capacities = read_gap(path)
    m, n = len(costs), len(costs[0])
    value = job_value(costs)
    agents = [f"A{i + 1:03d}" for i in range(m)]
    jobs = [f"J{j + 1:04d}" for j in range(n)]
    return {
        "format": FORMAT,
        "name": name or f"gap:{Path(path).parent.name}/{Path(path).name}",
        "weeks": 1,
        "weights": {"pair_charge": 0, "site_bonus_per_hour": 0},
        "specialists": [
            {"id": agents[i], "site": "GAP", "cost_per_hour": 0, "hours": capacities[i], "skills": {}}
            for i in range(m)
        ],
        "items": [
            {
                "id": jobs[j],
                "hours": max(weights[i][j] for i in range(m)),
                "value": value,
                "skills": {},
                "release": 0,
                "due": 0,
                "max_people": 1,
                "whole": True,
            }
            for j in range(n)
        ],
        "pairs": [
            {"specialist": agents[i], "item": jobs[j], "hours": weights[i][j], "cost": costs[i][j]}
            for i in range(m)
            for j in range(n)
        ],
    }


def gap_cost(result: dict[str, Any], instance: dict[str, Any]) -> int:
    """The GAP cost of a result: Σ c_ij over the (agent, job) pairs it uses.

    Raises ValueError unless every job is assigned to exactly one agent: a partial plan is no GAP
    solution, and its cost means nothing next to a published optimum.
    """
    cost = {(p["specialist"], p["item"]): p["cost"] for p in instance["pairs"]}
    agent_of: dict[str, set[str]] = {}
    for a in result.get("assignments", []):
        agent_of.setdefault(a["item"], set()).add(a["specialist"])
    missing = [i["id"] for i in instance["items"] if i["id"] not in agent_of]
    if missing:
        raise ValueError(f"{len(missing)} job(s) unassigned, e.g. {missing[0]}")
    shared = [job for job, agents in agent_of.items() if len(agents) != 1]
    if shared:
        raise ValueError(f"job {shared[0]} is split between agents")
    total = 0
    for job, agents in agent_of.items():
        pair = (next(iter(agents)), job)
        if pair not in cost:
            raise ValueError(f"job {job} is assigned to {pair[0]}, which has no pair for it")
        total += cost[pair]
    return int(total)
