"""The recruiting funnel: stage counts and rates from the stage history, per school and per campaign,
time to hire; worked out by hand on the talent fixture, rules checked with hypothesis; who gets the page."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import World
from servicehub.core import clock
from servicehub.core.choices import Currency
from servicehub.core.models import User
from servicehub.people.models import Grade
from servicehub.talent import actions
from servicehub.talent.choices import PIPELINE, Stage
from servicehub.talent.funnel import Candidacy, funnel_of, funnel_report, furthest_step
from servicehub.talent.models import Campaign, Candidate
from talent.conftest import Talent

PAGE = reverse("talent:funnel")
CASABLANCA = ZoneInfo("Africa/Casablanca")


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=CASABLANCA)


def hire(candidate: Candidate, on: dt.date, number: str) -> None:
    for step in PIPELINE[PIPELINE.index(Stage(candidate.stage)) + 1 : -1]:
        candidate = actions.do_move_candidate(candidate, step, actor=None)
    with clock.replaying_at(at(on)):
        actions.do_hire_candidate(
            candidate,
            employee_number=number,
            starts_on=on + dt.timedelta(days=30),
            grade=Grade.objects.get(code="eng"),
            hourly_cost=Decimal("150.00"),
            cost_currency=Currency.MAD,
            actor=None,
        )


def apply(
    campaign: Campaign, first: str, applied_on: dt.date, talent: Talent, *, school: bool = True
) -> Candidate:
    return actions.do_add_candidate(
        campaign,
        first_name=first,
        last_name="Bennani",
        school=talent.school if school else None,
        applied_on=applied_on,
        actor=None,
    )


@pytest.fixture
def outcomes(talent: Talent) -> Talent:
    """The fixture's Rabat campaign played on: Salma (screened) withdraws, Youssef (interview) is
    rejected, Imane (offer, applied 02/03/2026) is hired on 01/04/2026; Hamza (no school) applies on
    02/03/2026 and is hired on 12/03/2026, Sara applies on 05/01/2026 and is hired on 26/03/2026.
    Amine (applied) and Omar (Casablanca, applied) are still in progress."""
    actions.do_move_candidate(talent.screened, Stage.WITHDREW, reason="Autre offre", actor=None)
    actions.do_move_candidate(talent.interview, Stage.REJECTED, reason="Entretien", actor=None)
    hire(talent.offer, dt.date(2026, 4, 1), "H1")
    hire(
        apply(talent.campaign, "Hamza", dt.date(2026, 3, 2), talent, school=False), dt.date(2026, 3, 12), "H2"
    )
    hire(apply(talent.campaign, "Sara", dt.date(2026, 1, 5), talent), dt.date(2026, 3, 26), "H3")
    return talent


def reached(funnel: object) -> list[int]:
    return [step.reached for step in funnel.steps]  # type: ignore[attr-defined]


# -- by hand


def test_the_recruiter_sees_every_stage_reached_and_the_rates(
    outcomes: Talent, personas: dict[str, User]
) -> None:
    report = funnel_report(personas["recruiter"])
    overall = report.overall
    # 7 applied; Salma, Youssef, Imane, Hamza, Sara were screened; all but Salma interviewed; …
    assert reached(overall) == [7, 5, 4, 3, 3]
    assert [step.rate for step in overall.steps] == [
        None,
        Decimal("71.4"),
        Decimal("80.0"),
        Decimal("75.0"),
        Decimal("100.0"),
    ]
    assert [step.share for step in overall.steps] == [
        Decimal("100.0"),
        Decimal("71.4"),
        Decimal("57.1"),
        Decimal("42.9"),
        Decimal("42.9"),
    ]
    assert (overall.rejected, overall.withdrew, overall.in_progress) == (1, 1, 2)
    assert overall.hire_rate == Decimal("42.9")
    # 30, 10 and 80 days from application to hire.
    assert overall.time_to_hire.hires == 3
    assert overall.time_to_hire.median_days == Decimal("30.0")
    assert overall.time_to_hire.mean_days == Decimal("40.0")


def test_per_school_and_per_campaign(outcomes: Talent, personas: dict[str, User]) -> None:
    report = funnel_report(personas["recruiter"])
    assert [(school, reached(f)) for school, f in report.by_school] == [
        (outcomes.school, [6, 4, 3, 2, 2]),
        (None, [1, 1, 1, 1, 1]),
    ]
    # The latest campaign first: both opened on 05/01/2026, Casablanca's was created second.
    assert [(campaign, reached(f)) for campaign, f in report.by_campaign] == [
        (outcomes.campaign_casa, [1, 0, 0, 0, 0]),
        (outcomes.campaign, [6, 5, 4, 3, 3]),
    ]
    rabat = report.by_campaign[1][1]
    assert rabat.steps[1].rate == Decimal("83.3") and rabat.time_to_hire.median_days == Decimal("30.0")
    assert report.by_campaign[0][1].steps[1].rate == Decimal("0.0")
    assert report.by_campaign[0][1].steps[2].rate is None  # nobody reached the stage before


def test_filters(outcomes: Talent, personas: dict[str, User], world: World) -> None:
    recruiter = personas["recruiter"]
    assert reached(funnel_report(recruiter, school=outcomes.school).overall) == [6, 4, 3, 2, 2]
    assert reached(funnel_report(recruiter, campaign=outcomes.campaign_casa).overall) == [1, 0, 0, 0, 0]
    assert reached(funnel_report(recruiter, site=world.rabat).overall) == [6, 5, 4, 3, 3]
    march = funnel_report(recruiter, applied_from=dt.date(2026, 3, 1), applied_until=dt.date(2026, 3, 31))
    assert reached(march.overall) == [6, 4, 3, 2, 2]  # all but Sara
    assert march.overall.time_to_hire.median_days == Decimal("20.0")  # 30 and 10 days


def test_site_managers_see_their_site_and_others_see_nothing(
    outcomes: Talent, personas: dict[str, User], casa_manager: User
) -> None:
    assert reached(funnel_report(personas["site_manager"]).overall) == [6, 5, 4, 3, 3]
    assert reached(funnel_report(casa_manager).overall) == [1, 0, 0, 0, 0]
    for key in ("director", "resource_manager", "specialist", "client_a"):
        assert reached(funnel_report(personas[key]).overall) == [0, 0, 0, 0, 0]


# -- in general

candidacy = st.builds(
    lambda furthest, end, days: Candidacy(
        pk=0,
        school_id=None,
        campaign_id=1,
        stage=(Stage.HIRED if furthest == len(PIPELINE) - 1 else (end or PIPELINE[furthest])),
        applied_on=dt.date(2026, 1, 1),
        furthest=furthest,
        hired_on=dt.date(2026, 1, 1) + dt.timedelta(days=days) if furthest == len(PIPELINE) - 1 else None,
    ),
    st.integers(0, len(PIPELINE) - 1),
    st.sampled_from([None, Stage.REJECTED, Stage.WITHDREW]),
    st.integers(0, 365),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(candidacy, max_size=40))
def test_counts_never_increase_along_the_pipeline(candidacies: list[Candidacy]) -> None:
    funnel = funnel_of(candidacies)
    counts = reached(funnel)
    assert counts[0] == len(candidacies)
    assert all(later <= earlier for earlier, later in itertools.pairwise(counts))
    assert all(step.rate is None or Decimal(0) <= step.rate <= Decimal(100) for step in funnel.steps)
    assert funnel.hired + funnel.rejected + funnel.withdrew + funnel.in_progress == len(candidacies)
    hires = funnel.time_to_hire
    assert hires.hires == funnel.hired
    if hires.hires:
        assert hires.median_days is not None and hires.mean_days is not None
        assert 0 <= hires.median_days <= 365 and 0 <= hires.mean_days <= 365


@settings(max_examples=200, deadline=None)
@given(
    stage=st.sampled_from(list(Stage)),
    history=st.lists(st.sampled_from(list(Stage)), max_size=8),
)
def test_the_furthest_step_is_the_furthest_pipeline_stage_seen(stage: Stage, history: list[Stage]) -> None:
    step = furthest_step(stage, history)
    seen = [PIPELINE.index(s) for s in (stage, *history) if s in PIPELINE]
    assert step == max(seen, default=0)


# -- the page


@pytest.mark.parametrize("key", ["recruiter", "site_manager"])
def test_recruiters_and_site_managers_get_the_page_in_french(
    client: Client, outcomes: Talent, personas: dict[str, User], key: str
) -> None:
    client.force_login(personas[key])
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert (
        "Candidature reçue" in html and "Recruté" in html and "Afficher" in html and "Tous les sites" in html
    )
    assert 'data-figure="applied">{}<'.format(7 if key == "recruiter" else 6) in html
    assert 'data-figure="median-days">' in html


@pytest.mark.parametrize("key", ["director", "delivery_lead", "resource_manager", "specialist"])
def test_other_provider_staff_are_refused(
    client: Client, outcomes: Talent, personas: dict[str, User], key: str
) -> None:
    client.force_login(personas[key])
    assert client.get(PAGE).status_code == 403


@pytest.mark.parametrize("key", ["client_a", "client_b"])
def test_clients_do_not_know_the_page_exists(client: Client, personas: dict[str, User], key: str) -> None:
    client.force_login(personas[key])
    assert client.get(PAGE).status_code == 404


def test_filters_on_the_page(client: Client, outcomes: Talent, personas: dict[str, User]) -> None:
    client.force_login(personas["recruiter"])
    response = client.get(PAGE, {"campaign": outcomes.campaign_casa.pk})
    assert response.context["report"].overall.applied == 1
    response = client.get(PAGE, {"applied_from": "2026-04-01", "applied_until": "2026-03-01"})
    assert response.status_code == 200 and response.context["report"] is None
    # A campaign of another site is not a choice for Rabat's manager.
    client.force_login(personas["site_manager"])
    response = client.get(PAGE, {"campaign": outcomes.campaign_casa.pk})
    assert response.context["report"] is None and "campaign" in response.context["filters"].errors


def test_the_page_reads_a_fixed_number_of_queries(
    client: Client, outcomes: Talent, personas: dict[str, User]
) -> None:
    client.force_login(personas["recruiter"])
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    campaign = actions.do_create_campaign(
        site=outcomes.campaign.site,
        title="Designers 2027",
        role=outcomes.campaign.role,
        openings=1,
        opens_on=dt.date(2026, 6, 1),
        closes_on=dt.date(2026, 12, 31),
        actor=None,
    )
    for n in range(10):
        made = apply(campaign, f"Nom{n}", dt.date(2026, 6, 2), outcomes, school=n % 2 == 0)
        if n % 3 == 0:
            actions.do_move_candidate(made, Stage.SCREENED, actor=None)
    with CaptureQueriesContext(connection) as many:
        client.get(PAGE)
    assert len(many) == len(few)
