"""Headcount per site against its targets, jobs created per year, programme objectives in jobs created,
and the headcount page: figures worked out by hand on a small Casablanca, rules checked with hypothesis,
who gets the page."""

# ruff: noqa: RUF003 (× is the right sign in the worked figures)
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import World
from servicehub.core.choices import Currency
from servicehub.core.models import User
from servicehub.org.actions import do_create_programme, do_set_objective
from servicehub.org.choices import ObjectiveMetric
from servicehub.people.actions import do_create_specialist, do_deactivate_specialist
from servicehub.people.choices import Role
from servicehub.people.models import Grade, Specialist
from servicehub.talent.actions import do_set_headcount_target
from servicehub.talent.charts import headcount_chart, nice_top
from servicehub.talent.headcount import (
    Milestone,
    Point,
    Staffing,
    YearJobs,
    headcount_on,
    jobs_objectives,
    month_ends,
    shown_sites,
    site_headcounts,
    target_on,
)

PAGE = reverse("talent:headcount")
D = dt.date


def hire(world: World, number: str, hired_on: dt.date, *, left_on: dt.date | None = None) -> Specialist:
    specialist = do_create_specialist(
        employee_number=number,
        first_name="Nour",
        last_name=number,
        site=world.casablanca,
        role=Role.DEVELOPER,
        grade=Grade.objects.get(code="eng"),
        hourly_cost=Decimal("150.00"),
        cost_currency=Currency.MAD,
        hired_on=hired_on,
        actor=None,
    )
    if left_on is not None:
        specialist = do_deactivate_specialist(specialist, left_on=left_on, actor=None)
    return specialist


@pytest.fixture
def casablanca(world: World, personas: dict[str, User]) -> World:
    """Casablanca (opened 12/12/2017): E1 hired 01/09/2020 (from the world), A on the opening day,
    B from 30/06/2018 to 31/03/2019, C from 01/01/2019 to 31/12/2019; a plan of 0 at opening, 60 by
    the end of 2018 and 180 by the end of 2020."""
    hire(world, "A", D(2017, 12, 12))
    hire(world, "B", D(2018, 6, 30), left_on=D(2019, 3, 31))
    hire(world, "C", D(2019, 1, 1), left_on=D(2019, 12, 31))
    for on, headcount in ((D(2017, 12, 12), 0), (D(2018, 12, 31), 60), (D(2020, 12, 31), 180)):
        do_set_headcount_target(world.casablanca, on=on, headcount=headcount, actor=None)
    return world


# -- the rules, by hand


def test_month_ends_run_from_the_opening_month_to_today() -> None:
    assert month_ends(D(2017, 12, 12), D(2018, 3, 15)) == [
        D(2017, 12, 31),
        D(2018, 1, 31),
        D(2018, 2, 28),
        D(2018, 3, 15),
    ]
    assert month_ends(D(2024, 1, 1), D(2024, 2, 29)) == [D(2024, 1, 31), D(2024, 2, 29)]
    assert month_ends(D(2024, 3, 5), D(2024, 3, 5)) == [D(2024, 3, 5)]
    assert month_ends(D(2024, 3, 5), D(2024, 3, 4)) == []


def test_targets_are_linear_between_milestones_flat_after_and_absent_before() -> None:
    plan = [Milestone(D(2020, 1, 1), 0), Milestone(D(2020, 1, 11), 100), Milestone(D(2020, 1, 13), 103)]
    assert target_on(plan, D(2019, 12, 31)) is None
    assert target_on(plan, D(2020, 1, 1)) == 0
    assert target_on(plan, D(2020, 1, 2)) == 10
    assert target_on(plan, D(2020, 1, 6)) == 50
    assert target_on(plan, D(2020, 1, 11)) == 100
    assert target_on(plan, D(2020, 1, 12)) == 102  # 101.5, halves up
    assert target_on(plan, D(2031, 5, 1)) == 103
    assert target_on([], D(2020, 1, 1)) is None


def test_headcount_counts_the_hired_not_yet_gone(casablanca: World, personas: dict[str, User]) -> None:
    days = [
        D(2017, 12, 11),
        D(2017, 12, 12),
        D(2018, 6, 30),
        D(2019, 3, 30),
        D(2019, 3, 31),  # B leaves: out of the headcount from that day
        D(2019, 12, 30),
        D(2019, 12, 31),
        D(2020, 9, 1),
    ]
    counts = headcount_on(personas["director"], [casablanca.casablanca], days)
    assert counts == {casablanca.casablanca.pk: [0, 1, 2, 3, 2, 2, 1, 2]}


def test_the_monthly_series_jobs_per_year_and_targets(casablanca: World, personas: dict[str, User]) -> None:
    director = personas["director"]
    reports = site_headcounts(director, D(2019, 2, 10))
    assert [r.site.code for r in reports] == ["rabat", "casablanca"]
    casa = reports[1]
    # 0 on 12/12/2017 to 60 on 31/12/2018 (384 days): 60 × 19/384 = 2.97, × 50/384 = 7.81, × 78/384 = 12.19
    assert casa.points[:4] == [
        Point(D(2017, 12, 12), 1, 0),  # the opening day, then each month's end
        Point(D(2017, 12, 31), 1, 3),
        Point(D(2018, 1, 31), 1, 8),
        Point(D(2018, 2, 28), 1, 12),
    ]
    # then to 180 on 31/12/2020 (731 days): 60 + 120 × 31/731 = 65.09, 60 + 120 × 41/731 = 66.73
    assert casa.points[-3:] == [
        Point(D(2018, 12, 31), 2, 60),
        Point(D(2019, 1, 31), 3, 65),
        Point(D(2019, 2, 10), 3, 67),
    ]
    assert len(casa.points) == 16
    assert casa.years == [YearJobs(2017, 1, 0), YearJobs(2018, 1, 0), YearJobs(2019, 1, 0)]
    later = site_headcounts(director, D(2021, 1, 1))[1]
    assert later.years[2:] == [YearJobs(2019, 1, 2), YearJobs(2020, 1, 0), YearJobs(2021, 0, 0)]
    assert (later.hired_total, later.left_total, later.net_total) == (4, 2, 2)
    assert later.today == Point(D(2021, 1, 1), 2, 180)
    assert later.today.gap == -178


def test_a_programme_objective_counts_hires_from_the_programme_start_to_its_due_date(
    casablanca: World, personas: dict[str, User]
) -> None:
    programme = do_create_programme(
        owner=casablanca.provider, name="Plan numérique", code="pn", starts_on=D(2016, 7, 1), actor=None
    )
    three = do_set_objective(
        programme,
        metric=ObjectiveMetric.JOBS_CREATED,
        target=Decimal("3"),
        due_on=D(2019, 6, 30),
        label="3 emplois à Casablanca",
        site=casablanca.casablanca,
        actor=None,
    )
    everywhere = do_set_objective(
        programme,
        metric=ObjectiveMetric.JOBS_CREATED,
        target=Decimal("10"),
        due_on=D(2030, 12, 31),
        label="10 emplois",
        actor=None,
    )
    do_set_objective(
        programme,
        metric=ObjectiveMetric.PROJECTS_DELIVERED,
        target=Decimal("5"),
        due_on=D(2030, 12, 31),
        label="5 projets",
        actor=None,
    )
    progress = jobs_objectives(personas["director"], D(2026, 9, 1))
    assert [p.objective for p in progress] == [three, everywhere]
    casa, total = progress
    # A, B and C hired in the window; B left before the due date, C after it.
    assert (casa.hired, casa.left, casa.net, casa.percent, casa.met, casa.due_passed) == (
        3,
        1,
        2,
        100,
        True,
        True,
    )
    assert (casa.counted_from, casa.counted_until) == (D(2016, 7, 1), D(2019, 6, 30))
    # Every site, up to today: the two of the world, A, B and C; B and C left.
    assert (total.hired, total.left, total.percent, total.met, total.due_passed) == (5, 2, 50, False, False)
    assert total.counted_until == D(2026, 9, 1)
    # A site manager of Rabat sees neither Casablanca's objective nor the one over every site.
    assert jobs_objectives(personas["site_manager"], D(2026, 9, 1)) == []


def test_who_sees_which_sites(casablanca: World, personas: dict[str, User]) -> None:
    assert [s.code for s in shown_sites(personas["site_manager"])] == ["rabat"]
    assert [s.code for s in shown_sites(personas["recruiter"])] == ["rabat", "casablanca"]
    # A client sees no specialist: a client's sites would show nobody (the page refuses clients anyway).
    client_sites = shown_sites(personas["client_b"])
    assert headcount_on(personas["client_b"], client_sites, [D(2026, 1, 1)]) == {
        s.pk: [0] for s in client_sites
    }


# -- the rules, in general


dates = st.dates(min_value=D(2004, 1, 1), max_value=D(2030, 12, 31))


@st.composite
def careers(draw: st.DrawFn) -> tuple[dt.date, dt.date | None]:
    hired = draw(dates)
    left = draw(st.none() | st.dates(min_value=hired, max_value=D(2031, 12, 31)))
    return hired, left


@settings(max_examples=200, deadline=None)
@given(people=st.lists(careers(), max_size=30), day=dates)
def test_the_headcount_is_everyone_hired_and_not_yet_gone(
    people: list[tuple[dt.date, dt.date | None]], day: dt.date
) -> None:
    staffing = Staffing(
        tuple(sorted(h for h, _ in people)), tuple(sorted(left for _, left in people if left))
    )
    assert staffing.on(day) == sum(
        1 for hired, left in people if hired <= day and (left is None or left > day)
    )


@settings(max_examples=200, deadline=None)
@given(
    plan=st.lists(st.tuples(dates, st.integers(0, 1000)), min_size=1, max_size=8, unique_by=lambda m: m[0]),
    day=dates,
)
def test_a_target_lies_between_the_milestones_around_it(
    plan: list[tuple[dt.date, int]], day: dt.date
) -> None:
    milestones = [Milestone(on, n) for on, n in sorted(plan)]
    target = target_on(milestones, day)
    if day < milestones[0].on:
        assert target is None
        return
    assert target is not None
    before = max((m for m in milestones if m.on <= day), key=lambda m: m.on)
    after = min((m for m in milestones if m.on >= day), key=lambda m: m.on, default=before)
    assert min(before.headcount, after.headcount) <= target <= max(before.headcount, after.headcount)


@settings(max_examples=100, deadline=None)
@given(highest=st.integers(0, 100_000))
def test_the_value_axis_covers_the_highest_value_in_at_most_six_steps(highest: int) -> None:
    top, step = nice_top(highest)
    assert top >= highest and top % step == 0
    assert top // step <= 6 or step == 1000


def test_the_chart_draws_both_series_in_its_frame() -> None:
    points = [
        Point(D(2017, 12, 31), 3, None),
        Point(D(2018, 1, 31), 10, 5),
        Point(D(2018, 2, 28), 20, 10),
        Point(D(2018, 3, 15), 30, 15),
    ]
    chart = headcount_chart(points)
    # The axis goes to 30 in steps of 5; the frame is x 48 to 744, y 248 (0) to 16 (30).
    assert [t.label for t in chart.y_ticks] == ["0", "5", "10", "15", "20", "25", "30"]
    assert chart.actual.split(" ")[0] == "48.0,224.8"  # 248 - 232 × 3/30
    assert chart.actual.split(" ")[-1] == "744.0,16.0"
    # No target on the first day: the dashed line starts at the second point.
    assert len(chart.target) == 1 and chart.target[0].split(" ")[0].endswith(",209.3")  # 248 - 232 × 5/30
    assert [t.label for t in chart.x_ticks] == ["2018"]


# -- the page


@pytest.mark.parametrize(
    "key", ["director", "site_manager", "delivery_lead", "resource_manager", "recruiter"]
)
def test_the_provider_managers_and_recruiters_get_the_page_in_french(
    client: Client, casablanca: World, personas: dict[str, User], key: str
) -> None:
    client.force_login(personas[key])
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "janvier 2004" in html  # Rabat's chart described with French month names
    sites = [report.site.code for report, _ in response.context["reports"]]
    assert sites == (["rabat"] if key == "site_manager" else ["rabat", "casablanca"])
    # The chart is an accessible image with its figures in a table.
    assert 'role="img"' in html and '<title id="chart-rabat-title">' in html and "<desc" in html
    assert 'data-table="monthly"' in html


def test_the_page_shows_casablanca_against_its_plan_and_its_objective(
    client: Client, casablanca: World, personas: dict[str, User]
) -> None:
    programme = do_create_programme(
        owner=casablanca.provider, name="Plan numérique", code="pn", starts_on=D(2016, 7, 1), actor=None
    )
    do_set_objective(
        programme,
        metric=ObjectiveMetric.JOBS_CREATED,
        target=Decimal("4"),
        due_on=D(2020, 12, 31),
        label="4 emplois à Casablanca",
        site=casablanca.casablanca,
        actor=None,
    )
    client.force_login(personas["director"])
    html = client.get(PAGE).content.decode()
    assert "4 emplois à Casablanca" in html and "Emplois créés" in html and "Progression" in html
    assert 'data-figure="jobs-created">4<' in html
    assert "Tous les sites" not in html  # the objective names its site
    section = html[html.index('id="site-casablanca"') :]
    assert 'data-figure="headcount">2<' in section and 'data-figure="target">180<' in section
    assert '<tr data-year="2019">' in section
    assert "décembre 2017" in section  # the chart's description, with French month names


def test_a_specialist_is_refused(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["specialist"])
    assert client.get(PAGE).status_code == 403


@pytest.mark.parametrize("key", ["client_a", "client_b"])
def test_clients_do_not_know_the_page_exists(client: Client, personas: dict[str, User], key: str) -> None:
    client.force_login(personas[key])
    assert client.get(PAGE).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, world: World) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_page_reads_a_fixed_number_of_queries(
    client: Client, casablanca: World, personas: dict[str, User]
) -> None:
    client.force_login(personas["director"])
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    for n in range(20):
        hire(
            casablanca, f"X{n}", D(2018 + n % 5, 1 + n % 12, 1), left_on=D(2025, 1, 1) if n % 3 == 0 else None
        )
    with CaptureQueriesContext(connection) as many:
        client.get(PAGE)
    assert len(many) == len(few)
