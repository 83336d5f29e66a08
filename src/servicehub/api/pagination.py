"""Pages of a list endpoint: limit/offset, a total count, and sorting on whitelisted keys."""

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from servicehub.api.schemas import PageParams

M = TypeVar("M", bound=models.Model)

# Public sort key -> the columns it orders by. Each endpoint declares its keys, and their
# "-key" descending twins, as a Literal on its query schema so that the OpenAPI lists them.
Orderings = Mapping[str, Sequence[str]]


def _descending(column: str) -> str:
    return column[1:] if column.startswith("-") else f"-{column}"


def order_for(sort: str, orderings: Orderings) -> list[str]:
    key = sort.removeprefix("-")
    # The primary key last, so that rows with equal sort values stay on the same page from call to call.
    columns = [*orderings[key], "pk"]
    return [_descending(c) for c in columns] if sort.startswith("-") else columns


def sort_keys(orderings: Orderings) -> list[str]:
    """Every value the `sort` parameter accepts: each key, ascending and descending."""
    return [value for key in orderings for value in (key, f"-{key}")]


def paginate(
    queryset: models.QuerySet[M], params: PageParams, sort: str, orderings: Orderings
) -> dict[str, Any]:
    limit = min(params.limit, settings.API_MAX_PAGE_SIZE)
    count = queryset.count()
    page = queryset.order_by(*order_for(sort, orderings))[params.offset : params.offset + limit]
    return {
        "count": count,
        "limit": limit,
        "offset": params.offset,
        # No second query when the count already says the page is empty.
        "items": list(page) if params.offset < count else [],
    }


def search(queryset: models.QuerySet[M], text: str | None, *fields: str) -> models.QuerySet[M]:
    """Rows where every word of `text` appears in one of `fields`, ignoring case."""
    for word in (text or "").split():
        match = Q()
        for name in fields:
            match |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(match)
    return queryset
