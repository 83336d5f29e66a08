from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from servicehub.core.navigation import active_item, menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    items = menu_for(request.user)
    match = getattr(request, "resolver_match", None)
    active = active_item(items, match.view_name) if match is not None else None
    return {"nav_items": items, "nav_active": active.url_name if active else ""}
