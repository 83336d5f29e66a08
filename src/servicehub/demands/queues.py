"""Whose move it is: the demands that wait for a user, read from the lifecycle's transitions.

A demand waits for the people who may make its next step forward. Cancelling is
always possible early on and re-quoting a quoted demand is optional, so neither
puts a demand in anybody's queue. A draft waits for whoever opened it, not for
everyone who may submit drafts.
"""

from __future__ import annotations

from django.db.models import Q

from servicehub.core.models import User
from servicehub.demands.actions import TRANSITIONS
from servicehub.demands.choices import DemandState

# Transitions that never make a demand wait for someone.
_SIDE_STEPS = frozenset({"cancel"})


def next_steps(state: DemandState) -> list[str]:
    """The transitions that move a demand in `state` forward (not aside, not onto itself)."""
    return [
        name
        for name, rule in TRANSITIONS.items()
        if state in rule.sources and name not in _SIDE_STEPS and rule.target != state
    ]


def waiting_states(user: User) -> frozenset[DemandState]:
    """The states (drafts aside) in which a demand waits for someone of the user's persona."""
    return frozenset(
        state
        for state in DemandState
        if state != DemandState.DRAFT
        and any(user.persona in TRANSITIONS[name].personas for name in next_steps(state))
    )


def may_open_demands(user: User) -> bool:
    """Who may open (and submit) a demand: the client and the delivery leads, as do_create_demand says."""
    return user.persona in TRANSITIONS["submit"].personas


def waiting_for(user: User) -> Q:
    """Rows that wait for `user`: the states of their persona's moves, and their own drafts."""
    condition = Q(state__in=sorted(waiting_states(user)))
    if may_open_demands(user):
        condition |= Q(state=DemandState.DRAFT, requested_by=user)
    return condition


def has_a_queue(user: User) -> bool:
    """Whether the user has moves of their own beyond their drafts (provider staff, approvers)."""
    return bool(waiting_states(user))
