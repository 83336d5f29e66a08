"""Staffing optimiser: reads a `servicehub-staffing/1` instance, returns a `servicehub-staffing-result/1`.

Pure Python + HiGHS: nothing here imports Django, so the solver runs in a worker, a benchmark or a
notebook alike. The format is specified in the project's shared spec (see schemas/README.md).
"""

from .instance import INSTANCE_FORMAT, RESULT_FORMAT, InstanceError, validate
from .plan import exact_objective, violations
from .solve import Cancelled, greedy, solve

__all__ = [
    "INSTANCE_FORMAT",
    "RESULT_FORMAT",
    "Cancelled",
    "InstanceError",
    "exact_objective",
    "greedy",
    "solve",
    "validate",
    "violations",
]
