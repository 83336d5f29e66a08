"""Per-row figures for list pages, as correlated subqueries.

`restrict()` may add joins and DISTINCT (a client's sites, a site manager's
contracts). Aggregating over such a queryset with a plain `Count()` or
`Sum()` would multiply rows, so each figure is a subquery over the
restricted rows, correlated to the outer row with `OuterRef`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

MONEY_FIELD: DecimalField[Any, Decimal] = DecimalField(max_digits=16, decimal_places=2)


def count_of(rows: QuerySet[Any]) -> Coalesce:
    """How many `rows` (already correlated with OuterRef); 0 when none."""
    counted = rows.order_by().annotate(_count=Func(F("pk"), function="COUNT")).values("_count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0), output_field=IntegerField())


def sum_of(rows: QuerySet[Any], field: str) -> Coalesce:
    """The sum of a money `field` over `rows` (already correlated with OuterRef); 0 when none."""
    summed = rows.order_by().annotate(_sum=Func(F(field), function="SUM")).values("_sum")
    return Coalesce(Subquery(summed, output_field=MONEY_FIELD), Value(Decimal("0")), output_field=MONEY_FIELD)


def only(restricted: QuerySet[Any]) -> QuerySet[Any]:
    """A join-free, duplicate-free queryset over the same rows as `restricted`, fit for a subquery."""
    rows: QuerySet[Any] = restricted.model._default_manager.filter(pk__in=restricted.values("pk"))
    return rows
