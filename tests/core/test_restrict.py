"""The one door to tenant data: what each persona reaches through restrict()."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import World
from servicehub.catalogue.models import PriceList, WorkUnit
from servicehub.contracts.actions import do_create_contract
from servicehub.contracts.models import Contract, PurchaseOrder, ServiceLevel
from servicehub.core.models import User
from servicehub.core.tenancy import get_visible_or_404
from servicehub.org.actions import do_create_organisation
from servicehub.org.choices import OrganisationKind
from servicehub.org.models import Organisation, Site
from servicehub.people.models import Specialist

PROVIDER_WIDE = ["director", "delivery_lead", "resource_manager", "recruiter"]


def _names(qs: Any) -> set[str]:
    return {str(obj.pk) for obj in qs}


def _ids(*objs: Any) -> set[str]:
    return {str(obj.pk) for obj in objs}


def expected_view(w: World) -> dict[str, dict[str, set[str]]]:
    everything = {
        "site": _ids(w.rabat, w.casablanca),
        "specialist": _ids(w.specialist_rabat, w.specialist_casa),
        "contract": _ids(w.contract_a, w.contract_b),
        "work_unit": _ids(w.work_unit_a, w.work_unit_b),
        "price_list": _ids(w.price_list_a, w.price_list_b),
    }
    rabat_staff = {**everything, "specialist": _ids(w.specialist_rabat), "contract": _ids(w.contract_a)}
    return {
        **{key: everything for key in PROVIDER_WIDE},
        "site_manager": rabat_staff,
        "specialist": rabat_staff,
        "client_a": {
            "site": _ids(w.rabat),
            "specialist": set(),
            "contract": _ids(w.contract_a),
            "work_unit": _ids(w.work_unit_a),
            "price_list": _ids(w.price_list_a),
        },
        "client_b": {
            "site": _ids(w.casablanca),
            "specialist": set(),
            "contract": _ids(w.contract_b),
            "work_unit": _ids(w.work_unit_b),
            "price_list": _ids(w.price_list_b),
        },
    }


MODELS = {
    "site": Site,
    "specialist": Specialist,
    "contract": Contract,
    "work_unit": WorkUnit,
    "price_list": PriceList,
}


@pytest.mark.parametrize(
    "persona",
    [
        "director",
        "site_manager",
        "delivery_lead",
        "resource_manager",
        "recruiter",
        "specialist",
        "client_a",
        "client_b",
    ],
)
def test_view_matrix(world: World, personas: dict[str, User], persona: str) -> None:
    user = personas[persona]
    seen = {key: _names(model.objects.restrict(user, "view")) for key, model in MODELS.items()}
    assert seen == expected_view(world)[persona]


def test_contract_parts_follow_their_contract(world: World, personas: dict[str, User]) -> None:
    for model in (PurchaseOrder, ServiceLevel):
        assert {o.contract_id for o in model.objects.restrict(personas["client_a"])} == {world.contract_a.pk}
        assert {o.contract_id for o in model.objects.restrict(personas["client_b"])} == {world.contract_b.pk}
        assert model.objects.restrict(personas["director"]).count() == 2


def test_client_sees_its_tree_and_its_provider_only(world: World, personas: dict[str, User]) -> None:
    seen = set(Organisation.objects.restrict(personas["client_a"]).values_list("code", flat=True))
    assert seen == {"client-a", "client-a-pay", "provider"}


def test_change_matrix_for_sites(world: World, personas: dict[str, User]) -> None:
    can_change = {key: _names(Site.objects.restrict(user, "change")) for key, user in personas.items()}
    assert can_change["director"] == _ids(world.rabat, world.casablanca)
    assert can_change["site_manager"] == _ids(world.rabat)
    for key in ("delivery_lead", "resource_manager", "recruiter", "specialist", "client_a", "client_b"):
        assert can_change[key] == set(), key


def test_missing_and_forbidden_are_the_same_404_and_read_only_is_403(
    world: World, personas: dict[str, User]
) -> None:
    client_a = personas["client_a"]
    with pytest.raises(Http404) as forbidden:
        get_visible_or_404(client_a, Contract.objects.all(), pk=world.contract_b.pk)
    with pytest.raises(Http404) as missing:
        get_visible_or_404(client_a, Contract.objects.all(), pk=10**9)
    assert str(forbidden.value) == str(missing.value)
    assert get_visible_or_404(client_a, Contract.objects.all(), pk=world.contract_a.pk) == world.contract_a
    with pytest.raises(PermissionDenied):
        get_visible_or_404(client_a, Contract.objects.all(), "change", pk=world.contract_a.pk)


def test_anonymous_and_inactive_users_see_nothing(world: World, personas: dict[str, User]) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not Contract.objects.restrict(AnonymousUser()).exists()
    director = personas["director"]
    director.is_active = False
    assert not Contract.objects.restrict(director).exists()


def test_unknown_action_is_a_programming_error(world: World, personas: dict[str, User]) -> None:
    with pytest.raises(ValueError, match="unknown action"):
        Contract.objects.restrict(personas["director"], "delete")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parents=st.lists(st.integers(min_value=-1, max_value=5), min_size=1, max_size=6),
    owners=st.lists(st.integers(min_value=0, max_value=5), max_size=8),
)
def test_a_client_user_sees_exactly_its_own_subtree(
    world: World, personas: dict[str, User], parents: list[int], owners: list[int]
) -> None:
    """Random client trees and contracts: a client user sees a contract iff its client is in its subtree."""
    from servicehub.core.actions import do_create_user
    from servicehub.core.choices import Persona

    version = world.price_list_a.versions.get()
    with transaction.atomic():
        orgs: list[Organisation] = []
        for i, parent in enumerate(parents):
            up = orgs[parent] if 0 <= parent < len(orgs) else None
            orgs.append(
                do_create_organisation(
                    name=f"Org {i}",
                    code=f"h-org-{i}",
                    kind=OrganisationKind.BUSINESS_UNIT if up is not None else OrganisationKind.CLIENT,
                    parent=up,
                    actor=None,
                )
            )
        for j, owner in enumerate(owners):
            do_create_contract(
                reference=f"H-{j}",
                title="h",
                provider=world.provider,
                client=orgs[owner % len(orgs)],
                serving_sites=[world.rabat],
                price_list_version=version,
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2026, 12, 31),
                actor=None,
            )
        for k, org in enumerate(orgs):
            user = do_create_user(
                username=f"h-user-{k}",
                password="x",
                persona=Persona.CLIENT_APPROVER,
                organisation=org,
                actor=None,
                check_password=False,
            )
            subtree = {org.pk}
            grew = True
            while grew:
                below = {o.pk for o in orgs if o.parent_id in subtree}
                grew = not below <= subtree
                subtree |= below
            expected = {c.pk for c in Contract.objects.filter(client_id__in=subtree)}
            assert {c.pk for c in Contract.objects.restrict(user)} == expected
            assert world.contract_a.pk not in expected and world.contract_b.pk not in expected
        transaction.set_rollback(True)
