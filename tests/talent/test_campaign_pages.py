"""Campaign pages: the list (filters, search, sort, pages, candidates by stage for those who may see
them), one campaign's page, a new campaign with several skills, closing and reopening with a
confirmation, the hiring needs of the capacity forecast one click away from a campaign, the link from
the forecast page, and the "Recruiting" menu entry.

Pages are asked for in English (`Accept-Language: en`): the French catalogue is filled separately.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World
from demands.conftest import PATH, run
from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import WorkUnitSkill
from servicehub.core.choices import AuditEvent
from servicehub.core.models import AuditLog, User
from servicehub.demands import actions as demand_actions
from servicehub.demands.actions import LineInput
from servicehub.demands.choices import DemandState
from servicehub.demands.models import Demand
from servicehub.people.actions import do_create_skill
from servicehub.people.choices import Role, SkillFamily
from servicehub.people.models import Skill
from servicehub.planning.forecast import forecast
from servicehub.talent import actions
from servicehub.talent.choices import CampaignStatus
from servicehub.talent.hiring import ROLE, SKILL, HiringNeed, hiring_needs
from servicehub.talent.models import Campaign, CampaignSkill
from servicehub.talent.views.campaigns import candidate_board_url
from talent.conftest import Talent

LIST = reverse("talent:campaign-list")
CREATE = reverse("talent:campaign-create")
NEEDS = reverse("talent:hiring-needs")
HTMX = {"HTTP_HX_REQUEST": "true"}
CASA = ZoneInfo("Africa/Casablanca")


@pytest.fixture
def client(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _detail(campaign: Campaign) -> str:
    return reverse("talent:campaign-detail", args=[campaign.pk])


def _status(campaign: Campaign) -> str:
    return reverse("talent:campaign-status", args=[campaign.pk])


def _titles(body: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<a href="/talent/campaigns/\d+/">([^<]+)</a>', body)]


def _numbers(body: str, campaign: Campaign) -> list[int]:
    """The figures of a campaign's row: openings, then applied … hired, ended and the total."""
    start = body.index(f'<a href="{_detail(campaign)}">')
    row = body[start : body.index("</tr>", start)]
    return [int(n) for n in re.findall(r'<td class="num">(?:<strong>)?(\d+)', row)]


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _campaign(world: World, title: str, **extra: Any) -> Campaign:
    values: dict[str, Any] = {
        "site": world.rabat,
        "title": title,
        "role": Role.DEVELOPER,
        "openings": 1,
        "opens_on": dt.date(2026, 2, 1),
        "closes_on": dt.date(2026, 6, 30),
        **extra,
    }
    return actions.do_create_campaign(actor=None, **values)


def _form(site: int, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "site": site,
        "title": "Architectes cloud",
        "role": "architect",
        "openings": "3",
        "opens_on": "2026-05-01",
        "closes_on": "2026-09-30",
        "status": "open",
        "skills-TOTAL_FORMS": "4",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "20",
    }
    for n in range(4):
        data[f"skills-{n}-skill"] = ""
        data[f"skills-{n}-level"] = ""
    data.update(changes)
    return data


# --- the list ------------------------------------------------------------------------------------------


def test_a_recruiter_lists_campaigns_with_their_candidates_by_stage(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    _as(client, personas["recruiter"])
    page = client.get(LIST)
    assert page.status_code == 200
    body = page.content.decode()
    assert _titles(body) == ["Développeurs Java 2026", "Designers Casablanca"]
    # Openings, applied, screened, interview, offer, hired, rejected or withdrew, all candidates.
    assert _numbers(body, talent.campaign) == [5, 1, 1, 1, 1, 0, 0, 4]
    assert _numbers(body, talent.campaign_casa) == [2, 1, 0, 0, 0, 0, 0, 1]
    assert "Rejected or withdrew" in body and f'href="{CREATE}"' in body and f'href="{NEEDS}"' in body

    assert _titles(client.get(LIST, {"site": world.casablanca.pk}).content.decode()) == [
        "Designers Casablanca"
    ]
    assert _titles(client.get(LIST, {"role": "developer"}).content.decode()) == ["Développeurs Java 2026"]
    assert _titles(client.get(LIST, {"q": "java"}).content.decode()) == ["Développeurs Java 2026"]
    assert _titles(client.get(LIST, {"q": "casablanca"}).content.decode()) == ["Designers Casablanca"]
    closed = client.get(LIST, {"status": "closed"}).content.decode()
    assert _titles(closed) == [] and "Nothing matches" in closed
    actions.do_set_campaign_status(talent.campaign_casa, CampaignStatus.CLOSED, actor=None)
    assert _titles(client.get(LIST, {"status": "closed"}).content.decode()) == ["Designers Casablanca"]
    # A filter value outside its choices is ignored, not an error.
    assert client.get(LIST, {"status": "nonsense", "site": "x"}).status_code == 200

    most = client.get(LIST, {"sort": "candidates"}).content.decode()
    assert _titles(most) == ["Développeurs Java 2026", "Designers Casablanca"]
    least = client.get(LIST, {"sort": "-candidates"}).content.decode()
    assert _titles(least) == ["Designers Casablanca", "Développeurs Java 2026"]

    partial = client.get(LIST, {"q": "designers"}, **HTMX).content.decode()
    assert partial.lstrip().startswith('<div id="list-results"') and "<html" not in partial


def test_the_list_pages_in_a_fixed_number_of_queries(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    _as(client, personas["recruiter"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for n in range(30):
        campaign = _campaign(world, f"Campagne {n:02d}", opens_on=dt.date(2025, 1, 1) + dt.timedelta(days=n))
        actions.do_add_candidate(campaign, first_name="A", last_name="B", actor=None)
    with CaptureQueriesContext(connection) as many:
        first = client.get(LIST).content.decode()
    assert len(many) == len(few)
    assert len(_titles(first)) == 25 and "Page 1 of 2" in first
    assert len(_titles(client.get(LIST, {"page": 2}).content.decode())) == 32 - 25


def test_an_empty_list_and_who_may_open_a_campaign_from_it(
    client: Client, world: World, personas: dict[str, User]
) -> None:
    body = _as(client, personas["site_manager"]).get(LIST).content.decode()
    assert "No campaign yet" in body and f'href="{CREATE}"' in body
    body = _as(client, personas["resource_manager"]).get(LIST).content.decode()
    assert "No campaign yet" in body and f'href="{CREATE}"' not in body


def test_directors_see_campaigns_but_not_their_candidates(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    _as(client, personas["director"])
    body = client.get(LIST).content.decode()
    assert _titles(body) == ["Développeurs Java 2026", "Designers Casablanca"]
    assert "Rejected or withdrew" not in body and _numbers(body, talent.campaign) == [5]
    # No column to sort on: the default order.
    assert client.get(LIST, {"sort": "candidates"}).status_code == 200
    detail = _text(client.get(_detail(talent.campaign)))
    assert "only the recruiters and the site's managers see them" in detail
    assert "?campaign=" not in detail


def test_a_site_manager_sees_their_sites_campaigns_only(
    client: Client, world: World, personas: dict[str, User], talent: Talent, casa_manager: User
) -> None:
    _as(client, personas["site_manager"])
    body = client.get(LIST).content.decode()
    assert _titles(body) == ["Développeurs Java 2026"] and _numbers(body, talent.campaign)[-1] == 4
    assert f'<option value="{world.casablanca.pk}"' not in body
    assert client.get(_detail(talent.campaign_casa)).status_code == 404
    _as(client, casa_manager)
    assert _titles(client.get(LIST).content.decode()) == ["Designers Casablanca"]
    assert client.get(_detail(talent.campaign)).status_code == 404
    assert client.get(_status(talent.campaign), {"to": "closed"}).status_code == 404


def test_specialists_and_clients_do_not_reach_campaigns(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    _as(client, personas["specialist"])
    for url in (LIST, CREATE, NEEDS):
        assert client.get(url).status_code == 403
    for url in (_detail(talent.campaign), _status(talent.campaign)):
        assert client.get(url).status_code == 404
    _as(client, personas["client_a"])
    for url in (LIST, CREATE, NEEDS, _detail(talent.campaign), _status(talent.campaign)):
        assert client.get(url).status_code == 404
    assert client.post(_status(talent.campaign), {"status": "closed"}).status_code == 404
    talent.campaign.refresh_from_db()
    assert talent.campaign.status == CampaignStatus.OPEN


# --- one campaign --------------------------------------------------------------------------------------


def test_a_campaigns_page_shows_skills_dates_status_and_candidates_by_stage(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    page = _as(client, personas["recruiter"]).get(_detail(talent.campaign))
    assert page.status_code == 200
    body = _text(page)
    assert "<h1>Développeurs Java 2026</h1>" in body and "Developer · Rabat" in body
    assert "Java" in body and "3 / 5" in body and "Openings</dt><dd>5</dd>" in body
    assert "2026" in body and 'badge badge-ok">Open<' in body
    assert "Not opened from a hiring need" in body
    stages = dict(re.findall(r"<tr><td>([A-Za-z]+)</td><td class=\"num\">(\d+)</td></tr>", body))
    assert stages == {
        "Applied": "1",
        "Screened": "1",
        "Interview": "1",
        "Offer": "1",
        "Hired": "0",
        "Rejected": "0",
        "Withdrew": "0",
    }
    assert "<strong>4</strong>" in body
    board = candidate_board_url(talent.campaign)
    assert board.startswith("/talent/candidates/") and board.endswith(f"?campaign={talent.campaign.pk}")
    assert f'href="{board}"' in body
    assert f'href="{_status(talent.campaign)}?to=closed"' in body


def test_readers_who_may_not_change_a_campaign_get_no_button(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    _as(client, personas["delivery_lead"])
    body = client.get(_detail(talent.campaign)).content.decode()
    assert "Développeurs Java 2026" in body and _status(talent.campaign) not in body
    assert client.get(_status(talent.campaign), {"to": "closed"}).status_code == 403
    assert client.post(_status(talent.campaign), {"status": "closed"}).status_code == 403
    talent.campaign.refresh_from_db()
    assert talent.campaign.status == CampaignStatus.OPEN


# --- closing and reopening -----------------------------------------------------------------------------


def test_closing_asks_first_and_reopening_undoes_it(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    recruiter = personas["recruiter"]
    _as(client, recruiter)
    campaign = talent.campaign
    ask = client.get(_status(campaign), {"to": "closed"})
    assert ask.status_code == 200
    body = _text(ask)
    assert "It takes no more applications" in body and 'name="status" value="closed"' in body
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN  # asking changes nothing

    done = client.post(_status(campaign), {"status": "closed"}, follow=True)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert done.redirect_chain == [(_detail(campaign), 302)]
    page = _text(done)
    assert "The campaign is closed" in page and f'href="{_status(campaign)}?to=open"' in page
    assert "Reopen the campaign" in page
    assert AuditLog.objects.filter(event=AuditEvent.CAMPAIGN_STATUS_SET, actor=recruiter).count() == 1

    # Closing a closed campaign again is refused with a message, never a 500.
    again = client.post(_status(campaign), {"status": "closed"}, follow=True)
    assert again.status_code == 200 and "cannot move to that status" in _text(again)
    assert client.get(_status(campaign), {"to": "nonsense"}).status_code == 302
    assert client.get(_status(campaign)).status_code == 302

    reopen = client.get(_status(campaign), {"to": "open"})
    assert reopen.status_code == 200 and "Reopen the campaign" in _text(reopen)
    client.post(_status(campaign), {"status": "open"})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_a_draft_is_opened_or_closed(client: Client, world: World, personas: dict[str, User]) -> None:
    draft = _campaign(world, "Brouillon", status=CampaignStatus.DRAFT)
    _as(client, personas["director"])
    body = client.get(_detail(draft)).content.decode()
    assert f"{_status(draft)}?to=open" in body and f"{_status(draft)}?to=closed" in body
    client.post(_status(draft), {"status": "open"})
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.OPEN


# --- a new campaign ------------------------------------------------------------------------------------


@pytest.fixture
def aws(world: World) -> Skill:
    return do_create_skill(code="aws", name="AWS", family=SkillFamily.DEVOPS, actor=None)


def test_a_recruiter_opens_a_campaign_with_several_skills(
    client: Client, world: World, personas: dict[str, User], aws: Skill
) -> None:
    recruiter = personas["recruiter"]
    java = Skill.objects.get(code="java")
    _as(client, recruiter)
    form = client.get(CREATE)
    assert form.status_code == 200
    body = form.content.decode()
    assert 'name="skills-3-skill"' in body and f'<option value="{world.casablanca.pk}">' in body

    data = _form(
        world.rabat.pk,
        **{"skills-0-skill": java.pk, "skills-0-level": "4", "skills-2-skill": aws.pk, "skills-2-level": "2"},
    )
    response = client.post(CREATE, data)
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(campaign)
    assert (campaign.site, campaign.title, campaign.role, campaign.openings) == (
        world.rabat,
        "Architectes cloud",
        Role.ARCHITECT,
        3,
    )
    assert (campaign.opens_on, campaign.closes_on) == (dt.date(2026, 5, 1), dt.date(2026, 9, 30))
    assert campaign.status == CampaignStatus.OPEN and campaign.created_by == recruiter
    assert campaign.hiring_need is None
    assert dict(CampaignSkill.objects.filter(campaign=campaign).values_list("skill__code", "level")) == {
        "java": 4,
        "aws": 2,
    }
    assert AuditLog.objects.filter(event=AuditEvent.CAMPAIGN_CREATED, actor=recruiter).exists()

    draft = client.post(CREATE, _form(world.casablanca.pk, title="Plus tard", status="draft"))
    assert draft.status_code == 302
    assert Campaign.objects.get(title="Plus tard").status == CampaignStatus.DRAFT


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_on": "2026-04-01"}, "Closes on: The campaign closes before it opens."),
        ({"openings": "0"}, "Openings: Ensure this value is greater than or equal to 1."),
        ({"title": "", "role": ""}, "Title: This field is required."),
        ({"role": "astronaut"}, "Role: Select a valid choice."),
        ({"opens_on": "1er mai"}, "Opens on: Enter a valid date."),
        (
            {
                "skills-0-skill": "JAVA",
                "skills-0-level": "3",
                "skills-1-skill": "JAVA",
                "skills-1-level": "2",
            },
            "Java is listed twice",
        ),
        ({"skills-0-skill": "JAVA"}, "Least level 1: This field is required."),
        ({"skills-0-skill": "JAVA", "skills-0-level": "7"}, "Least level 1: Select a valid choice."),
        ({"skills-0-skill": "999999", "skills-0-level": "3"}, "Skill 1: Select a valid choice."),
        ({"skills-TOTAL_FORMS": ""}, "ManagementForm data is missing"),
    ],
)
def test_the_campaign_form_names_its_errors(
    client: Client,
    world: World,
    personas: dict[str, User],
    changes: dict[str, Any],
    message: str,
) -> None:
    java = Skill.objects.get(code="java")
    changes = {name: (java.pk if value == "JAVA" else value) for name, value in changes.items()}
    response = _as(client, personas["director"]).post(CREATE, _form(world.rabat.pk, **changes))
    assert response.status_code == 400
    assert message in _text(response)
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("key", ["resource_manager", "delivery_lead"])
def test_readers_may_not_open_campaigns(
    client: Client, world: World, personas: dict[str, User], key: str
) -> None:
    _as(client, personas[key])
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _form(world.rabat.pk)).status_code == 403
    assert not Campaign.objects.exists()


def test_a_site_manager_opens_campaigns_at_their_own_site_only(
    client: Client, world: World, personas: dict[str, User]
) -> None:
    _as(client, personas["site_manager"])
    body = client.get(CREATE).content.decode()
    sites = re.search(r'<select name="site"[^>]*>(.*?)</select>', body, re.S)
    assert sites is not None
    assert re.findall(r'<option value="(\d+)"', sites.group(1)) == [str(world.rabat.pk)]
    assert _selected(body, "site") == str(world.rabat.pk)
    refused = client.post(CREATE, _form(world.casablanca.pk))
    assert refused.status_code == 400 and "Site: Select a valid choice." in _text(refused)
    assert client.post(CREATE, _form(world.rabat.pk)).status_code == 302
    assert Campaign.objects.get().site == world.rabat


# --- hiring needs --------------------------------------------------------------------------------------

TODAY = dt.datetime(2026, 4, 20, 10, 0, tzinfo=CASA)
MONDAY = dt.date(2026, 4, 20)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def busy(world: World, frozen: None) -> Callable[..., Demand]:
    """Rabat short of developers: 50 medium screens ordered (800 h over 8 weeks) for one developer."""

    def make(state: DemandState = DemandState.ORDERED, quantity: str = "50") -> Demand:
        demand = demand_actions.do_create_demand(
            world.contract_a,
            title="Payment screens",
            lines=[LineInput(world.work_unit_a, Complexity.MEDIUM, Decimal(quantity))],
            actor=None,
        )
        for name in PATH[state]:
            run(name, demand, None)
        return demand

    make()
    return make


def _rows(user: User) -> list[tuple[Any, ...]]:
    result = forecast(user=user, start=MONDAY, weeks=12)
    rows = [(r.site.code, r.role, [(c.demand, c.capacity) for c in r.cells]) for r in result.rows]
    skills = [
        (r.site.code, r.skill, r.level, [(c.demand, c.capacity) for c in r.cells]) for r in result.skill_rows
    ]
    return [*rows, *skills]


def test_the_forecast_reads_the_same_for_a_recruiter_as_for_a_director(
    world: World, personas: dict[str, User], busy: Callable[..., Demand]
) -> None:
    """The recruiter may read every input of the forecast (sites, specialists, their skills and
    absences, contracts, demands, quotes and their events): the hiring needs need no wider access."""
    recruiter, director = personas["recruiter"], personas["director"]
    assert _rows(recruiter) == _rows(director)
    by_role, _by_skill = hiring_needs(user=recruiter, start=MONDAY)
    assert [(n.key.site.code, n.key.role) for n in by_role] == [("rabat", "developer")]


def _need(user: User, kind: str) -> HiringNeed:
    by_role, by_skill = hiring_needs(user=user, start=MONDAY)
    return (by_role if kind == ROLE else by_skill)[0]


def _hidden(body: str) -> dict[str, str]:
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(need-[a-z]+)" value="([^"]*)">', body)
    }


def _selected(body: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select is not None, name
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    return chosen.group(1) if chosen else ""


def test_a_recruiter_opens_a_campaign_from_a_hiring_need_in_one_click(
    client: Client, world: World, personas: dict[str, User], busy: Callable[..., Demand]
) -> None:
    recruiter = personas["recruiter"]
    need = _need(recruiter, ROLE)
    assert need.people > 1 and need.openings == 2  # 1.5 people or so for the worst week
    _as(client, recruiter)
    page = client.get(NEEDS)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Rabat" in body and "Developer" in body and "Open a campaign" in body
    links = [html.unescape(link) for link in re.findall(r'href="(/talent/campaigns/new/\?[^"]+)"', body)]
    assert f"{CREATE}?{need.key.query()}" in links
    role_link = next(link for link in links if "need=role" in link)

    form = client.get(role_link)
    assert form.status_code == 200
    body = form.content.decode()
    assert _selected(body, "site") == str(world.rabat.pk)
    assert _selected(body, "role") == "developer"
    assert 'name="openings" value="2"' in body
    assert 'value="Developer, Rabat"' in body
    assert "From the capacity forecast" in body
    hidden = _hidden(body)
    assert hidden == {
        "need-need": "role",
        "need-site": str(world.rabat.pk),
        "need-start": "2026-04-20",
        "need-weeks": "12",
        "need-role": "developer",
        "need-skill": "",
        "need-level": "0",
    }

    response = client.post(
        CREATE, {**_form(world.rabat.pk, title="Developer, Rabat", role="developer", openings="2"), **hidden}
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(campaign)
    assert campaign.hiring_need == need.as_json()
    assert campaign.hiring_need is not None
    assert {k: campaign.hiring_need[k] for k in ("site", "role", "skill", "level", "weeks")} == {
        "site": "rabat",
        "role": "developer",
        "skill": "",
        "level": 0,
        "weeks": 12,
    }
    assert campaign.hiring_need["shortfall_hours"] > 0 and campaign.hiring_need["people"] == float(
        need.people
    )
    detail = _text(client.get(_detail(campaign)))
    assert "The campaign was opened from the capacity forecast" in detail and "People to hire" in detail


def test_a_skill_need_fills_in_the_skill_and_its_level(
    client: Client, world: World, personas: dict[str, User], busy: Callable[..., Demand]
) -> None:
    java = Skill.objects.get(code="java")
    WorkUnitSkill.objects.create(work_unit=world.work_unit_a, skill=java, level=3)
    director = personas["director"]
    need = _need(director, SKILL)
    assert (need.key.site, need.key.skill, need.key.level) == (world.rabat, "java", 3)
    _as(client, director)
    body = client.get(NEEDS).content.decode()
    assert "Java" in body and "≥ 3" in body
    form = client.get(f"{CREATE}?{need.key.query()}").content.decode()
    assert _selected(form, "skills-0-skill") == str(java.pk)
    assert _selected(form, "skills-0-level") == "3"
    assert _selected(form, "role") == ""  # a skill row has no role: the recruiter chooses it
    assert "Java (level 3 and above), Rabat" in html.unescape(form)
    hidden = _hidden(form)
    data = _form(
        world.rabat.pk,
        role="developer",
        openings=str(need.openings),
        **{"skills-0-skill": java.pk, "skills-0-level": "3"},
    )
    assert client.post(CREATE, {**data, **hidden}).status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.hiring_need == need.as_json()
    assert campaign.hiring_need["dimension"] == "skill" and campaign.hiring_need["skill"] == "java"
    assert dict(CampaignSkill.objects.filter(campaign=campaign).values_list("skill__code", "level")) == {
        "java": 3
    }


def test_a_need_the_forecast_no_longer_shows_is_not_recorded(
    client: Client, world: World, personas: dict[str, User], busy: Callable[..., Demand]
) -> None:
    _as(client, personas["recruiter"])
    stale = f"need=role&site={world.casablanca.pk}&role=developer&start=2026-04-20&weeks=12"
    form = client.get(f"{CREATE}?{stale}")
    assert form.status_code == 200
    body = _text(form)
    assert "does not show this hiring need" in body and _hidden(body) == {}
    for broken in ("need=role&site=abc", "need=nonsense", "need=role&site=1&start=x&weeks=99"):
        assert client.get(f"{CREATE}?{broken}").status_code == 200
    hidden = {
        "need-need": "role",
        "need-site": str(world.casablanca.pk),
        "need-start": "2026-04-20",
        "need-weeks": "12",
        "need-role": "developer",
    }
    refused = client.post(CREATE, {**_form(world.casablanca.pk), **hidden})
    assert refused.status_code == 400
    text = _text(refused)
    assert "no longer shows this hiring need" in text and _hidden(text) == {}
    assert not Campaign.objects.exists()
    assert client.post(CREATE, _form(world.casablanca.pk)).status_code == 302
    assert Campaign.objects.get().hiring_need is None


def test_the_hiring_needs_page_for_each_persona(
    client: Client, world: World, personas: dict[str, User], busy: Callable[..., Demand]
) -> None:
    _as(client, personas["delivery_lead"])
    body = client.get(NEEDS).content.decode()
    assert "Rabat" in body and "Open a campaign" not in body
    _as(client, personas["site_manager"])
    body = client.get(NEEDS).content.decode()
    assert "Open a campaign" in body and f'<option value="{world.casablanca.pk}"' not in body
    refused = client.get(NEEDS, {"weeks": "0", "start": "soon"})
    assert refused.status_code == 400
    text = _text(refused)
    assert "Weeks: Ensure this value is greater than or equal to 1." in text
    assert "From the week of: Enter a valid date." in text
    far = client.get(NEEDS, {"start": "9999-12-31"})
    assert far.status_code == 400 and "From the week of: Ensure this value is less than" in _text(far)
    assert (
        client.get(f"{CREATE}?need=role&site={world.rabat.pk}&start=9999-12-31&weeks=52").status_code == 200
    )
    # Far ahead nothing is ordered yet: the empty state.
    later = client.get(NEEDS, {"start": "2027-01-04", "weeks": "4"}).content.decode()
    assert "No shortfall in these weeks" in later and "Open a campaign" not in later


def test_the_forecast_page_links_shortfall_rows_to_a_campaign(
    client: Client, world: World, personas: dict[str, User], busy: Callable[..., Demand]
) -> None:
    _as(client, personas["director"])
    page = client.get("/planning/forecast/", {"start": "2026-04-20", "weeks": "12"})
    assert page.status_code == 200
    body = page.content.decode()
    link = (
        f"{CREATE}?need=role&amp;site={world.rabat.pk}&amp;role=developer&amp;start=2026-04-20&amp;weeks=12"
    )
    assert f'href="{link}"' in body and "Open a campaign" in body
    # Casablanca is not short: no link for it.
    assert f"site={world.casablanca.pk}&amp;role=developer" not in body
    form = client.get(html.unescape(link)).content.decode()
    assert 'name="openings" value="2"' in form and _hidden(form)["need-site"] == str(world.rabat.pk)

    _as(client, personas["resource_manager"])
    body = client.get("/planning/forecast/", {"start": "2026-04-20", "weeks": "12"}).content.decode()
    assert "Open a campaign" not in body


# --- the menu ------------------------------------------------------------------------------------------


def _menu(client: Client, url: str) -> list[tuple[str, str]]:
    body = client.get(url).content.decode()
    nav = body[body.index('<nav class="mainnav"') : body.index("</nav>")]
    return re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav)  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("director", True),
        ("site_manager", True),
        ("recruiter", True),
        ("resource_manager", True),
        ("delivery_lead", True),
        ("specialist", False),
        ("client_a", False),
    ],
)
def test_recruiting_is_in_the_menu_of_those_who_may_see_it(
    client: Client, world: World, personas: dict[str, User], key: str, shown: bool
) -> None:
    _as(client, personas[key])
    links = [(href, label) for href, _current, label in _menu(client, reverse("home"))]
    assert ((LIST, "Recruiting") in links) is shown


def test_recruiting_is_the_current_section_on_talent_pages(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    _as(client, personas["recruiter"])
    for url in (_detail(talent.campaign), reverse("talent:school-list"), NEEDS):
        assert (LIST, ' aria-current="page"', "Recruiting") in _menu(client, url)
