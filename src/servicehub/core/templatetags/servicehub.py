"""Template filters shared by every page: `{% load servicehub %}`."""

from __future__ import annotations

from decimal import Decimal

from django import template

from servicehub.core.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | int | None, currency: str = "") -> str:
    """`{{ order.amount|money:contract.currency }}` → "500 000,00 MAD" (in French)."""
    return format_money(amount, currency)


@register.filter
def percent_of(part: int | Decimal | None, whole: int | Decimal | None) -> int:
    """Whole percent of `part` in `whole`, capped to 0..100 for bar widths; 0 when `whole` is empty."""
    if not part or not whole:
        return 0
    return max(0, min(100, round(100 * Decimal(part) / Decimal(whole))))
