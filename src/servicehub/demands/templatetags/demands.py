"""Template tags of the demand pages: `{% load demands %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from servicehub.demands.choices import Decision, DemandState, InvoiceState

register = template.Library()

S = DemandState
# The badge colour of each state: blue while work moves on, green when done, red when refused.
TONES: dict[str, str] = {
    S.DRAFT: "",
    S.SUBMITTED: "info",
    S.QUOTED: "info",
    S.ORDERED: "info",
    S.PLANNED: "info",
    S.IN_PROGRESS: "info",
    S.DELIVERED: "info",
    S.ACCEPTED: "ok",
    S.INVOICED: "ok",
    S.REJECTED: "danger",
    S.REWORK: "warn",
    S.CANCELLED: "",
}


@register.inclusion_tag("demands/_state.html")
def state_badge(state: str) -> dict[str, Any]:
    """`{% state_badge demand.state %}`: the state's label in its colour, with the raw value as data."""
    return {"state": state, "label": DemandState(state).label, "tone": TONES.get(state, "")}


@register.filter
def decision_tone(decision: str) -> str:
    """Green for an accepted delivery, red for a rejected one, blue while the client decides."""
    tones: dict[str, str] = {Decision.ACCEPTED: "ok", Decision.REJECTED: "danger"}
    return tones.get(decision, "info")


@register.inclusion_tag("demands/_decision.html")
def decision_badge(decision: str) -> dict[str, Any]:
    """`{% decision_badge delivery.decision %}`: accepted, rejected, or still awaiting the client."""
    label = Decision(decision).label if decision else _("Awaiting decision")
    return {"label": label, "tone": decision_tone(decision), "decision": decision}


@register.inclusion_tag("demands/_state.html")
def invoice_state_badge(state: str) -> dict[str, Any]:
    """`{% invoice_state_badge invoice.state %}`: grey while a draft, green once issued."""
    tone = "ok" if state == InvoiceState.ISSUED else ""
    return {"state": state, "label": InvoiceState(state).label, "tone": tone}
