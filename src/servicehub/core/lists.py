"""List pages: search, filter, sort and paginate a restricted queryset.

One view serves both the full page and, for htmx requests, only the results
partial (table, pagination, empty state). The caller passes a queryset that
already went through `restrict(user, "view")` and carries its own
select_related/prefetch_related/annotations, so rendering a page costs a
fixed number of queries however many rows there are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise

# Longest search text taken into account; longer input is cut, not refused.
MAX_QUERY_LENGTH = 100

StrOrPromise = str | Promise


@dataclass(frozen=True)
class Column:
    """A table column. Sortable when `order_by` names the fields to order on (ascending)."""

    key: str
    label: StrOrPromise
    order_by: tuple[str, ...] = ()
    numeric: bool = False

    @property
    def sortable(self) -> bool:
        return bool(self.order_by)


@dataclass(frozen=True)
class FilterChoice:
    """One option of a filter. With a `condition`, choosing it applies the condition instead of the lookup.

    A choice that does not `narrow` (e.g. "All demands" beside a default queue) does not count
    as a filter for the empty state.
    """

    value: str
    label: StrOrPromise
    condition: Q | None = None
    narrows: bool = True


@dataclass(frozen=True)
class ListFilter:
    """A select above the table: `?key=value` becomes `.filter(lookup=value)` if value is one of `choices`.

    Values outside `choices` are ignored, so a filter never reaches rows the choices did not offer.
    With a `default`, an absent `?key=` means the default choice and the select offers no blank "All".
    """

    key: str
    label: StrOrPromise
    lookup: str
    choices: Sequence[FilterChoice]
    default: str = ""


@dataclass(frozen=True)
class ListSpec:
    columns: Sequence[Column]
    search_fields: Sequence[str]
    default_sort: str
    template_name: str
    partial_template_name: str
    search_label: StrOrPromise = ""
    empty_title: StrOrPromise = ""
    empty_hint: StrOrPromise = ""

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key and c.sortable), None)


@dataclass
class HeaderCell:
    column: Column
    url: str = ""
    direction: str = ""  # "asc", "desc" or "" when the table is not sorted on this column

    @property
    def aria_sort(self) -> str:
        return {"asc": "ascending", "desc": "descending"}.get(self.direction, "none")


@dataclass
class FilterState:
    filter: ListFilter
    selected: str = ""
    narrows: bool = False


@dataclass
class PageLink:
    number: int | None  # None for the gap ("…") between distant pages
    url: str = ""
    current: bool = False


@dataclass
class ListPage:
    """Everything the list templates need, computed once in Python (templates stay logic-free)."""

    page: Page[Any]
    headers: list[HeaderCell]
    filters: list[FilterState]
    query: str
    sort: str
    reset_url: str
    page_links: list[PageLink] = field(default_factory=list)
    previous_url: str = ""
    next_url: str = ""

    @property
    def rows(self) -> Sequence[Any]:
        return self.page.object_list  # type: ignore[return-value]

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def is_filtered(self) -> bool:
        return any(f.narrows for f in self.filters)

    @property
    def is_narrowed(self) -> bool:
        return bool(self.query) or self.is_filtered


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request for the results only (not a history restore, which needs the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
        and request.headers.get("HX-Boosted") != "true"
    )


def _url(request: HttpRequest, params: QueryDict, **changes: str | int | None) -> str:
    updated = params.copy()
    for name, value in changes.items():
        if value in (None, ""):
            updated.pop(name, None)
        else:
            updated[name] = str(value)
    # Empty fields of the search form ("?site=&role=") add nothing but noise to links.
    for name in [name for name, values in updated.lists() if not any(values)]:
        del updated[name]
    encoded = updated.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


def _parse_sort(raw: str, spec: ListSpec) -> tuple[Column, bool]:
    descending = raw.startswith("-")
    column = spec.column(raw.removeprefix("-"))
    if column is None:
        descending = spec.default_sort.startswith("-")
        column = spec.column(spec.default_sort.removeprefix("-"))
        if column is None:
            raise ValueError(f"default sort {spec.default_sort!r} is not a sortable column")
    return column, descending


def _ordering(name: str, descending: bool) -> str:
    """`name` as given (a leading "-" means the column's natural order is descending), flipped if asked."""
    if not descending:
        return name
    return name.removeprefix("-") if name.startswith("-") else f"-{name}"


def search(queryset: QuerySet[Any], fields: Sequence[str], query: str) -> QuerySet[Any]:
    """Every word must appear in at least one of `fields` (case-insensitive)."""
    for word in query.split():
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def _page_window(number: int, last: int) -> list[int | None]:
    """Page numbers to link: both ends and the current page's neighbours; None marks a gap."""
    wanted = sorted({1, 2, last - 1, last, number - 1, number, number + 1} & set(range(1, last + 1)))
    window: list[int | None] = []
    previous = 0
    for n in wanted:
        if n - previous == 2:
            window.append(n - 1)  # a gap of one page shows that page rather than "…"
        elif n - previous > 2:
            window.append(None)
        window.append(n)
        previous = n
    return window


def build_list_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    spec: ListSpec,
    filters: Sequence[ListFilter] = (),
) -> ListPage:
    params = request.GET
    query = " ".join(params.get("q", "")[:MAX_QUERY_LENGTH].split())
    if query:
        queryset = search(queryset, spec.search_fields, query)

    states: list[FilterState] = []
    for list_filter in filters:
        raw = params.get(list_filter.key, list_filter.default)
        choice = next((c for c in list_filter.choices if c.value == raw), None) if raw else None
        if choice is not None:
            if choice.condition is not None:
                queryset = queryset.filter(choice.condition)
            else:
                queryset = queryset.filter(**{list_filter.lookup: choice.value})
        states.append(
            FilterState(list_filter, choice.value if choice else "", choice is not None and choice.narrows)
        )

    column, descending = _parse_sort(params.get("sort", ""), spec)
    # The primary key breaks ties (in the order rows were recorded) so pages never repeat or skip a row.
    queryset = queryset.order_by(*(_ordering(name, descending) for name in column.order_by), "pk")
    sort = f"-{column.key}" if descending else column.key

    page = Paginator(queryset, settings.PAGE_SIZE).get_page(params.get("page"))

    headers = []
    for col in spec.columns:
        cell = HeaderCell(col)
        if col.sortable:
            current = col.key == column.key
            cell.direction = ("desc" if descending else "asc") if current else ""
            next_sort = col.key if (not current or descending) else f"-{col.key}"
            cell.url = _url(request, params, sort=next_sort, page=None)
        headers.append(cell)

    result = ListPage(
        page=page,
        headers=headers,
        filters=states,
        query=query,
        sort=sort,
        reset_url=request.path,
    )
    if page.paginator.num_pages > 1:
        result.page_links = [
            PageLink(n, _url(request, params, page=n), n == page.number) if n else PageLink(None)
            for n in _page_window(page.number, page.paginator.num_pages)
        ]
        if page.has_previous():
            result.previous_url = _url(request, params, page=page.previous_page_number())
        if page.has_next():
            result.next_url = _url(request, params, page=page.next_page_number())
    return result


def render_list(
    request: HttpRequest,
    queryset: QuerySet[Any],
    spec: ListSpec,
    *,
    filters: Sequence[ListFilter] = (),
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The full list page, or only its results partial when htmx asks for it."""
    listing = build_list_page(request, queryset, spec, filters)
    data = {"list": listing, "spec": spec, "partial_template": spec.partial_template_name, **(context or {})}
    template = spec.partial_template_name if wants_partial(request) else spec.template_name
    response = render(request, template, data)
    # The same URL answers with a page or a fragment: caches and the back button must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def choices_from(objects: QuerySet[Any] | Sequence[Model], label: str = "") -> list[FilterChoice]:
    """Filter choices from model rows (the caller passes rows already restricted to the user)."""
    return [FilterChoice(str(obj.pk), getattr(obj, label) if label else str(obj)) for obj in objects]


def choices_from_enum(choices: Sequence[tuple[str, StrOrPromise]]) -> list[FilterChoice]:
    return [FilterChoice(value, label) for value, label in choices]
