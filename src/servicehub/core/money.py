"""Money helpers: amounts are `Decimal` and always travel with their currency."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format

# Between the amount and its code, so that "500 000,00 MAD" never wraps before the code.
_NBSP = "\u00a0"


def format_money(amount: Decimal | int | None, currency: str) -> str:
    """The amount in the active locale's format with two decimals, followed by the currency code."""
    if amount is None:
        return ""
    value = number_format(Decimal(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{value}{_NBSP}{currency}" if currency else value


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)


def totals_by_currency(rows: Iterable[tuple[str, Decimal | None]]) -> list[Money]:
    """Add up (currency, amount) pairs; one total per currency, never a sum across currencies."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in rows:
        totals[currency] += amount or Decimal("0")
    return [Money(amount, currency) for currency, amount in sorted(totals.items())]
