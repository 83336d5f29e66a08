"""Partner school pages: the list (search, sort, pages, empty state), one partnership's page, the forms
(a partnership, a contact, an action) with their errors named by field, and who sees and changes what.

Pages are asked for in English (`Accept-Language: en`): the French catalogue is filled separately.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World
from servicehub.core.choices import AuditEvent
from servicehub.core.models import AuditLog, User
from servicehub.org.actions import do_create_organisation
from servicehub.org.choices import OrganisationKind
from servicehub.org.models import Organisation
from servicehub.talent import actions
from servicehub.talent.choices import PartnershipActionKind
from servicehub.talent.models import Partnership, PartnershipAction, PartnershipContact
from talent.conftest import Talent

LIST = reverse("talent:school-list")
CREATE = reverse("talent:school-create")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _detail(partnership: Partnership) -> str:
    return reverse("talent:school-detail", args=[partnership.pk])


def _school(name: str, city: str = "Rabat") -> Organisation:
    code = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return do_create_organisation(name=name, code=code, kind=OrganisationKind.SCHOOL, city=city, actor=None)


def _partner(
    world: World, name: str, city: str = "Rabat", since: dt.date = dt.date(2015, 9, 1)
) -> Partnership:
    return actions.do_create_partnership(
        provider=world.provider, school=_school(name, city), since=since, actor=None
    )


def _names(body: str) -> list[str]:
    """The schools the results table lists, in order."""
    return [html.unescape(name) for name in re.findall(r'<a href="/talent/schools/\d+/">([^<]+)</a>', body)]


def test_the_list_searches_by_name_and_city_sorts_and_pages(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    _partner(world, "Université Mohammed V", "Rabat", dt.date(2010, 1, 1))
    _partner(world, "INPT", "Rabat", dt.date(2018, 1, 1))
    _partner(world, "ENSA Fès", "Fès", dt.date(2012, 1, 1))
    _as(client, personas["recruiter"])

    page = client.get(LIST)
    assert page.status_code == 200
    body = page.content.decode()
    assert _names(body) == ["ENSA Fès", "INPT", "Université Mohammed V", "École d'ingénieurs"]
    assert f'href="{CREATE}"' in body

    by_city = client.get(LIST, {"q": "fès"}).content.decode()
    assert _names(by_city) == ["ENSA Fès"]
    by_name = client.get(LIST, {"q": "mohammed"}).content.decode()
    assert _names(by_name) == ["Université Mohammed V"]
    nothing = client.get(LIST, {"q": "sorbonne"}).content.decode()
    assert _names(nothing) == [] and "Nothing matches" in nothing

    oldest_first = client.get(LIST, {"sort": "since"}).content.decode()
    assert _names(oldest_first) == ["École d'ingénieurs", "Université Mohammed V", "ENSA Fès", "INPT"]
    newest_first = client.get(LIST, {"sort": "-since"}).content.decode()
    assert _names(newest_first)[0] == "INPT"
    assert _names(client.get(LIST, {"sort": "nonsense"}).content.decode())[0] == "ENSA Fès"

    # htmx asks for the results alone.
    partial = client.get(LIST, {"q": "inpt"}, **HTMX).content.decode()
    assert partial.lstrip().startswith('<div id="list-results"') and "<html" not in partial
    assert _names(partial) == ["INPT"]


def test_the_list_pages_in_a_fixed_number_of_queries(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    _as(client, personas["director"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for n in range(30):
        partnership = _partner(world, f"School {n:02d}")
        actions.do_add_partnership_contact(partnership, name="Contact", actor=None)
        actions.do_record_partnership_action(
            partnership,
            kind=PartnershipActionKind.INTERNSHIPS,
            title="Stages",
            starts_on=dt.date(2026, 2, 1),
            actor=None,
        )
    with CaptureQueriesContext(connection) as many:
        first = client.get(LIST).content.decode()
    assert len(many) == len(few)
    assert len(_names(first)) == 25 and "Page 1 of 2" in first
    second = client.get(LIST, {"page": 2}).content.decode()
    assert len(_names(second)) == 31 - 25
    assert client.get(LIST, {"page": "zzz"}).status_code == 200


def test_an_empty_list_says_what_a_partnership_is_and_offers_one_to_those_who_may(
    client: Client, world: World, personas: dict[str, User]
) -> None:
    body = _as(client, personas["recruiter"]).get(LIST).content.decode()
    assert "No partner school yet" in body and f'href="{CREATE}"' in body
    body = _as(client, personas["site_manager"]).get(LIST).content.decode()
    assert "No partner school yet" in body and f'href="{CREATE}"' not in body


def test_a_partnerships_page_shows_its_contacts_and_what_was_done(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    partnership = talent.partnership
    actions.do_add_partnership_contact(
        partnership,
        name="Nadia Bennani",
        title="Directrice des stages",
        email="n.bennani@ecole.ma",
        actor=None,
    )
    actions.do_record_partnership_action(
        partnership,
        kind=PartnershipActionKind.INTERNSHIPS,
        title="Stages de fin d'études 2026",
        site=world.rabat,
        starts_on=dt.date(2026, 2, 2),
        ends_on=dt.date(2026, 7, 31),
        people=12,
        actor=None,
    )
    actions.do_record_partnership_action(
        partnership,
        kind=PartnershipActionKind.RECRUITMENT_DAY,
        title="Forum entreprises",
        starts_on=dt.date(2026, 3, 12),
        people=140,
        actor=None,
    )
    page = _as(client, personas["recruiter"]).get(_detail(partnership))
    assert page.status_code == 200
    body = html.unescape(page.content.decode())
    assert "<h1>École d'ingénieurs</h1>" in body
    assert re.search(r"Partner since [^<]*2005", body) and "Génie logiciel" in body
    assert "Nadia Bennani" in body and "Directrice des stages" in body and "mailto:n.bennani@ecole.ma" in body
    # The latest first, each with its dates, kind, site and people.
    assert body.index("Forum entreprises") < body.index("Stages de fin d'études 2026")
    assert "Recruitment day" in body and "Internships" in body
    assert "Rabat" in body and ">12<" in body and ">140<" in body
    assert reverse("talent:school-contact-add", args=[partnership.pk]) in body
    assert reverse("talent:school-action-add", args=[partnership.pk]) in body


def test_a_recruiter_records_a_partnership_a_contact_and_an_action(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    recruiter = personas["recruiter"]
    school = _school("EMSI", "Casablanca")
    _as(client, recruiter)
    form = client.get(CREATE).content.decode()
    # Schools that are not partners yet: EMSI, not the École d'ingénieurs.
    assert f'<option value="{school.pk}">EMSI</option>' in form
    assert f'value="{talent.school.pk}"' not in form

    response = client.post(
        CREATE, {"school": school.pk, "since": "2024-10-01", "study_fields": "Informatique"}
    )
    partnership = Partnership.objects.get(school=school)
    assert response.status_code == 302 and response["Location"] == _detail(partnership)
    assert partnership.provider == world.provider and partnership.since == dt.date(2024, 10, 1)
    assert partnership.fields == "Informatique"
    assert AuditLog.objects.filter(event=AuditEvent.PARTNERSHIP_CREATED, actor=recruiter).exists()

    contact_url = reverse("talent:school-contact-add", args=[partnership.pk])
    refused = client.post(contact_url, {"name": "", "email": "not-an-email"})
    assert refused.status_code == 400
    text = html.unescape(refused.content.decode())
    assert "Name: This field is required." in text and "Email: Enter a valid email address." in text
    done = client.post(contact_url, {"name": "Karim Idrissi", "email": "k.idrissi@emsi.ma", "phone": "0522"})
    assert done.status_code == 302 and done["Location"] == _detail(partnership) + "#contacts"
    assert PartnershipContact.objects.get(partnership=partnership).name == "Karim Idrissi"

    action_url = reverse("talent:school-action-add", args=[partnership.pk])
    form = client.get(action_url).content.decode()
    assert "Joint project" in form and "Casablanca" in form
    backwards = {
        "kind": "project",
        "title": "Application mobile",
        "site": world.casablanca.pk,
        "starts_on": "2026-05-10",
        "ends_on": "2026-05-01",
        "people": "4",
    }
    refused = client.post(action_url, backwards)
    assert refused.status_code == 400
    assert "Until: The end comes before the start." in html.unescape(refused.content.decode())
    refused = client.post(action_url, {**backwards, "kind": "party", "people": "-1", "ends_on": ""})
    text = html.unescape(refused.content.decode())
    assert refused.status_code == 400 and "Kind: Select a valid choice." in text and "People: " in text
    done = client.post(action_url, {**backwards, "ends_on": "2026-06-30"})
    assert done.status_code == 302 and done["Location"] == _detail(partnership) + "#actions"
    action = PartnershipAction.objects.get(partnership=partnership)
    assert (action.kind, action.site, action.people) == ("project", world.casablanca, 4)
    assert action.ends_on == dt.date(2026, 6, 30)
    # A single day when the end is left empty.
    client.post(action_url, {**backwards, "title": "Journée portes ouvertes", "ends_on": ""})
    one_day = PartnershipAction.objects.get(title="Journée portes ouvertes")
    assert one_day.ends_on == one_day.starts_on


def test_the_partnership_form_names_its_errors(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    _as(client, personas["director"])
    refused = client.post(CREATE, {"school": "", "since": "yesterday"})
    assert refused.status_code == 400
    text = html.unescape(refused.content.decode())
    assert "School: This field is required." in text and "Partner since: Enter a valid date." in text
    # Already a partner: not a choice (the action would refuse it too).
    refused = client.post(CREATE, {"school": talent.school.pk, "since": "2020-01-01"})
    assert refused.status_code == 400 and "School: Select a valid choice." in html.unescape(
        refused.content.decode()
    )
    # A client organisation is no school.
    refused = client.post(CREATE, {"school": world.client_a.pk, "since": "2020-01-01"})
    assert refused.status_code == 400
    assert Partnership.objects.count() == 1


def test_when_every_school_is_a_partner_the_form_says_so(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    body = _as(client, personas["recruiter"]).get(CREATE).content.decode()
    assert "No school to choose" in body and "<form" not in body.split('id="main"')[1].split("</main>")[0]


@pytest.mark.parametrize("key", ["site_manager", "resource_manager", "delivery_lead"])
def test_other_managers_read_partnerships_without_changing_them(
    client: Client, world: World, personas: dict[str, User], talent: Talent, key: str
) -> None:
    partnership = talent.partnership
    _as(client, personas[key])
    assert "École d" in client.get(LIST).content.decode()
    body = client.get(_detail(partnership)).content.decode()
    assert "Génie logiciel" in body
    assert reverse("talent:school-action-add", args=[partnership.pk]) not in body
    assert f'href="{CREATE}"' not in client.get(LIST).content.decode()
    assert client.get(CREATE).status_code == 403
    assert client.get(reverse("talent:school-contact-add", args=[partnership.pk])).status_code == 403
    refused = client.post(
        reverse("talent:school-action-add", args=[partnership.pk]),
        {"kind": "project", "title": "x", "starts_on": "2026-01-01", "people": "1"},
    )
    assert refused.status_code == 403
    assert not PartnershipAction.objects.exists()


def test_specialists_clients_and_another_provider_do_not_reach_partnerships(
    client: Client, world: World, personas: dict[str, User], talent: Talent
) -> None:
    partnership = talent.partnership
    urls = [
        _detail(partnership),
        reverse("talent:school-contact-add", args=[partnership.pk]),
        reverse("talent:school-action-add", args=[partnership.pk]),
    ]
    _as(client, personas["specialist"])
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    for url in urls:
        assert client.get(url).status_code == 404
    _as(client, personas["client_a"])
    for url in [LIST, CREATE, *urls]:
        assert client.get(url).status_code == 404
    # Another provider's partnership with the same school is not the director's business.
    other = do_create_organisation(
        name="Other provider", code="other", kind=OrganisationKind.PROVIDER, actor=None
    )
    theirs = actions.do_create_partnership(
        provider=other, school=talent.school, since=dt.date(2020, 1, 1), actor=None
    )
    _as(client, personas["director"])
    assert client.get(_detail(theirs)).status_code == 404
    assert (
        client.post(reverse("talent:school-contact-add", args=[theirs.pk]), {"name": "X"}).status_code == 404
    )
    assert "École d" in client.get(LIST).content.decode()
    assert _names(client.get(LIST).content.decode()) == ["École d'ingénieurs"]
    assert not PartnershipContact.objects.exists()
