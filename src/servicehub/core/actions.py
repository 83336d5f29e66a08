"""Actions on users. Sign-in and sign-out are audited by the signal handlers in `signals.py`."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from servicehub.core.audit import record_change, snapshot
from servicehub.core.choices import CLIENT_PERSONAS, AuditEvent, Persona
from servicehub.core.models import User
from servicehub.org.choices import OrganisationKind
from servicehub.org.models import Organisation, Site
from servicehub.people.models import Specialist

_USER_FIELDS = ["id", "username", "persona", "organisation_id", "site_id", "specialist_id", "is_active"]


@transaction.atomic
def do_create_user(
    *,
    username: str,
    password: str,
    persona: Persona,
    organisation: Organisation,
    site: Site | None = None,
    specialist: Specialist | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    actor: User | None,
    check_password: bool = True,
) -> User:
    if actor is not None and actor.persona != Persona.DIRECTOR:
        raise PermissionDenied(_("Only a director may create accounts."))
    client_org = organisation.kind in {OrganisationKind.CLIENT, OrganisationKind.BUSINESS_UNIT}
    if (persona in CLIENT_PERSONAS) != client_org:
        raise ValueError(_("A client persona belongs to a client organisation, and staff to the provider."))
    if persona in {Persona.SITE_MANAGER, Persona.SPECIALIST} and site is None:
        raise ValueError(_("A site manager or a specialist needs a site."))
    user = User(
        username=username,
        persona=persona,
        organisation=organisation,
        site=site,
        specialist=specialist,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.full_clean()
    user.save()
    record_change(actor, user, AuditEvent.USER_CREATED, after=snapshot(user, _USER_FIELDS))
    return user
