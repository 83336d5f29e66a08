"""Recruiting through the REST API: who reaches candidates and their CVs (404 for anyone else), the stage
rules, a hire that makes a specialist, a malicious CV refused, pages of candidates, and partnerships,
campaigns and headcount with their own rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import World
from servicehub.api.actions import do_issue_token
from servicehub.api.pagination import sort_keys
from servicehub.core.models import User
from servicehub.org.actions import do_create_organisation
from servicehub.org.choices import OrganisationKind
from servicehub.people.models import Specialist
from servicehub.talent import actions
from servicehub.talent import api as talent_api
from servicehub.talent.choices import Stage
from servicehub.talent.models import Candidate, HeadcountTarget, PartnershipContact
from talent.conftest import PDF, Talent, pdf

API = "/api/v1"
Call = Callable[..., HttpResponse]

HIRE = {
    "employee_number": "RBT-9001",
    "starts_on": "2026-05-04",
    "grade": "eng",
    "hourly_cost": "150.00",
    "cost_currency": "MAD",
}


@pytest.fixture
def call(client: Client, personas: dict[str, User], casa_manager: User) -> Call:
    users = {**personas, "casa_manager": casa_manager}
    tokens = {key: do_issue_token(name="tests", actor=user)[1] for key, user in users.items()}

    def send(persona: str, method: str, path: str, body: Any = None, **headers: str) -> HttpResponse:
        sent = {
            "Authorization": f"Bearer {tokens[persona]}",
            "Accept-Language": "en",
            **{name.replace("_", "-"): value for name, value in headers.items()},
        }
        response: HttpResponse
        if method == "get":
            response = client.get(f"{API}{path}", body or {}, headers=sent)
        elif method == "upload":  # multipart, as a browser or curl -F sends a file
            response = client.post(f"{API}{path}", body or {}, headers=sent)
        else:
            data = "" if body is None else json.dumps(body)
            response = client.post(f"{API}{path}", data, content_type="application/json", headers=sent)
        return response

    return send


def fields(response: HttpResponse) -> list[str]:
    assert response.status_code == 422, response.content
    return [error["field"] for error in response.json()["errors"]]


# --- who reaches candidates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    ["client_a", "client_b", "specialist", "director", "delivery_lead", "resource_manager", "casa_manager"],
)
def test_whoever_may_not_see_rabats_candidates_gets_404_on_them_and_their_cvs(
    call: Call, talent: Talent, persona: str
) -> None:
    candidate = talent.offer
    base = f"/candidates/{candidate.pk}/"
    assert call(persona, "get", base).status_code == 404
    assert call(persona, "get", f"{base}cv/").status_code == 404
    assert call(persona, "upload", f"{base}cv/", {"cv": pdf()}).status_code == 404
    assert call(persona, "post", f"{base}move/", {"stage": "withdrew", "reason": "x"}).status_code == 404
    assert call(persona, "post", f"{base}hire/", HIRE).status_code == 404
    listed = call(persona, "get", "/candidates/", {"campaign": talent.campaign.pk})
    assert listed.status_code == 200 and listed.json()["count"] == 0
    unchanged = Candidate.objects.get(pk=candidate.pk)
    assert unchanged.stage == Stage.OFFER and unchanged.specialist_id is None
    assert not Specialist.objects.filter(employee_number="RBT-9001").exists()


@pytest.mark.parametrize("persona", ["recruiter", "site_manager"])
def test_recruiters_and_rabats_manager_read_candidates_and_download_cvs(
    call: Call, talent: Talent, persona: str
) -> None:
    candidate = talent.interview
    read = call(persona, "get", f"/candidates/{candidate.pk}/")
    assert read.status_code == 200, read.content
    body = read.json()
    assert (body["name"], body["stage"], body["email"]) == (
        "Youssef Alaoui",
        "interview",
        "youssef@example.ma",
    )
    assert (body["campaign"]["id"], body["site"]["code"]) == (talent.campaign.pk, "rabat")
    assert [(step["from_stage"], step["to_stage"]) for step in body["history"]] == [
        (None, "applied"),
        ("applied", "screened"),
        ("screened", "interview"),
    ]
    assert [(skill["code"], skill["level"]) for skill in body["skills"]] == [("java", 3)]
    assert body["cv"]["name"] == "cv-youssef.pdf" and body["cv"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["cv"]["url"] == f"{API}/candidates/{candidate.pk}/cv/" and read["ETag"]
    got = call(persona, "get", f"/candidates/{candidate.pk}/cv/")
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
    assert got["Content-Type"] == "application/pdf"
    assert got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Disposition"] == 'attachment; filename="cv-youssef.pdf"'
    assert "no-store" in got["Cache-Control"]
    assert call(persona, "get", "/candidates/", {"campaign": talent.campaign.pk}).json()["count"] == 4


def test_each_site_manager_reaches_their_own_sites_candidates_only(call: Call, talent: Talent) -> None:
    casa = f"/candidates/{talent.casa_candidate.pk}/"
    assert call("site_manager", "get", casa).status_code == 404
    assert call("casa_manager", "get", casa).status_code == 200
    assert call("casa_manager", "get", f"{casa}cv/").status_code == 200
    assert call("recruiter", "get", casa).status_code == 200
    assert call("casa_manager", "get", "/candidates/").json()["count"] == 1
    assert call("site_manager", "get", "/candidates/").json()["count"] == 4


def test_a_candidate_without_a_cv_has_none_to_download(call: Call, talent: Talent) -> None:
    created = call(
        "recruiter",
        "post",
        "/candidates/",
        {"campaign": talent.campaign.pk, "first_name": "A", "last_name": "B"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["cv"] is None and created.json()["has_cv"] is False
    assert call("recruiter", "get", f"/candidates/{created.json()['id']}/cv/").status_code == 404


# --- the stage rules -------------------------------------------------------------------------------------


def test_the_stage_rules_hold_through_the_api_and_name_the_field(call: Call, talent: Talent) -> None:
    url = f"/candidates/{talent.applied.pk}/move/"
    skipped = call("recruiter", "post", url, {"stage": "interview"})
    assert fields(skipped) == ["stage"]
    assert "moves to Screened" in skipped.json()["errors"][0]["message"]
    assert fields(call("recruiter", "post", url, {"stage": "hired"})) == ["stage"]
    assert fields(call("recruiter", "post", url, {"stage": "promoted"})) == ["stage"]
    assert fields(call("recruiter", "post", url, {"stage": "rejected", "reason": "  "})) == ["reason"]
    assert fields(call("recruiter", "post", url, {"stage": "withdrew"})) == ["reason"]

    etag = call("recruiter", "get", f"/candidates/{talent.applied.pk}/")["ETag"]
    moved = call("site_manager", "post", url, {"stage": "screened"}, If_Match=etag)
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage"] == "screened"
    assert moved.json()["history"][-1]["by"]["name"] == "site_manager"
    stale = call("recruiter", "post", url, {"stage": "interview"}, If_Match=etag)
    assert stale.status_code == 412 and stale.json()["etag"] == moved["ETag"]
    rejected = call(
        "recruiter", "post", url, {"stage": "rejected", "reason": "Profil junior"}, If_Match=moved["ETag"]
    )
    assert rejected.status_code == 200, rejected.content
    assert rejected.json()["history"][-1] == {
        **rejected.json()["history"][-1],
        "from_stage": "screened",
        "to_stage": "rejected",
        "reason": "Profil junior",
    }
    closed = call("recruiter", "post", url, {"stage": "screened"})
    assert fields(closed) == ["stage"] and "closed" in closed.json()["errors"][0]["message"]
    assert Candidate.objects.get(pk=talent.applied.pk).stage == Stage.REJECTED


def test_a_move_is_answered_once_per_key(call: Call, talent: Talent) -> None:
    url = f"/candidates/{talent.screened.pk}/move/"
    first = call("recruiter", "post", url, {"stage": "interview"}, Idempotency_Key="move-1")
    again = call("recruiter", "post", url, {"stage": "interview"}, Idempotency_Key="move-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert Candidate.objects.get(pk=talent.screened.pk).stage_changes.count() == 3


# --- hiring ----------------------------------------------------------------------------------------------


def test_hiring_an_offer_makes_a_specialist_and_answers_its_id(
    call: Call, world: World, talent: Talent
) -> None:
    url = f"/candidates/{talent.offer.pk}/hire/"
    assert fields(call("recruiter", "post", f"/candidates/{talent.interview.pk}/hire/", HIRE)) == ["stage"]
    assert fields(call("recruiter", "post", url, {**HIRE, "grade": "nope"})) == ["grade"]
    assert fields(call("recruiter", "post", url, {**HIRE, "employee_number": "E0"})) == ["employee_number"]
    assert fields(call("recruiter", "post", url, {**HIRE, "hourly_cost": "-1"})) == ["hourly_cost"]
    assert fields(call("recruiter", "post", url, {**HIRE, "skills": [{"skill": "cobol", "level": 2}]})) == [
        "skills.0.skill"
    ]
    assert not Specialist.objects.filter(employee_number="RBT-9001").exists()

    hired = call("site_manager", "post", url, HIRE, Idempotency_Key="hire-1")
    assert hired.status_code == 200, hired.content
    body = hired.json()
    specialist = Specialist.objects.get(pk=body["specialist"])
    assert body["stage"] == "hired" and body["history"][-1]["to_stage"] == "hired"
    assert (specialist.employee_number, specialist.site, specialist.role, specialist.hired_on) == (
        "RBT-9001",
        world.rabat,
        "developer",
        dt.date(2026, 5, 4),
    )
    again = call("site_manager", "post", url, HIRE, Idempotency_Key="hire-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == body and Specialist.objects.filter(employee_number="RBT-9001").count() == 1
    read = call("recruiter", "get", f"/specialists/{body['specialist']}/")
    assert read.status_code == 200 and [(s["code"], s["level"]) for s in read.json()["skills"]] == [
        ("java", 3)
    ]
    # The file is closed: no second hire.
    assert fields(call("recruiter", "post", url, {**HIRE, "employee_number": "RBT-9002"})) == ["stage"]


# --- CVs -------------------------------------------------------------------------------------------------

SCRIPTED = PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cv.pdf", SCRIPTED),
        ("cv.pdf", PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>")),
        ("cv.pdf", b"MZ\x90\x00 an executable renamed"),
        ("cv.exe", PDF),
        ("cv.pdf", b""),
    ],
)
def test_a_malicious_or_false_cv_is_refused_naming_cv_and_nothing_changes(
    call: Call, talent: Talent, name: str, content: bytes
) -> None:
    before = Candidate.objects.get(pk=talent.applied.pk)
    refused = call("recruiter", "upload", f"/candidates/{talent.applied.pk}/cv/", {"cv": pdf(name, content)})
    assert fields(refused) == ["cv"]
    after = Candidate.objects.get(pk=talent.applied.pk)
    assert (after.cv.name, after.cv_sha256) == (before.cv.name, before.cv_sha256)


def test_a_cv_is_uploaded_once_per_key_replaces_the_old_one_and_downloads(call: Call, talent: Talent) -> None:
    url = f"/candidates/{talent.applied.pk}/cv/"
    new = PDF.replace(b"595 842", b"612 792")
    answers = [
        call("site_manager", "upload", url, {"cv": pdf("Mon CV.pdf", new)}, Idempotency_Key="cv-1")
        for _ in range(2)
    ]
    assert [answer.status_code for answer in answers] == [201, 201], answers[0].content
    assert answers[0].content == answers[1].content and answers[1]["Idempotent-Replayed"] == "true"
    body = answers[0].json()
    assert body == {
        "name": "Mon_CV.pdf",
        "size": len(new),
        "sha256": hashlib.sha256(new).hexdigest(),
        "url": f"{API}{url}",
    }
    assert answers[0]["Location"] == body["url"]
    got = call("recruiter", "get", url)
    assert b"".join(got.streaming_content) == new  # type: ignore[attr-defined]
    assert 'filename="Mon_CV.pdf"' in got["Content-Disposition"]
    assert fields(call("recruiter", "upload", url, {})) == ["cv"]


# --- candidates: creation and pages ----------------------------------------------------------------------


def test_a_candidate_is_added_as_json_to_an_open_campaign(call: Call, world: World, talent: Talent) -> None:
    body = {
        "campaign": talent.campaign.pk,
        "first_name": "Nadia",
        "last_name": "Benali",
        "email": "nadia@example.ma",
        "school": talent.school.pk,
        "graduation_year": 2026,
        "skills": [{"skill": "java", "level": 2}],
        "applied_on": "2026-04-01",
    }
    created = call("recruiter", "post", "/candidates/", body, Idempotency_Key="nadia")
    assert created.status_code == 201, created.content
    made = created.json()
    assert created["Location"] == f"{API}/candidates/{made['id']}/"
    assert (made["stage"], made["applied_on"], made["school"]["code"]) == ("applied", "2026-04-01", "ecole")
    assert [(s["code"], s["level"]) for s in made["skills"]] == [("java", 2)]
    assert [step["to_stage"] for step in made["history"]] == ["applied"]
    again = call("recruiter", "post", "/candidates/", body, Idempotency_Key="nadia")
    assert again.json() == made and Candidate.objects.filter(last_name="Benali").count() == 1

    assert call("director", "post", "/candidates/", body).status_code == 403
    assert call("client_a", "post", "/candidates/", body).status_code == 403
    assert fields(call("casa_manager", "post", "/candidates/", body)) == ["campaign"]
    assert fields(call("recruiter", "post", "/candidates/", {**body, "school": world.client_a.pk})) == [
        "school"
    ]
    twice = [{"skill": "java", "level": 2}, {"skill": "java", "level": 3}]
    assert fields(call("recruiter", "post", "/candidates/", {**body, "skills": twice})) == ["skills.1.skill"]
    assert fields(call("recruiter", "post", "/candidates/", {**body, "first_name": ""})) == ["first_name"]
    assert Candidate.objects.filter(last_name="Benali").count() == 1


def test_candidates_come_in_pages_filtered_and_sorted(call: Call, world: World, talent: Talent) -> None:
    def names(params: dict[str, Any], persona: str = "recruiter") -> list[str]:
        response = call(persona, "get", "/candidates/", params)
        assert response.status_code == 200, response.content
        return [row["name"].split()[0] for row in response.json()["items"]]

    first = call("recruiter", "get", "/candidates/", {"limit": 2, "sort": "name"}).json()
    assert (first["count"], first["limit"], first["offset"]) == (5, 2, 0)
    assert names({"limit": 2, "sort": "name"}) == ["Amine", "Imane"]
    assert names({"limit": 2, "offset": 2, "sort": "name"}) == ["Omar", "Salma"]
    assert names({"limit": 2, "offset": 4, "sort": "name"}) == ["Youssef"]
    assert names({"limit": 2, "offset": 6, "sort": "name"}) == []
    assert names({"sort": "-name"})[0] == "Youssef"
    assert names({"stage": "offer"}) == ["Imane"]
    assert names({"site": world.casablanca.pk}) == ["Omar"]
    assert names({"campaign": talent.campaign.pk, "sort": "stage"}) == ["Amine", "Youssef", "Imane", "Salma"]
    assert names({"q": "salma"}) == ["Salma"]
    assert names({"site": world.casablanca.pk}, persona="site_manager") == []
    assert fields(call("recruiter", "get", "/candidates/", {"stage": "promoted"})) == ["stage"]
    assert fields(call("recruiter", "get", "/candidates/", {"sort": "email"})) == ["sort"]


def test_lists_cost_the_same_queries_whatever_their_rows(call: Call, talent: Talent) -> None:
    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as seen:
            assert call("recruiter", "get", path).status_code == 200
        return len(seen)

    paths = [
        "/candidates/",
        "/campaigns/",
        f"/candidates/{talent.applied.pk}/",
        f"/campaigns/{talent.campaign.pk}/",
    ]
    for path in paths:
        queries(path)  # the token's first use is noted once
    before = {path: queries(path) for path in paths}
    for n in range(3):
        actions.do_add_candidate(
            talent.campaign, first_name=f"N{n}", last_name="X", school=talent.school, actor=None
        )
        actions.do_create_campaign(
            site=talent.campaign.site,
            title=f"C{n}",
            role=talent.campaign.role,
            openings=1,
            opens_on=dt.date(2026, 1, 5),
            closes_on=dt.date(2026, 2, 5),
            skills={talent.java: 2},
            actor=None,
        )
    actions.do_attach_cv(talent.applied, pdf(), actor=None)
    assert {path: queries(path) for path in paths} == before


def test_every_talent_sort_key_works_on_rows(call: Call, world: World, talent: Talent) -> None:
    call(
        "director",
        "post",
        "/headcount-targets/",
        {"site": world.rabat.pk, "on": "2026-12-31", "headcount": 3},
    )
    lists = {
        "/candidates/": talent_api.CANDIDATE_SORTS,
        "/campaigns/": talent_api.CAMPAIGN_SORTS,
        "/partnerships/": talent_api.PARTNERSHIP_SORTS,
        f"/partnerships/{talent.partnership.pk}/actions/": talent_api.PARTNERSHIP_ACTION_SORTS,
        "/headcount-targets/": talent_api.TARGET_SORTS,
    }
    for path, sorts in lists.items():
        for key in sort_keys(sorts):
            response = call("recruiter", "get", path, {"sort": key})
            assert response.status_code == 200, (path, key, response.content)


# --- partnerships ----------------------------------------------------------------------------------------


def test_partnerships_with_their_contacts_and_actions(call: Call, world: World, talent: Talent) -> None:
    school = do_create_organisation(
        name="Université Mohammed V", code="um5", kind=OrganisationKind.SCHOOL, actor=None
    )
    body = {"school": school.pk, "since": "2010-09-01", "fields": "Informatique"}
    assert call("client_a", "post", "/partnerships/", body).status_code == 403
    assert call("site_manager", "post", "/partnerships/", body).status_code == 403
    created = call("recruiter", "post", "/partnerships/", body, Idempotency_Key="um5")
    assert created.status_code == 201, created.content
    partnership = created.json()
    assert created["Location"] == f"{API}/partnerships/{partnership['id']}/"
    assert partnership["school"]["code"] == "um5" and partnership["contacts"] == []
    assert fields(call("director", "post", "/partnerships/", body)) == ["school"]
    assert fields(call("director", "post", "/partnerships/", {**body, "school": world.client_b.pk})) == [
        "school"
    ]

    base = f"/partnerships/{partnership['id']}/"
    contact = {"name": "Pr. Idrissi", "title": "Doyen", "email": "idrissi@um5.ma"}
    assert call("resource_manager", "post", f"{base}contacts/", contact).status_code == 403
    assert call("client_a", "post", f"{base}contacts/", contact).status_code == 404
    added = call("recruiter", "post", f"{base}contacts/", contact)
    assert added.status_code == 201 and added.json()["name"] == "Pr. Idrissi"
    assert fields(call("recruiter", "post", f"{base}contacts/", {**contact, "email": "not an email"})) == [
        "email"
    ]
    assert PartnershipContact.objects.count() == 1
    assert [c["title"] for c in call("delivery_lead", "get", base).json()["contacts"]] == ["Doyen"]

    action = {"kind": "internships", "title": "Stages d'été", "starts_on": "2026-07-01", "people": 6}
    recorded = call("director", "post", f"{base}actions/", {**action, "site": world.rabat.pk})
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["ends_on"] == "2026-07-01" and recorded.json()["site"]["code"] == "rabat"
    call(
        "recruiter",
        "post",
        f"{base}actions/",
        {**action, "kind": "recruitment_day", "starts_on": "2026-03-10"},
    )
    late = {**action, "starts_on": "2026-07-10", "ends_on": "2026-07-01"}
    assert fields(call("recruiter", "post", f"{base}actions/", late)) == ["ends_on"]
    listed = call("site_manager", "get", f"{base}actions/").json()
    assert [row["kind"] for row in listed["items"]] == ["internships", "recruitment_day"]
    assert call("site_manager", "get", f"{base}actions/", {"kind": "internships"}).json()["count"] == 1
    assert call("client_a", "get", f"{base}actions/").status_code == 404

    listed = call("director", "get", "/partnerships/").json()
    assert {row["school"]["code"] for row in listed["items"]} == {"ecole", "um5"} and listed["count"] == 2
    assert call("director", "get", "/partnerships/", {"q": "mohammed"}).json()["count"] == 1
    assert (
        call("director", "get", "/partnerships/", {"sort": "-since"}).json()["items"][0]["id"]
        == (partnership["id"])
    )
    for outsider in ("client_a", "specialist"):
        assert call(outsider, "get", "/partnerships/").json()["count"] == 0
        assert call(outsider, "get", base).status_code == 404


# --- campaigns -------------------------------------------------------------------------------------------


def test_campaigns_open_with_skills_count_candidates_and_close(
    call: Call, world: World, talent: Talent
) -> None:
    body = {
        "site": world.rabat.pk,
        "title": "Architectes 2026",
        "role": "architect",
        "openings": 2,
        "opens_on": "2026-06-01",
        "closes_on": "2026-09-30",
        "skills": [{"skill": "java", "level": 4}],
        "hiring_need": {"site": "rabat", "role": "architect", "people": "1.6"},
    }
    created = call("site_manager", "post", "/campaigns/", body, Idempotency_Key="arch")
    assert created.status_code == 201, created.content
    campaign = created.json()
    assert created["Location"] == f"{API}/campaigns/{campaign['id']}/"
    assert (campaign["status"], campaign["hiring_need"]["people"]) == ("open", "1.6")
    assert [(s["code"], s["level"]) for s in campaign["skills"]] == [("java", 4)]
    assert {row["count"] for row in campaign["candidates"]} == {0}
    assert (
        call("site_manager", "post", "/campaigns/", {**body, "site": world.casablanca.pk}).status_code == 403
    )
    assert call("specialist", "post", "/campaigns/", body).status_code == 403
    assert fields(call("recruiter", "post", "/campaigns/", {**body, "closes_on": "2026-05-01"})) == [
        "closes_on"
    ]
    unknown = {**body, "skills": [{"skill": "cobol", "level": 2}]}
    assert fields(call("recruiter", "post", "/campaigns/", unknown)) == ["skills.0.skill"]
    assert fields(call("recruiter", "post", "/campaigns/", {**body, "status": "closed"})) == ["status"]

    read = call("recruiter", "get", f"/campaigns/{talent.campaign.pk}/")
    counts = {row["stage"]: row["count"] for row in read.json()["candidates"]}
    assert counts == {
        "applied": 1,
        "screened": 1,
        "interview": 1,
        "offer": 1,
        "hired": 0,
        "rejected": 0,
        "withdrew": 0,
    }
    # A director sees the campaign, not its candidates.
    director = call("director", "get", f"/campaigns/{talent.campaign.pk}/")
    assert director.status_code == 200 and {row["count"] for row in director.json()["candidates"]} == {0}
    assert call("client_a", "get", f"/campaigns/{talent.campaign.pk}/").status_code == 404
    assert call("site_manager", "get", f"/campaigns/{talent.campaign_casa.pk}/").status_code == 404

    def titles(persona: str, params: dict[str, Any]) -> list[str]:
        return [row["title"] for row in call(persona, "get", "/campaigns/", params).json()["items"]]

    assert titles("director", {"site": world.casablanca.pk}) == ["Designers Casablanca"]
    assert titles("site_manager", {"sort": "title"}) == ["Architectes 2026", "Développeurs Java 2026"]
    assert titles("director", {"role": "architect"}) == ["Architectes 2026"]
    assert titles("client_a", {}) == []

    url = f"/campaigns/{talent.campaign.pk}/status/"
    assert call("resource_manager", "post", url, {"status": "closed"}).status_code == 403
    assert call("casa_manager", "post", url, {"status": "closed"}).status_code == 404
    stale = call("recruiter", "post", url, {"status": "closed"}, If_Match='"stale"')
    assert stale.status_code == 412 and stale.json()["etag"] == read["ETag"]
    closed = call("recruiter", "post", url, {"status": "closed"}, If_Match=read["ETag"])
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert fields(call("recruiter", "post", url, {"status": "closed"})) == ["status"]
    assert titles("director", {"status": "closed"}) == ["Développeurs Java 2026"]
    late = {"campaign": talent.campaign.pk, "first_name": "Late", "last_name": "Comer"}
    assert fields(call("recruiter", "post", "/candidates/", late)) == ["campaign"]


# --- headcount -------------------------------------------------------------------------------------------


def test_headcount_targets_are_set_by_directors_and_their_sites_managers(call: Call, world: World) -> None:
    target = {"site": world.rabat.pk, "on": "2026-12-31", "headcount": 12, "note": "Plan 2026"}
    created = call("director", "post", "/headcount-targets/", target)
    assert created.status_code == 201, created.content
    changed = call("site_manager", "post", "/headcount-targets/", {**target, "headcount": 14})
    assert changed.status_code == 200 and changed.json()["headcount"] == 14
    assert changed.json()["id"] == created.json()["id"] and HeadcountTarget.objects.count() == 1
    casa = {**target, "site": world.casablanca.pk}
    assert call("site_manager", "post", "/headcount-targets/", casa).status_code == 403
    assert call("recruiter", "post", "/headcount-targets/", target).status_code == 403
    assert call("client_a", "post", "/headcount-targets/", target).status_code == 403
    assert fields(call("director", "post", "/headcount-targets/", {**target, "headcount": -1})) == [
        "headcount"
    ]
    assert call("director", "post", "/headcount-targets/", casa).status_code == 201
    listed = call("recruiter", "get", "/headcount-targets/", {"sort": "site"}).json()
    assert [(row["site"]["code"], row["headcount"]) for row in listed["items"]] == [
        ("casablanca", 12),
        ("rabat", 14),
    ]
    assert call("recruiter", "get", "/headcount-targets/", {"site": world.rabat.pk}).json()["count"] == 1
    assert call("recruiter", "get", "/headcount-targets/", {"from": "2027-01-01"}).json()["count"] == 0
    assert call("client_a", "get", "/headcount-targets/").json()["count"] == 0


def test_headcount_per_site_over_time_against_its_targets(call: Call, world: World, talent: Talent) -> None:
    # Each site has one specialist, hired on 2020-09-01.
    report = call("director", "get", "/headcount/", {"from": "2020-07-01", "to": "2020-10-15"})
    assert report.status_code == 200, report.content
    body = report.json()
    assert body["dates"] == ["2020-07-31", "2020-08-31", "2020-09-30", "2020-10-15"]
    by_site = {row["site"]["code"]: [p["headcount"] for p in row["points"]] for row in body["sites"]}
    assert by_site == {"rabat": [0, 0, 1, 1], "casablanca": [0, 0, 1, 1]}
    assert [p["headcount"] for p in body["total"]] == [0, 0, 2, 2]

    hired = call("recruiter", "post", f"/candidates/{talent.offer.pk}/hire/", HIRE)
    assert hired.status_code == 200, hired.content
    for on, headcount in (("2026-04-30", 1), ("2026-06-30", 5)):
        call(
            "director",
            "post",
            "/headcount-targets/",
            {"site": world.rabat.pk, "on": on, "headcount": headcount},
        )
    params = {"from": "2026-04-01", "to": "2026-06-30", "site": world.rabat.pk}
    rabat = call("site_manager", "get", "/headcount/", params).json()
    assert [row["site"]["code"] for row in rabat["sites"]] == ["rabat"]
    points = rabat["sites"][0]["points"]
    assert [(p["on"], p["headcount"], p["target"]) for p in points] == [
        ("2026-04-30", 1, 1),
        ("2026-05-31", 2, 3),  # 1 + 4 * 31/61, rounded
        ("2026-06-30", 2, 5),
    ]
    assert [(t["on"], t["headcount"]) for t in rabat["sites"][0]["targets"]] == [
        ("2026-04-30", 1),
        ("2026-06-30", 5),
    ]
    yearly = call(
        "director", "get", "/headcount/", {"from": "2024-01-01", "to": "2026-06-30", "every": "year"}
    )
    assert yearly.json()["dates"] == ["2024-12-31", "2025-12-31", "2026-06-30"]
    quarterly = call(
        "director", "get", "/headcount/", {"from": "2026-02-10", "to": "2026-09-30", "every": "quarter"}
    )
    assert quarterly.json()["dates"] == ["2026-03-31", "2026-06-30", "2026-09-30"]
    # A site manager reads their own site's people only; clients and specialists no site at all.
    assert [r["site"]["code"] for r in call("site_manager", "get", "/headcount/").json()["sites"]] == [
        "rabat"
    ]
    for outsider in ("client_a", "specialist"):
        assert call(outsider, "get", "/headcount/").json()["sites"] == []
    default = call("director", "get", "/headcount/").json()["dates"]
    assert len(default) == 12 and default[0].endswith(("-28", "-29", "-30", "-31"))
    backwards = call("director", "get", "/headcount/", {"from": "2026-06-30", "to": "2026-01-01"})
    assert fields(backwards) == ["to"] and backwards.json()["errors"][0]["location"] == "query"
    assert fields(call("director", "get", "/headcount/", {"from": "1900-01-01", "to": "2026-01-01"})) == [
        "from"
    ]
