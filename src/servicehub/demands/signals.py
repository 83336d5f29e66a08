"""Signals of the demands app, for work that follows a change without being part of it."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once per committed batch of an import (do_import_servicenow), after the commit, with
# `contract_id` and `demand_ids`: the demands just imported, timelines included. The import
# computes no service level itself; the SLA clocks connect here to measure the history.
demands_imported = Signal()
