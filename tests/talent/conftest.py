"""A recruiting world on top of the shared one: a partner school, a campaign at each site, candidates
at each stage of the Rabat campaign, and a manager of the other site (Casablanca)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import PASSWORD, World
from servicehub.core.actions import do_create_user
from servicehub.core.choices import Persona
from servicehub.core.models import User
from servicehub.org.actions import do_create_organisation
from servicehub.org.choices import OrganisationKind
from servicehub.org.models import Organisation
from servicehub.people.choices import Role
from servicehub.people.models import Skill
from servicehub.talent import actions
from servicehub.talent.choices import Stage
from servicehub.talent.models import Campaign, Candidate, Partnership

# The smallest well-formed PDF a CV could be: header, one empty page, trailer.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf(name: str = "cv.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class Talent:
    school: Organisation
    partnership: Partnership
    campaign: Campaign  # Rabat, developers
    campaign_casa: Campaign
    java: Skill
    # one candidate of the Rabat campaign at each open stage, and one of Casablanca's
    applied: Candidate
    screened: Candidate
    interview: Candidate
    offer: Candidate
    casa_candidate: Candidate


@pytest.fixture
def talent(world: World, personas: dict[str, User]) -> Talent:
    school = do_create_organisation(
        name="École d'ingénieurs", code="ecole", kind=OrganisationKind.SCHOOL, actor=None
    )
    partnership = actions.do_create_partnership(
        provider=world.provider, school=school, since=dt.date(2005, 9, 1), fields="Génie logiciel", actor=None
    )
    java = Skill.objects.get(code="java")
    campaign = actions.do_create_campaign(
        site=world.rabat,
        title="Développeurs Java 2026",
        role=Role.DEVELOPER,
        openings=5,
        opens_on=dt.date(2026, 1, 5),
        closes_on=dt.date(2026, 12, 31),
        skills={java: 3},
        actor=None,
    )
    campaign_casa = actions.do_create_campaign(
        site=world.casablanca,
        title="Designers Casablanca",
        role=Role.DESIGNER,
        openings=2,
        opens_on=dt.date(2026, 1, 5),
        closes_on=dt.date(2026, 12, 31),
        actor=None,
    )

    def candidate(first: str, stage: Stage, on: Campaign = campaign) -> Candidate:
        made = actions.do_add_candidate(
            on,
            first_name=first,
            last_name="Alaoui",
            email=f"{first.lower()}@example.ma",
            phone="+212600000000",
            school=school,
            graduation_year=2025,
            skills={java: 3},
            applied_on=dt.date(2026, 3, 2),
            cv_file=pdf(f"cv-{first.lower()}.pdf"),
            actor=None,
        )
        for step in (Stage.SCREENED, Stage.INTERVIEW, Stage.OFFER):
            if made.stage == stage:
                break
            made = actions.do_move_candidate(made, step, actor=None)
        return made

    return Talent(
        school=school,
        partnership=partnership,
        campaign=campaign,
        campaign_casa=campaign_casa,
        java=java,
        applied=candidate("Amine", Stage.APPLIED),
        screened=candidate("Salma", Stage.SCREENED),
        interview=candidate("Youssef", Stage.INTERVIEW),
        offer=candidate("Imane", Stage.OFFER),
        casa_candidate=candidate("Omar", Stage.APPLIED, campaign_casa),
    )


@pytest.fixture
def casa_manager(world: World, personas: dict[str, User]) -> User:
    """A site manager of the other site: no reach into Rabat's candidates."""
    return do_create_user(
        username="casa_manager",
        password=PASSWORD,
        persona=Persona.SITE_MANAGER,
        organisation=world.provider,
        site=world.casablanca,
        actor=None,
    )
