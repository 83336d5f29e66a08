"""Benchmark: the staffing optimiser on generated service-centre instances and OR-Library GAP problems.

    python bench/staffing.py                        # generated 100x300 and 560x2000, then the GAP table
    python bench/staffing.py --large                # also 5000x20000 (60 s and 300 s solves: ~10 minutes)
    python bench/staffing.py --cases 'gap_c*,generated_100*' --time-scale 0.5

Prints one JSON line per case, then a summary line. Each case runs in a child process of its own, so
its peak memory (`peak_mb`, the child's ru_maxrss) is its own. Every plan, the solver's and the
greedy's, goes through the independent checker of `tests/planning/checker.py`; a plan it rejects
fails its case whatever the numbers say. The GAP cases read `../shared/data/gap/` and are skipped,
with a line saying so, when it is absent.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GAP_DATA = ROOT.parent / "shared" / "data" / "gap"
SEED = 1

# (case, specialists, items, weeks, time limit in s, target, behind --large). The targets are the
# issue's: the gap is measured to the solver's own proved bound (the LP relaxation at the larger sizes),
# "closed_share" is how much of the greedy's gap to that bound the solver closes.
GENERATED: list[tuple[str, int, int, int, float, dict[str, float], bool]] = [
    ("generated_100x300x26_10s", 100, 300, 26, 10, {"gap_percent_max": 0.5}, False),
    ("generated_560x2000x26_10s", 560, 2000, 26, 10, {"gap_percent_max": 6.0}, False),
    (
        "generated_560x2000x26_60s",
        560,
        2000,
        26,
        60,
        {"gap_percent_max": 3.5, "closed_share_min": 0.6},
        False,
    ),
    ("generated_5000x20000x26_60s", 5000, 20000, 26, 60, {"feasible": 1, "peak_mb_max": 8192}, True),
    (
        "generated_5000x20000x26_300s",
        5000,
        20000,
        26,
        300,
        {"above_greedy_percent_min": 5.0, "peak_mb_max": 8192},
        True,
    ),
]


def meets(row: dict[str, Any], target: dict[str, float]) -> bool:
    """Every criterion of `target` holds for the measured `row` (and the checker found nothing)."""
    if row["checker_problems"]:
        return False
    checks = {
        "gap_percent_max": lambda limit: row["gap_percent"] is not None and row["gap_percent"] <= limit,
        "closed_share_min": lambda floor: row["closed_share"] is not None and row["closed_share"] >= floor,
        "above_greedy_percent_min": lambda floor: (
            row["above_greedy_percent"] is not None and row["above_greedy_percent"] >= floor
        ),
        "peak_mb_max": lambda limit: row["peak_mb"] <= limit,
        "feasible": lambda _: (
            row["status"] in ("optimal", "feasible") and row["seconds"] <= row["time_limit"] * 1.1
        ),
    }
    return all(checks[key](value) for key, value in target.items())


GAP_TIME_LIMIT = 10.0
GAP_TARGET = {"gap_percent_max": 0.5}  # our cost over the published optimum (or best known)
GAP_MAX_AGENTS, GAP_MAX_JOBS = 20, 400


def percent(part: float, whole: float | None) -> float | None:
    return None if not whole else round(100 * part / abs(whole), 4)


def peak_mb() -> float:
    """The largest resident set of this process or any child it waited for (Linux: ru_maxrss in KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def checked(doc: dict[str, Any], result: dict[str, Any]) -> list[str]:
    sys.path.insert(0, str(ROOT / "tests"))
    from planning.checker import check  # the tests' verifier: shares no code with the solver

    return check(doc, result)


def run_generated(spec: dict[str, Any], threads: int) -> dict[str, Any]:
    from servicehub.planning.solver import greedy, solve
    from servicehub.planning.solver.generator import generate

    doc = generate(spec["specialists"], spec["items"], spec["weeks"], seed=SEED)
    started = time.perf_counter()
    quick = greedy(doc)
    greedy_seconds = time.perf_counter() - started
    started = time.perf_counter()
    planned = solve(doc, time_limit=spec["time_limit"], threads=threads, seed=SEED)
    seconds = time.perf_counter() - started
    peak = peak_mb()  # before checking: the checker's own dictionaries are not the solver's
    problems = checked(doc, planned) + [f"greedy: {p}" for p in checked(doc, quick)]

    objective, bound, base = planned["objective"], planned["bound"], quick["objective"]
    gap = percent(bound - objective, bound) if bound is not None and objective is not None else None
    greedy_gap = percent(bound - base, bound) if bound is not None and base is not None else None
    closed = None
    if bound is not None and objective is not None and base is not None and bound != base:
        closed = round((objective - base) / (bound - base), 4)
    above = percent(objective - base, base) if objective is not None and base is not None else None
    row = {
        "case": spec["case"],
        "instance": doc["name"],
        "specialists": spec["specialists"],
        "items": spec["items"],
        "weeks": spec["weeks"],
        "time_limit": spec["time_limit"],
        "threads": threads,
        "status": planned["status"],
        "objective": objective,
        "bound": bound,
        "gap_percent": gap,
        "seconds": round(seconds, 2),
        "solver_seconds": planned["seconds"],
        "peak_mb": peak,
        "planned_items": len({a["item"] for a in planned["assignments"]}),
        "unplanned_items": len(planned["unplanned"]),
        "greedy_objective": base,
        "greedy_gap_percent": greedy_gap,
        "greedy_seconds": round(greedy_seconds, 2),
        "closed_share": closed,
        "above_greedy_percent": above,
        "checker_problems": len(problems),
        "first_problems": problems[:3],
        "target": spec["target"],
    }
    row["met"] = meets(row, spec["target"])
    return row


def run_gap(spec: dict[str, Any], threads: int) -> dict[str, Any]:
    from servicehub.planning.solver import solve
    from servicehub.planning.solver.orlib import gap_cost, gap_instance

    doc = gap_instance(GAP_DATA / spec["file"])
    started = time.perf_counter()
    planned = solve(doc, time_limit=spec["time_limit"], threads=threads, seed=SEED)
    seconds = time.perf_counter() - started
    peak = peak_mb()
    problems = checked(doc, planned)
    try:
        cost: int | None = gap_cost(planned, doc)
    except ValueError as error:
        cost = None
        problems.append(f"not a complete GAP assignment: {error}")
    reference = spec["reference"]
    gap = percent(cost - reference, reference) if cost is not None else None
    # objective = n V - cost for complete plans (orlib's docstring), so the solver's bound proves
    # cost >= n V - bound. Above a proved optimum, that bound (or an "optimal" status) is wrong.
    total_value = sum(item["value"] for item in doc["items"])
    lower = None if planned["bound"] is None else math.ceil(total_value - planned["bound"] - 1e-6)
    proved = spec["reference_kind"] == "optimum"
    claims: list[str] = []
    if proved and lower is not None and lower > reference:
        claims.append(f"bound proves cost >= {lower}, above the published optimum {reference}")
    if proved and planned["status"] == "optimal" and cost is not None and cost > reference:
        claims.append(f"status optimal at cost {cost}, above the published optimum {reference}")
    return {
        "case": spec["case"],
        "instance": spec["file"],
        "agents": spec["agents"],
        "jobs": spec["jobs"],
        "time_limit": spec["time_limit"],
        "threads": threads,
        "status": planned["status"],
        "reference": reference,
        "reference_kind": spec["reference_kind"],
        "cost": cost,
        "cost_lower_bound": lower,
        "gap_percent": gap,
        "optimum_reached": cost == reference and spec["reference_kind"] == "optimum",
        "seconds": round(seconds, 2),
        "solver_seconds": planned["seconds"],
        "peak_mb": peak,
        "checker_problems": len(problems),
        "first_problems": problems[:3],
        "wrong_claims": claims,
        "target": spec["target"],
        "met": not problems and not claims and gap is not None and gap <= spec["target"]["gap_percent_max"],
    }


def gap_cases(scale: float) -> list[dict[str, Any]]:
    """The OR-Library C, D and E problems up to 20 agents x 400 jobs, smallest first."""
    cases = []
    with (GAP_DATA / "gap_reference_values.csv").open() as stream:
        for row in csv.DictReader(stream):
            name = Path(row["file"]).name
            m, n = int(row["agents_m"]), int(row["jobs_n"])
            if name[0] not in "cde" or m > GAP_MAX_AGENTS or n > GAP_MAX_JOBS:
                continue
            optimum = row["MIN_optimum_fontanf"]
            cases.append(
                {
                    "case": f"gap_{name}",
                    "kind": "gap",
                    "file": row["file"],
                    "agents": m,
                    "jobs": n,
                    "reference": int(optimum or row["MIN_best_known_fontanf"]),
                    "reference_kind": "optimum" if optimum else "best_known",
                    "time_limit": GAP_TIME_LIMIT * scale,
                    "target": GAP_TARGET,
                }
            )
    return sorted(cases, key=lambda c: (c["case"][4], c["jobs"], c["agents"]))


def in_child(spec: dict[str, Any], threads: int) -> dict[str, Any]:
    """Run one case in a fresh interpreter; its JSON line comes back on stdout."""
    command = [sys.executable, __file__, "--child", json.dumps(spec), "--threads", str(threads)]
    # Generous: generating, the greedy and checking take time besides the solver's limit.
    timeout = 3 * spec["time_limit"] + 600
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"case": spec["case"], "error": f"no answer within {timeout:.0f} s", "met": False}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip().splitlines()[-3:]
        return {"case": spec["case"], "error": f"exit {done.returncode}: {' | '.join(tail)}", "met": False}
    line: dict[str, Any] = json.loads(lines[-1])
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases", default="*", help="comma-separated name patterns, e.g. 'gap_c*,generated_100*'"
    )
    parser.add_argument("--large", action="store_true", help="also the 5000x20000 cases (minutes each)")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiply every time limit by this")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))

    if args.child:
        spec = json.loads(args.child)
        runner = run_gap if spec["kind"] == "gap" else run_generated
        print(json.dumps(runner(spec, args.threads)), flush=True)
        return 0

    patterns = [p.strip() for p in args.cases.split(",") if p.strip()]

    def wanted(name: str) -> bool:
        return any(fnmatch.fnmatch(name, p) for p in patterns)

    specs: list[dict[str, Any]] = [
        {
            "case": case,
            "kind": "generated",
            "specialists": specialists,
            "items": items,
            "weeks": weeks,
            "time_limit": limit * args.time_scale,
            "target": target,
        }
        for case, specialists, items, weeks, limit, target, large in GENERATED
        if (args.large or not large) and wanted(case)
    ]
    if GAP_DATA.is_dir():
        specs += [spec for spec in gap_cases(args.time_scale) if wanted(spec["case"])]
    elif wanted("gap_"):
        print(
            json.dumps({"case": "gap", "skipped": f"{GAP_DATA} not found: no OR-Library cases"}), flush=True
        )

    lines = []
    for spec in specs:
        line = in_child(spec, args.threads)
        lines.append(line)
        print(json.dumps(line), flush=True)
    table = [
        [line["case"], line.get("met"), line.get("gap_percent"), line.get("seconds"), line.get("peak_mb")]
        for line in lines
    ]
    summary = {
        "case": "summary",
        "met": sum(bool(line.get("met")) for line in lines),
        "total": len(lines),
        "columns": ["case", "met", "gap_percent", "seconds", "peak_mb"],
        "table": table,
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
