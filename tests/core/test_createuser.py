from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from conftest import World
from servicehub.core.choices import AuditEvent, Persona
from servicehub.core.models import AuditLog, User


def test_creates_a_site_manager_with_an_audit_row(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICEHUB_PASSWORD", "a-long-enough-passphrase")
    call_command("createuser", "nadia", persona="site_manager", organisation="provider", site="rabat")
    user = User.objects.get(username="nadia")
    assert (user.persona, user.site, user.organisation) == (Persona.SITE_MANAGER, world.rabat, world.provider)
    assert user.check_password("a-long-enough-passphrase")
    assert AuditLog.objects.filter(event=AuditEvent.USER_CREATED, object_id=str(user.pk)).count() == 1


@pytest.mark.parametrize(
    "options, message",
    [
        ({"persona": "director", "organisation": "nowhere"}, "--organisation\u00a0: aucune organisation"),
        (
            {"persona": "site_manager", "organisation": "provider", "site": "tanger"},
            "--site\u00a0: Provider n\u2019a aucun site",
        ),
        ({"persona": "site_manager", "organisation": "provider"}, "doit être rattaché à un site"),
        ({"persona": "client_requester", "organisation": "provider"}, "organisation cliente"),
    ],
)
def test_bad_options_name_the_problem_and_create_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch, options: dict[str, str], message: str
) -> None:
    monkeypatch.setenv("SERVICEHUB_PASSWORD", "a-long-enough-passphrase")
    with pytest.raises(CommandError, match=message):
        call_command("createuser", "nadia", **options)
    assert not User.objects.filter(username="nadia").exists()


def test_weak_password_is_refused(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICEHUB_PASSWORD", "password")
    with pytest.raises(CommandError, match=r"^password: .*trop courant"):
        call_command("createuser", "nadia", persona="director", organisation="provider")
    assert not User.objects.filter(username="nadia").exists()
