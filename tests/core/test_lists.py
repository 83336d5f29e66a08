"""The list helper: search, whitelisted sort, filters, pagination, and one view for page and htmx partial."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from conftest import World
from servicehub.core.lists import (
    Column,
    FilterChoice,
    ListFilter,
    ListSpec,
    _page_window,
    build_list_page,
    render_list,
    wants_partial,
)
from servicehub.core.models import User
from servicehub.org.models import Site

SPEC = ListSpec(
    columns=[
        Column("name", "Name", ("name",)),
        Column("seats", "Seats", ("-seats",), numeric=True),
        Column("address", "Address"),
    ],
    search_fields=["name", "city"],
    default_sort="name",
    template_name="org/site_list.html",
    partial_template_name="org/_site_results.html",
)


def _page(rf: RequestFactory, user: User, query: str = "", filters: Any = ()) -> Any:
    request = rf.get(f"/sites/?{query}")
    request.user = user
    return build_list_page(request, Site.objects.restrict(user, "view"), SPEC, filters)


def _names(page: Any) -> list[str]:
    return [site.name for site in page.rows]


def test_sorts_on_declared_columns_only(rf: RequestFactory, personas: dict[str, User]) -> None:
    director = personas["director"]
    assert _names(_page(rf, director)) == ["Casablanca", "Rabat"]
    assert _names(_page(rf, director, "sort=-name")) == ["Rabat", "Casablanca"]
    # A column whose natural order is descending: most seats first, then flipped.
    assert _names(_page(rf, director, "sort=seats")) == ["Rabat", "Casablanca"]
    assert _names(_page(rf, director, "sort=-seats")) == ["Casablanca", "Rabat"]
    # Unknown or unsortable columns fall back to the default; nothing reaches order_by unchecked.
    for raw in ("sort=address", "sort=provider__name", "sort=-password", "sort="):
        page = _page(rf, director, raw)
        assert _names(page) == ["Casablanca", "Rabat"] and page.sort == "name"


def test_header_links_toggle_direction_and_keep_the_search(
    rf: RequestFactory, personas: dict[str, User]
) -> None:
    page = _page(rf, personas["director"], "q=a&sort=name&page=1")
    name, seats, address = page.headers
    assert (name.direction, name.aria_sort) == ("asc", "ascending")
    assert name.url == "/sites/?q=a&sort=-name"
    assert seats.url == "/sites/?q=a&sort=seats" and seats.direction == ""
    assert address.url == "" and not address.column.sortable


def test_search_needs_every_word_in_some_field(rf: RequestFactory, personas: dict[str, User]) -> None:
    director = personas["director"]
    assert _names(_page(rf, director, "q=casa")) == ["Casablanca"]
    assert _names(_page(rf, director, "q=RABAT")) == ["Rabat"]
    assert _names(_page(rf, director, "q=rabat+casa")) == []
    page = _page(rf, director, "q=" + "x" * 500)
    assert len(page.query) == 100 and page.is_narrowed


def test_filters_accept_only_offered_values(
    rf: RequestFactory, personas: dict[str, User], world: World
) -> None:
    director = personas["director"]
    only_rabat = ListFilter("site", "Site", "pk", [FilterChoice(str(world.rabat.pk), "Rabat")])
    assert _names(_page(rf, director, f"site={world.rabat.pk}", [only_rabat])) == ["Rabat"]
    # Casablanca is not among the choices: the value is ignored rather than applied.
    page = _page(rf, director, f"site={world.casablanca.pk}", [only_rabat])
    assert _names(page) == ["Casablanca", "Rabat"] and page.filters[0].selected == ""


def test_restrict_still_applies(rf: RequestFactory, personas: dict[str, User]) -> None:
    assert _names(_page(rf, personas["client_a"])) == ["Rabat"]
    assert _names(_page(rf, personas["client_b"], "q=rabat")) == []


def test_pagination_links(rf: RequestFactory, personas: dict[str, User], settings: Any) -> None:
    settings.PAGE_SIZE = 1
    first = _page(rf, personas["director"], "q=a")
    assert _names(first) == ["Casablanca"] and first.total == 2
    assert first.previous_url == "" and first.next_url == "/sites/?q=a&page=2"
    assert [(link.number, link.current) for link in first.page_links] == [(1, True), (2, False)]
    last = _page(rf, personas["director"], "q=a&page=99")
    assert _names(last) == ["Rabat"] and last.previous_url == "/sites/?q=a&page=1"
    assert _names(_page(rf, personas["director"], "page=abc")) == ["Casablanca"]


def test_page_window_keeps_ends_and_neighbours() -> None:
    assert _page_window(1, 1) == [1]
    assert _page_window(1, 5) == [1, 2, 3, 4, 5]
    assert _page_window(10, 20) == [1, 2, None, 9, 10, 11, None, 19, 20]
    assert _page_window(1, 20) == [1, 2, None, 19, 20]


@pytest.mark.parametrize(
    ("headers", "partial"),
    [
        ({}, False),
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
        ({"HX-Request": "true", "HX-Boosted": "true"}, False),
    ],
)
def test_htmx_gets_the_partial_and_history_restores_get_the_page(
    rf: RequestFactory, personas: dict[str, User], headers: dict[str, str], partial: bool
) -> None:
    request = rf.get("/org/sites/", headers=headers)
    request.user = personas["director"]
    assert wants_partial(request) is partial
    response = render_list(request, Site.objects.restrict(request.user, "view"), SPEC)
    body = response.content.decode()
    assert ("<html" not in body) is partial
    assert 'id="list-results"' in body
    assert "HX-Request" in response["Vary"]
