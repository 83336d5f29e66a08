"""The candidate pages: the board and its quick moves, a candidate's page with its forms, a new
candidate, the CV download — and that nobody but recruiters and the managers of the campaign's site
reaches a candidate, by a page or by the CV.

Pages render in French by default; the actions' messages are asserted in French, the pages' own
text with `Accept-Language: en` (its French comes with the catalogue)."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from conftest import World
from servicehub.core.models import User
from servicehub.people.models import Grade, Specialist
from servicehub.talent import actions, cv
from servicehub.talent.choices import Stage
from servicehub.talent.models import Candidate, StageChange
from talent.conftest import PDF, Talent, pdf

BOARD = reverse("talent:candidate-board")
NEW = reverse("talent:candidate-new")
HTMX = {"HTTP_HX_REQUEST": "true"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
# A CV that opens a script when read: refused whatever page it comes through.
SCRIPTED = PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>")

#: Who never reaches Rabat's candidates, and who does.
OUTSIDERS = [
    "client_a",
    "client_b",
    "specialist",
    "director",
    "delivery_lead",
    "resource_manager",
    "casa_manager",
]
HANDLERS = ["recruiter", "site_manager"]


@pytest.fixture
def users(personas: dict[str, User], casa_manager: User) -> dict[str, User]:
    return {**personas, "casa_manager": casa_manager}


def _login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _detail(candidate: Candidate) -> str:
    return reverse("talent:candidate-detail", args=[candidate.pk])


def _move(candidate: Candidate) -> str:
    return reverse("talent:candidate-move", args=[candidate.pk])


def _hire(candidate: Candidate) -> str:
    return reverse("talent:candidate-hire", args=[candidate.pk])


def _cv(candidate: Candidate) -> str:
    return reverse("talent:candidate-cv", args=[candidate.pk])


def _upload(candidate: Candidate) -> str:
    return reverse("talent:candidate-cv-upload", args=[candidate.pk])


MOVES_TO = "From %(current)s the candidate moves to %(next)s, or is rejected or withdraws."


def _fr(message: str, **params: Any) -> str:
    """An action's message as the French catalogue has it (its spaces are the typographer's)."""
    with translation.override("fr"):
        return html.escape(gettext(message) % {name: str(value) for name, value in params.items()})


def _stored_cvs() -> list[str]:
    storage = cv.storage()
    return sorted(storage.listdir("cv")[1]) if storage.exists("cv") else []


def _hire_data(**changes: str) -> dict[str, str]:
    data = {
        "employee_number": "RBT-9001",
        "starts_on": "2026-05-06",
        "grade": str(Grade.objects.get(code="eng").pk),
        "hourly_cost": "150,50",
        "cost_currency": "MAD",
        "weekly_hours": "44",
        "site": "",
        "role": "developer",
    }
    data.update(changes)
    return data


# --- who sees what ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", OUTSIDERS)
def test_outsiders_get_404_on_rabat_candidates_pages_and_cv(
    client: Client, talent: Talent, users: dict[str, User], world: World, key: str
) -> None:
    _login(client, users[key])
    for candidate in (talent.applied, talent.offer):
        for url in (_detail(candidate), _cv(candidate), _upload(candidate)):
            assert client.get(url).status_code == 404, url
        assert client.post(_move(candidate), {"to_stage": "rejected", "reason": "x"}).status_code == 404
        assert client.post(_upload(candidate), {"cv": pdf()}).status_code == 404
    assert client.post(_hire(talent.offer), _hire_data(site=str(world.rabat.pk))).status_code == 404
    # Nothing moved, nothing hired, no CV replaced.
    assert Candidate.objects.get(pk=talent.applied.pk).stage == Stage.APPLIED
    assert Candidate.objects.get(pk=talent.offer.pk).specialist is None
    assert Candidate.objects.get(pk=talent.applied.pk).cv.name == talent.applied.cv.name
    board = client.get(BOARD, {"campaign": talent.campaign.pk})
    if key == "casa_manager":
        # Their own site's board, without a trace of Rabat's candidates even when asked for them.
        page = board.content.decode()
        assert board.status_code == 200
        assert "Omar Alaoui" in page
        for name in ("Amine", "Salma", "Youssef", "Imane"):
            assert name not in page
        assert talent.campaign.title not in page
    else:
        assert board.status_code == 404
        assert client.get(NEW).status_code == 404


@pytest.mark.parametrize("key", HANDLERS)
def test_recruiters_and_the_sites_manager_reach_rabat_candidates(
    client: Client, talent: Talent, users: dict[str, User], key: str
) -> None:
    _login(client, users[key])
    page = client.get(BOARD).content.decode()
    for name in ("Amine Alaoui", "Salma Alaoui", "Youssef Alaoui", "Imane Alaoui"):
        assert name in page
    # The Rabat manager sees Rabat only; a recruiter every site.
    assert ("Omar Alaoui" in page) is (key == "recruiter")
    detail = client.get(_detail(talent.applied))
    assert detail.status_code == 200
    assert "amine@example.ma" in detail.content.decode()
    assert client.get(_cv(talent.applied)).status_code == 200
    assert client.get(_upload(talent.applied)).status_code == 200
    assert client.get(NEW).status_code == 200


def test_the_anonymous_visitor_is_sent_to_sign_in(client: Client, talent: Talent) -> None:
    for url in (BOARD, NEW, _detail(talent.applied), _cv(talent.applied)):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


# --- the CV -----------------------------------------------------------------------------------------------


def test_the_cv_downloads_as_a_pdf_attachment_never_sniffed(
    client: Client, talent: Talent, personas: dict[str, User]
) -> None:
    _login(client, personas["recruiter"])
    page = client.get(_detail(talent.applied), **EN).content.decode()
    assert "cv-amine.pdf" in page and _cv(talent.applied) in page
    got = client.get(_cv(talent.applied))
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith("attachment;")
    assert 'filename="cv-amine.pdf"' in got["Content-Disposition"]
    assert got["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in got["Cache-Control"]


def test_a_malicious_cv_through_the_upload_page_is_refused_in_french_and_nothing_changes(
    client: Client, talent: Talent, personas: dict[str, User]
) -> None:
    _login(client, personas["recruiter"])
    files = _stored_cvs()
    response = client.post(_upload(talent.applied), {"cv": pdf("cv.pdf", SCRIPTED)}, **FR)
    assert response.status_code == 400
    assert "Ce PDF contient du contenu actif" in response.content.decode()
    response = client.post(_upload(talent.applied), {"cv": pdf("cv.pdf", b"MZ\x90\x00 renamed")}, **FR)
    assert response.status_code == 400
    assert _fr("This file is not a PDF, whatever its name says.") in response.content.decode()
    response = client.post(_upload(talent.applied), {"cv": pdf("cv.exe")}, **FR)
    assert "Un CV doit être un fichier PDF (.pdf)." in response.content.decode()
    assert client.post(_upload(talent.applied), {}, **FR).status_code == 400
    kept = Candidate.objects.get(pk=talent.applied.pk)
    assert (kept.cv.name, kept.cv_name) == (talent.applied.cv.name, "cv-amine.pdf")
    assert _stored_cvs() == files


def test_replacing_the_cv_says_so_first_and_keeps_only_the_new_file(
    client: Client, talent: Talent, personas: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    _login(client, personas["site_manager"])
    ask = client.get(_upload(talent.applied), **EN).content.decode()
    assert "replaces “cv-amine.pdf”" in ask and "deleted for good" in ask
    old = talent.applied.cv.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_upload(talent.applied), {"cv": pdf("CV 2026.pdf")})
    assert response.status_code == 302 and response["Location"] == _detail(talent.applied)
    replaced = Candidate.objects.get(pk=talent.applied.pk)
    assert replaced.cv_name == "CV_2026.pdf" and replaced.cv.name != old
    assert not cv.storage().exists(old)


# --- a new candidate --------------------------------------------------------------------------------------


def test_a_new_candidate_with_school_skills_and_cv(
    client: Client, talent: Talent, personas: dict[str, User]
) -> None:
    _login(client, personas["recruiter"])
    form = client.get(NEW, {"campaign": talent.campaign.pk}, **EN).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert html.escape(talent.school.name) in form and "wanted ≥ 3" in form
    response = client.post(
        f"{NEW}?campaign={talent.campaign.pk}",
        {
            "campaign": talent.campaign.pk,
            "first_name": "Nadia",
            "last_name": "Berrada",
            "email": "nadia@example.ma",
            "phone": "+212611111111",
            "school": talent.school.pk,
            "graduation_year": "2026",
            f"skill_{talent.java.pk}": "4",
            "cv": pdf("Nadia Berrada.pdf"),
        },
    )
    candidate = Candidate.objects.get(first_name="Nadia")
    assert response.status_code == 302 and response["Location"] == _detail(candidate)
    assert (candidate.campaign, candidate.school, candidate.graduation_year, candidate.stage) == (
        talent.campaign,
        talent.school,
        2026,
        Stage.APPLIED,
    )
    assert dict(candidate.skill_levels.values_list("skill__code", "level")) == {"java": 4}
    assert candidate.cv_name == "Nadia_Berrada.pdf"
    page = client.get(_detail(candidate), **EN).content.decode()
    assert "Nadia Berrada" in page and "Java" in page and "Nadia_Berrada.pdf" in page


def test_a_malicious_cv_with_a_new_candidate_is_refused_in_french_and_nothing_is_saved(
    client: Client, talent: Talent, personas: dict[str, User]
) -> None:
    _login(client, personas["recruiter"])
    count, files = Candidate.objects.count(), _stored_cvs()
    response = client.post(
        NEW,
        {
            "campaign": talent.campaign.pk,
            "first_name": "Mal",
            "last_name": "Icious",
            "cv": pdf("cv.pdf", SCRIPTED),
        },
        **FR,
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ce PDF contient du contenu actif" in page
    assert 'value="Mal"' in page  # what was typed stays
    assert Candidate.objects.count() == count
    assert _stored_cvs() == files


def test_the_new_candidate_form_names_the_wrong_fields_and_never_fails(
    client: Client, talent: Talent, personas: dict[str, User], casa_manager: User
) -> None:
    _login(client, personas["recruiter"])
    count = Candidate.objects.count()
    for params in ({"campaign": "abc"}, {"campaign": "999999"}, {"campaign": ""}):
        assert client.get(NEW, params).status_code == 200
    response = client.post(
        NEW,
        {
            "campaign": "999999",
            "first_name": "",
            "last_name": "X" * 300,
            "email": "not-an-email",
            "graduation_year": "1800",
            f"skill_{talent.java.pk}": "9",
            "applied_on": "yesterday",
        },
        **FR,
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    # Each error names its field (the labels are the page's own: French once the catalogue has them).
    named = client.post(NEW, {"first_name": "", "graduation_year": "1800"}, **EN).content.decode()
    assert "Campaign: This field is required." in named
    assert "First name: This field is required." in named
    assert "Graduation year: Ensure this value is greater than or equal to 1950." in named
    assert Candidate.objects.count() == count
    # A site manager is offered their site's campaigns only: Rabat's is not a valid choice for Casablanca.
    _login(client, casa_manager)
    refused = client.post(NEW, {"campaign": talent.campaign.pk, "first_name": "A", "last_name": "B"})
    assert refused.status_code == 400
    assert Candidate.objects.count() == count


# --- the board and its quick moves --------------------------------------------------------------------------


def test_the_board_shows_each_open_stage_with_cards_and_counts_the_closed_files(
    client: Client, talent: Talent, personas: dict[str, User]
) -> None:
    recruiter = personas["recruiter"]
    actions.do_move_candidate(talent.screened, Stage.WITHDREW, reason="Offre ailleurs", actor=recruiter)
    _login(client, recruiter)
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        page = client.get(BOARD, **EN).content.decode()
    for stage in ("Applied", "Screened", "Interview", "Offer", "Hired", "Rejected", "Withdrew"):
        assert stage in page
    assert page.index("Amine Alaoui") < page.index("Youssef Alaoui") < page.index("Imane Alaoui")
    assert "Salma Alaoui" not in page  # withdrew: counted, not on a card
    assert "3 days at this stage" in page
    assert "graduates 2025" in page and html.escape(talent.school.name) in page
    assert talent.campaign.title in page
    assert "Move to Screened" in page and "Move to Offer" in page


def test_the_board_filters_by_campaign_and_site_and_searches_names_and_schools(
    client: Client, talent: Talent, personas: dict[str, User], world: World
) -> None:
    _login(client, personas["recruiter"])
    only_casa = client.get(BOARD, {"campaign": talent.campaign_casa.pk}).content.decode()
    assert "Omar Alaoui" in only_casa and "Amine Alaoui" not in only_casa
    only_rabat = client.get(BOARD, {"site": world.rabat.pk}).content.decode()
    assert "Amine Alaoui" in only_rabat and "Omar Alaoui" not in only_rabat
    searched = client.get(BOARD, {"q": "youssef"}).content.decode()
    assert "Youssef Alaoui" in searched and "Amine Alaoui" not in searched
    assert "Amine Alaoui" in client.get(BOARD, {"q": "ingénieurs"}).content.decode()
    # An htmx request gets the board alone, for the same filters.
    partial = client.get(BOARD, {"q": "youssef"}, **HTMX)
    assert partial.content.decode().lstrip().startswith('<div id="candidate-board">')
    assert "HX-Request" in partial["Vary"]
    nothing = client.get(BOARD, {"q": "zzz"}, **EN).content.decode()
    assert "No candidate matches" in nothing and "Clear the search and filters" in nothing
    # Bad input is ignored, never a 500.
    for params in ({"campaign": "abc", "site": "-1"}, {"campaign": "99999"}, {"q": "x" * 5000}):
        assert client.get(BOARD, params).status_code == 200


def test_an_empty_board_says_what_to_do(client: Client, world: World, personas: dict[str, User]) -> None:
    _login(client, personas["recruiter"])
    page = client.get(BOARD, **EN).content.decode()
    assert "No candidate yet" in page and "open campaign" in page


def test_a_quick_move_to_the_next_stage_redraws_the_board(
    client: Client, talent: Talent, personas: dict[str, User]
) -> None:
    _login(client, personas["site_manager"])
    response = client.post(
        f"{_move(talent.applied)}?q=alaoui",
        {"to_stage": "screened", "next": BOARD},
        **HTMX,
        **EN,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="candidate-board">')
    assert "Amine Alaoui moved to Screened." in page
    # The card is now in the screened column, and the quick move offers the next step.
    screened = page[page.index('id="column-screened"') : page.index('id="column-interview"')]
    assert "Amine Alaoui" in screened and "Move to Interview" in screened
    # The board keeps its filters in the moves it offers.
    assert f"{_move(talent.applied)}?q=alaoui" in page
    moved = Candidate.objects.get(pk=talent.applied.pk)
    assert moved.stage == Stage.SCREENED
    assert StageChange.objects.filter(candidate=moved).last().by == personas["site_manager"]  # type: ignore[union-attr]


def test_a_refused_quick_move_shows_the_reason_in_french_on_the_card(
    client: Client, talent: Talent, personas: dict[str, User]
) -> None:
    _login(client, personas["recruiter"])
    no_reason = client.post(_move(talent.interview), {"to_stage": "rejected", "reason": "  "}, **HTMX, **FR)
    assert no_reason.status_code == 200
    assert no_reason["HX-Retarget"] == f"#candidate-{talent.interview.pk}"
    assert no_reason["HX-Reswap"] == "outerHTML"
    page = no_reason.content.decode()
    assert page.lstrip().startswith("<article")
    assert "Indiquez pourquoi." in page and "<details open>" in page
    skipping = client.post(_move(talent.applied), {"to_stage": "interview"}, **HTMX, **FR).content.decode()
    assert _fr(MOVES_TO, current=Stage.APPLIED.label, next=Stage.SCREENED.label) in skipping
    hiring = client.post(_move(talent.offer), {"to_stage": "hired"}, **HTMX, **FR).content.decode()
    assert _fr("Hire the candidate from their offer: it creates the specialist.") in hiring
    bogus = client.post(_move(talent.applied), {"to_stage": "promoted"}, **HTMX, **FR)
    assert bogus.status_code == 200 and "Sélectionnez un choix valide" in bogus.content.decode()
    stages = dict(
        Candidate.objects.filter(
            pk__in=[talent.applied.pk, talent.interview.pk, talent.offer.pk]
        ).values_list("pk", "stage")
    )
    assert stages == {
        talent.applied.pk: Stage.APPLIED,
        talent.interview.pk: Stage.INTERVIEW,
        talent.offer.pk: Stage.OFFER,
    }


def test_rejecting_with_a_reason_closes_the_file(
    client: Client, talent: Talent, personas: dict[str, User]
) -> None:
    _login(client, personas["recruiter"])
    response = client.post(
        _move(talent.interview), {"to_stage": "rejected", "reason": "Niveau Java insuffisant"}, **HTMX, **EN
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Youssef Alaoui" not in page.split("moved to")[1]
    rejected = Candidate.objects.get(pk=talent.interview.pk)
    assert rejected.stage == Stage.REJECTED
    detail = client.get(_detail(rejected), **EN).content.decode()
    assert "Niveau Java insuffisant" in detail and "The file is closed (Rejected)." in detail


def test_a_move_from_the_candidates_page_goes_back_to_it_or_says_why_not(
    client: Client, talent: Talent, personas: dict[str, User]
) -> None:
    _login(client, personas["recruiter"])
    response = client.post(
        _move(talent.screened), {"to_stage": "interview", "next": _detail(talent.screened)}
    )
    assert response.status_code == 302 and response["Location"] == _detail(talent.screened)
    # An outside `next` is not followed.
    response = client.post(_move(talent.screened), {"to_stage": "offer", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == _detail(talent.screened)
    refused = client.post(_move(talent.screened), {"to_stage": "applied"}, **FR)
    assert refused.status_code == 400
    assert _fr(MOVES_TO, current=Stage.OFFER.label, next=Stage.HIRED.label) in refused.content.decode()
    assert Candidate.objects.get(pk=talent.screened.pk).stage == Stage.OFFER
    assert client.get(_move(talent.screened)).status_code == 405


# --- hiring -----------------------------------------------------------------------------------------------


def test_the_hire_form_makes_the_specialist_and_links_to_them(
    client: Client, talent: Talent, personas: dict[str, User], world: World
) -> None:
    _login(client, personas["recruiter"])
    form = client.get(_detail(talent.offer), **EN).content.decode()
    assert 'id="hire"' in form and "Employee number" in form
    # The site and role default to the campaign's.
    assert f'<option value="{world.rabat.pk}" selected>' in form
    assert '<option value="developer" selected>' in form
    assert 'id="hire"' not in client.get(_detail(talent.interview), **EN).content.decode()
    response = client.post(_hire(talent.offer), _hire_data(site=str(world.rabat.pk)))
    assert response.status_code == 302 and response["Location"] == _detail(talent.offer)
    hired = Candidate.objects.select_related("specialist").get(pk=talent.offer.pk)
    specialist = hired.specialist
    assert hired.stage == Stage.HIRED and specialist is not None
    assert (specialist.employee_number, specialist.site, specialist.role, specialist.hired_on) == (
        "RBT-9001",
        world.rabat,
        "developer",
        dt.date(2026, 5, 6),
    )
    assert str(specialist.hourly_cost) == "150.50"
    assert dict(specialist.skill_levels.values_list("skill__code", "level")) == {"java": 3}
    page = client.get(_detail(hired), **EN).content.decode()
    assert reverse("people:specialist-detail", args=[specialist.pk]) in page
    assert "Their capacity counts from their start date" in page
    assert 'id="hire"' not in page


def test_a_refused_hire_names_the_field_and_never_fails(
    client: Client, talent: Talent, personas: dict[str, User], world: World
) -> None:
    _login(client, personas["recruiter"])
    before = Specialist.objects.count()
    # E0 is the Rabat specialist's number already.
    taken = client.post(_hire(talent.offer), _hire_data(employee_number="E0", site=str(world.rabat.pk)), **FR)
    assert taken.status_code == 400
    assert "Matricule" in taken.content.decode()
    garbage = client.post(
        _hire(talent.offer),
        _hire_data(hourly_cost="abc", starts_on="someday", weekly_hours="99", site="x", grade="0"),
        **FR,
    )
    assert garbage.status_code == 400
    assert "Saisissez un nombre" in garbage.content.decode()
    not_yet = client.post(_hire(talent.interview), _hire_data(site=str(world.rabat.pk)), **FR)
    assert not_yet.status_code == 400
    assert "Seul un candidat qui a reçu une offre peut être recruté." in not_yet.content.decode()
    assert Specialist.objects.count() == before
    assert Candidate.objects.get(pk=talent.offer.pk).stage == Stage.OFFER


def test_a_site_manager_hires_at_their_own_site_only(
    client: Client, talent: Talent, personas: dict[str, User], world: World
) -> None:
    _login(client, personas["site_manager"])
    elsewhere = client.post(
        _hire(talent.offer), _hire_data(site=str(world.casablanca.pk), hourly_cost="150.50"), **EN
    )
    assert elsewhere.status_code == 400
    assert "You may not add people to this site." in elsewhere.content.decode()
    assert not Specialist.objects.filter(employee_number="RBT-9001").exists()
    here = client.post(_hire(talent.offer), _hire_data(site=str(world.rabat.pk)))
    assert here.status_code == 302
    assert Specialist.objects.get(employee_number="RBT-9001").site == world.rabat


# --- anonymised candidates, missing objects ---------------------------------------------------------------


def test_an_anonymised_candidate_says_so_and_has_no_cv(
    client: Client, talent: Talent, personas: dict[str, User]
) -> None:
    actions.do_purge_candidates(before=timezone.now() + dt.timedelta(days=1))
    _login(client, personas["recruiter"])
    page = client.get(_detail(talent.applied), **EN).content.decode()
    assert "personal data was anonymised" in page
    assert "amine@example.ma" not in page and "Amine" not in page
    assert f"Candidate {talent.applied.pk}" in page
    assert client.get(_cv(talent.applied)).status_code == 404
    board = client.get(BOARD, **EN).content.decode()
    assert f"Candidate {talent.applied.pk}" in board and "Amine" not in board


def test_missing_candidates_are_404_not_500(
    client: Client, talent: Talent, personas: dict[str, User]
) -> None:
    _login(client, personas["recruiter"])
    for url in (
        "/talent/candidates/999999/",
        "/talent/candidates/999999/cv/",
        "/talent/candidates/999999/cv/upload/",
    ):
        assert client.get(url).status_code == 404
    assert client.post("/talent/candidates/999999/move/", {"to_stage": "screened"}).status_code == 404
    assert client.post("/talent/candidates/999999/hire/", {}).status_code == 404


def test_the_board_costs_a_fixed_number_of_queries(
    client: Client, talent: Talent, personas: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    recruiter = personas["recruiter"]
    for n in range(12):
        actions.do_add_candidate(
            talent.campaign, first_name=f"P{n}", last_name="Extra", school=talent.school, actor=recruiter
        )
    _login(client, recruiter)
    client.get(BOARD)  # the session's first request also looks up the time zone
    with django_assert_max_num_queries(8):
        page = client.get(BOARD).content.decode()
    assert "P11 Extra" in page
