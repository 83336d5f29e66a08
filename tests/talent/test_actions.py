"""Recruiting actions: the stage rules, a hire that makes a specialist (with its audit rows), the CV
checks (a malicious upload refused), and the purge that anonymises what it must and nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import translation

from conftest import World
from servicehub.core.choices import AuditEvent, Currency
from servicehub.core.models import AuditLog, User
from servicehub.people.models import Grade, Specialist
from servicehub.planning.adapter import build_instance
from servicehub.talent import actions, cv
from servicehub.talent.choices import CampaignStatus, Stage
from servicehub.talent.models import Candidate, StageChange
from talent.conftest import PDF, Talent, pdf


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_a_candidate_moves_forward_one_stage_at_a_time(talent: Talent, personas: dict[str, User]) -> None:
    recruiter = personas["recruiter"]
    with pytest.raises(ValidationError, match="moves to Screened"):
        actions.do_move_candidate(talent.applied, Stage.INTERVIEW, actor=recruiter)
    with pytest.raises(ValidationError, match="creates the specialist"):
        actions.do_move_candidate(talent.offer, Stage.HIRED, actor=recruiter)
    moved = actions.do_move_candidate(talent.applied, Stage.SCREENED, actor=recruiter)
    assert moved.stage == Stage.SCREENED
    history = list(StageChange.objects.filter(candidate=moved).values_list("from_stage", "to_stage"))
    assert history == [("", Stage.APPLIED), (Stage.APPLIED, Stage.SCREENED)]


def test_rejection_needs_a_reason_and_closes_the_file(talent: Talent, personas: dict[str, User]) -> None:
    recruiter = personas["recruiter"]
    with pytest.raises(ValidationError) as error:
        actions.do_move_candidate(talent.interview, Stage.REJECTED, reason="  ", actor=recruiter)
    assert "reason" in error.value.message_dict
    rejected = actions.do_move_candidate(
        talent.interview, Stage.REJECTED, reason="Niveau Java insuffisant", actor=recruiter
    )
    assert StageChange.objects.filter(candidate=rejected).last().reason == "Niveau Java insuffisant"  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="closed"):
        actions.do_move_candidate(rejected, Stage.SCREENED, actor=recruiter)
    withdrew = actions.do_move_candidate(
        talent.screened, Stage.WITHDREW, reason="Offre ailleurs", actor=recruiter
    )
    assert withdrew.stage == Stage.WITHDREW


def test_only_recruiters_and_the_sites_managers_move_candidates(
    talent: Talent, personas: dict[str, User], casa_manager: User
) -> None:
    for key in ("director", "delivery_lead", "resource_manager", "specialist", "client_a"):
        with pytest.raises(PermissionDenied):
            actions.do_move_candidate(talent.applied, Stage.SCREENED, actor=personas[key])
    with pytest.raises(PermissionDenied):
        actions.do_move_candidate(talent.applied, Stage.SCREENED, actor=casa_manager)
    assert actions.do_move_candidate(talent.applied, Stage.SCREENED, actor=personas["site_manager"])
    assert actions.do_move_candidate(talent.casa_candidate, Stage.SCREENED, actor=casa_manager)


def test_hiring_an_offer_creates_the_specialist_with_audit_and_capacity_from_the_start_date(
    world: World, talent: Talent, personas: dict[str, User]
) -> None:
    recruiter = personas["recruiter"]
    with pytest.raises(ValidationError, match="offer"):
        actions.do_hire_candidate(
            talent.interview,
            employee_number="RBT-9001",
            starts_on=dt.date(2026, 5, 4),
            grade=Grade.objects.get(code="eng"),
            hourly_cost=Decimal("150"),
            cost_currency=Currency.MAD,
            actor=recruiter,
        )
    specialist = actions.do_hire_candidate(
        talent.offer,
        employee_number="RBT-9001",
        starts_on=dt.date(2026, 5, 6),  # a Wednesday
        grade=Grade.objects.get(code="eng"),
        hourly_cost=Decimal("150"),
        cost_currency=Currency.MAD,
        actor=recruiter,
    )
    talent.offer.refresh_from_db()
    assert talent.offer.stage == Stage.HIRED and talent.offer.specialist == specialist
    assert (specialist.site, specialist.role, specialist.hired_on) == (
        world.rabat,
        "developer",
        dt.date(2026, 5, 6),
    )
    assert specialist.school == talent.school
    assert dict(specialist.skill_levels.values_list("skill__code", "level")) == {"java": 3}
    events = set(AuditLog.objects.filter(actor=recruiter).values_list("event", flat=True))
    assert {AuditEvent.SPECIALIST_CREATED, AuditEvent.CANDIDATE_HIRED, AuditEvent.CANDIDATE_MOVED} <= events
    # The staffing pool: absent the week before, two days short in the week of the start, full after.
    planning = build_instance(start=dt.date(2026, 4, 27), weeks=3, sites=[world.rabat])
    sid = next(s for s, pk in planning.specialists.items() if pk == specialist.pk)
    spec = next(s for s in planning.doc["specialists"] if s["id"] == sid)
    unavailable = {int(w): h for w, h in spec.get("unavailable", {}).items()}
    assert unavailable[0] == spec["hours"]
    assert 0 < unavailable[1] < spec["hours"]
    assert 2 not in unavailable
    with pytest.raises(ValidationError, match="closed"):
        actions.do_move_candidate(talent.offer, Stage.WITHDREW, reason="x", actor=recruiter)


def test_a_closed_campaign_takes_no_candidates(talent: Talent, personas: dict[str, User]) -> None:
    actions.do_set_campaign_status(talent.campaign, CampaignStatus.CLOSED, actor=personas["recruiter"])
    with pytest.raises(ValidationError, match="not open"):
        actions.do_add_candidate(
            talent.campaign, first_name="Late", last_name="Comer", actor=personas["recruiter"]
        )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.exe", PDF, "must be a PDF"),
        ("cv.pdf", b"MZ\x90\x00 an executable renamed", "not a PDF"),
        ("cv.pdf", b"<html><script>alert(1)</script></html>", "not a PDF"),
        (
            "cv.pdf",
            PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
            "active content",
        ),
        (
            "cv.pdf",
            PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>"),
            "active content",
        ),
        # the same name written with #xx escapes, as PDF allows
        (
            "cv.pdf",
            PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/Java#53cript>>"),
            "active content",
        ),
        ("cv.pdf", b"", "empty"),
        ("cv.pdf", b"%PDF-1.4\n" + b"0" * (cv.MAX_BYTES + 1), "too large"),
    ],
)
def test_a_cv_that_is_not_a_plain_pdf_is_refused_and_nothing_is_kept(
    talent: Talent, personas: dict[str, User], name: str, content: bytes, message: str
) -> None:
    before = talent.applied.cv.name
    with pytest.raises(ValidationError, match=message) as error:
        actions.do_attach_cv(talent.applied, pdf(name, content), actor=personas["recruiter"])
    assert "cv" in error.value.message_dict
    talent.applied.refresh_from_db()
    assert talent.applied.cv.name == before


def test_a_cv_is_stored_privately_under_a_random_name(talent: Talent, personas: dict[str, User]) -> None:
    candidate = actions.do_attach_cv(talent.applied, pdf("Mon CV.pdf"), actor=personas["recruiter"])
    assert candidate.cv_name == "Mon_CV.pdf"
    assert candidate.cv.name.startswith("cv/") and "Mon" not in candidate.cv.name
    with candidate.cv.open("rb") as stream:
        assert stream.read() == PDF


def test_purge_anonymises_files_untouched_for_the_retention_period_and_nothing_else(
    talent: Talent, personas: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    recruiter = personas["recruiter"]
    old_cv = talent.applied.cv.name
    rejected = actions.do_move_candidate(
        talent.interview, Stage.REJECTED, reason="Profil junior", actor=recruiter
    )
    storage = cv.storage()
    assert storage.exists(old_cv)
    # Two years and a day later the Salma file moves again: it is kept; the others are purged.
    later = Candidate.objects.get(pk=talent.screened.pk).stage_changed_at + dt.timedelta(days=731)
    with time_machine.travel(later - dt.timedelta(days=2), tick=False):
        actions.do_move_candidate(talent.screened, Stage.INTERVIEW, actor=recruiter)
    with time_machine.travel(later, tick=False):
        out = StringIO()
        call_command("talent", "purge", "--dry-run", stdout=out)
        assert out.getvalue().startswith("4 candidates")
        with django_capture_on_commit_callbacks(execute=True):
            call_command("talent", "purge", stdout=out)
        assert "4 candidates untouched since" in out.getvalue().splitlines()[-1]
    gone = Candidate.objects.get(pk=talent.applied.pk)
    assert (gone.first_name, gone.last_name, gone.email, gone.phone, gone.cv_name) == ("—", "—", "", "", "")
    assert not gone.cv and not storage.exists(old_cv)
    # What the funnel needs stays.
    assert (gone.school_id, gone.graduation_year, gone.stage) == (talent.school.pk, 2025, Stage.APPLIED)
    assert gone.skill_levels.count() == 1
    assert StageChange.objects.filter(candidate=rejected).last().reason == ""  # type: ignore[union-attr]
    assert StageChange.objects.filter(candidate=rejected).count() == 4
    kept = Candidate.objects.get(pk=talent.screened.pk)
    assert kept.first_name == "Salma" and kept.email == "salma@example.ma" and kept.anonymised_at is None
    assert Specialist.objects.filter(first_name="—").count() == 0
    assert AuditLog.objects.filter(event=AuditEvent.CANDIDATE_ANONYMISED).count() == 4
