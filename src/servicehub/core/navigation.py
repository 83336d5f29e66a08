"""The navigation menu per persona. Pages check access themselves; this only shows the way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from servicehub.core.choices import CLIENT_PERSONAS, PROVIDER_PERSONAS, Persona
from servicehub.planning.querysets import PLAN_READERS
from servicehub.talent.querysets import TALENT_READERS


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    personas: frozenset[str]
    # Pages whose view name starts with this belong to the item too (an app without a "-list" page).
    section: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def covers(self, view_name: str) -> bool:
        """The item is the current section: its list page or one of the pages under it (detail…)."""
        if self.section and view_name.startswith(self.section):
            return True
        section = self.url_name.removesuffix("-list")
        return view_name == self.url_name or (
            section != self.url_name and view_name.startswith(f"{section}-")
        )


_ALL = frozenset(Persona.values)
_PROVIDER = PROVIDER_PERSONAS
# Who issues invoices and who receives them; other provider staff have no use for them.
_INVOICE_READERS = frozenset({Persona.DIRECTOR, Persona.DELIVERY_LEAD}) | CLIENT_PERSONAS

ITEMS = [
    NavItem(_("Home"), "home", _ALL),
    NavItem(_("Sites"), "org:site-list", _ALL),
    NavItem(_("Specialists"), "people:specialist-list", _PROVIDER),
    NavItem(_("Work units"), "catalogue:workunit-list", _ALL),
    NavItem(_("Price lists"), "catalogue:pricelist-list", _ALL - {Persona.SPECIALIST}),
    NavItem(_("Contracts"), "contracts:contract-list", _ALL),
    NavItem(_("Demands"), "demands:demand-list", _ALL - {Persona.RECRUITER}),
    NavItem(_("Invoices"), "demands:invoice-list", _INVOICE_READERS),
    NavItem(_("Planning"), "planning:board", frozenset(PLAN_READERS), section="planning:"),
    NavItem(_("Recruiting"), "talent:campaign-list", frozenset(TALENT_READERS), section="talent:"),
    NavItem(_("Audit log"), "audit-log", frozenset({Persona.DIRECTOR})),
]


def menu_for(user: Any) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in ITEMS if user.persona in item.personas]


def active_item(items: list[NavItem], view_name: str) -> NavItem | None:
    return next((item for item in items if item.covers(view_name)), None)
