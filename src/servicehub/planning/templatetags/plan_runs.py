"""Template tags of the planning pages: `{% load plan_runs %}`."""

from __future__ import annotations

from typing import Any

from django import template

from servicehub.planning.choices import RunState

register = template.Library()

# The badge colour of each state: blue while it waits or works, green when done, red when it failed.
TONES: dict[str, str] = {
    RunState.QUEUED: "",
    RunState.RUNNING: "info",
    RunState.DONE: "ok",
    RunState.FAILED: "danger",
    RunState.CANCELLED: "warn",
}


@register.inclusion_tag("planning/_run_state.html")
def run_state_badge(state: str) -> dict[str, Any]:
    """`{% run_state_badge run.state %}`: the state's label in its colour, with the raw value as data."""
    return {"state": state, "label": RunState(state).label, "tone": TONES.get(state, "")}
