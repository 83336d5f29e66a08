"""Forms of the demand pages: a new demand with its lines, the quote editor, and one form per step.

Choices (contracts, work units, purchase orders, sites) are computed once by the view from
restricted querysets and handed to the forms, so a form with many lines costs no query per line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import PriceListVersion, WorkUnit
from servicehub.contracts.models import Contract, PurchaseOrder
from servicehub.core.money import format_money
from servicehub.demands.actions import LineInput
from servicehub.org.models import Site

# More lines than this in one demand or quote is a typing accident, not a request.
MAX_LINES = 50
LINES_PREFIX = "lines"
LINE_FIELDS = ("work_unit", "complexity", "quantity")

_DATE_INPUT = {"type": "date"}


def _date_widget() -> forms.DateInput:
    # The browser's date picker reads and writes ISO dates, whatever the language.
    return forms.DateInput(attrs=_DATE_INPUT, format="%Y-%m-%d")


@dataclass
class Catalogue:
    """The work units a price-list version prices, and its price of each (unit, grade) pair it can quote."""

    version: PriceListVersion | None = None
    units: dict[int, WorkUnit] = field(default_factory=dict)
    priced: dict[tuple[int, str], Decimal] = field(default_factory=dict)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [("", "—")] + [(str(pk), str(unit)) for pk, unit in self.units.items()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input (Django's own FileField takes one)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(FilesField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class DemandForm(forms.Form):
    contract = forms.TypedChoiceField(label=_("Contract"), coerce=int, empty_value=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is needed and why: context, constraints, people to talk to."),
    )
    desired_on = forms.DateField(
        label=_("Desired by"),
        required=False,
        widget=_date_widget(),
        help_text=_("Optional. The delivery lead commits to a date when planning."),
    )
    attachments = FilesField(
        label=_("Attachments"),
        required=False,
        help_text=_("Optional: specifications, screenshots… up to 20 MB each. You can add more later."),
    )

    def __init__(self, *args: Any, contracts: Sequence[Contract], today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contracts = {contract.pk: contract for contract in contracts}
        self.today = today
        self.fields["contract"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (str(c.pk), f"{c.reference} — {c.title} ({c.client.name})") for c in contracts
        ]

    def clean_contract(self) -> Contract:
        return self.contracts[self.cleaned_data["contract"]]

    def clean_desired_on(self) -> dt.date | None:
        desired: dt.date | None = self.cleaned_data["desired_on"]
        if desired is not None and desired < self.today:
            raise forms.ValidationError(_("The desired date cannot be in the past."))
        return desired


class LineForm(forms.Form):
    work_unit = forms.TypedChoiceField(label=_("Work unit"), coerce=int, empty_value=None)
    complexity = forms.ChoiceField(label=_("Complexity"), choices=[("", "—"), *Complexity.choices])
    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )

    def __init__(self, *args: Any, catalogue: Catalogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        self.fields["work_unit"].choices = catalogue.choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unit, grade = cleaned.get("work_unit"), cleaned.get("complexity")
        if unit is not None and grade and (unit, grade) not in self.catalogue.priced:
            self.add_error(
                "complexity",
                _("%(unit)s cannot be had as “%(grade)s” in this contract's catalogue.")
                % {"unit": self.catalogue.units[unit].code, "grade": Complexity(grade).label},
            )
        return cleaned


if TYPE_CHECKING:
    _LineFormSetBase = forms.BaseFormSet[LineForm]
else:  # BaseFormSet is generic for the type checker only
    _LineFormSetBase = forms.BaseFormSet


class BaseLineFormSet(_LineFormSetBase):
    """Lines of a demand or a quote. Blank lines are ignored; lines ticked "remove" are dropped.

    Every line counts as an "extra" form (no initial forms): a line carried over from an
    earlier round trip is validated like any other, and a blank one is simply skipped.
    """

    def initial_form_count(self) -> int:
        return 0

    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.lines():
            raise forms.ValidationError(_("Ask for at least one work unit."))

    def lines(self) -> list[LineInput]:
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get(forms.formsets.DELETION_FIELD_NAME)
        ]
        units = self.form_kwargs["catalogue"].units
        return [
            LineInput(units[data["work_unit"]], Complexity(data["complexity"]), data["quantity"])
            for data in kept
        ]


def line_formset(
    catalogue: Catalogue, data: QueryDict | None = None, initial: Sequence[Mapping[str, Any]] = ()
) -> BaseLineFormSet:
    """Bound to `data`, or unbound showing `initial` (one form per entry)."""
    formset_class = forms.formset_factory(
        LineForm,
        formset=BaseLineFormSet,
        extra=0 if data is not None else len(initial),
        can_delete=True,
        max_num=MAX_LINES,
        validate_max=True,
        absolute_max=MAX_LINES,
    )
    formset = formset_class(
        data, initial=list(initial) or None, prefix=LINES_PREFIX, form_kwargs={"catalogue": catalogue}
    )
    assert isinstance(formset, BaseLineFormSet)
    return formset


def carried_lines(data: QueryDict) -> list[dict[str, str]]:
    """The lines typed so far, as they were typed, without those ticked for removal."""
    try:
        total = int(data.get(f"{LINES_PREFIX}-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    rows = []
    for i in range(max(0, min(total, MAX_LINES))):
        if data.get(f"{LINES_PREFIX}-{i}-DELETE"):
            continue
        rows.append({name: data.get(f"{LINES_PREFIX}-{i}-{name}", "") for name in LINE_FIELDS})
    return rows


def carried_fields(data: QueryDict, form_class: type[forms.Form]) -> dict[str, str]:
    """The form's fields as they were typed, to show them again without judging them yet."""
    return {name: data.get(name, "") for name in form_class.base_fields}


class QuoteForm(forms.Form):
    quoted_on = forms.DateField(
        label=_("Quote date"),
        widget=_date_widget(),
        help_text=_("Prices come from the version of the price list in force on this date."),
    )
    note = forms.CharField(
        label=_("Note to the client"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmForm(forms.Form):
    """A step with nothing to fill in: the page asks, the button confirms."""


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, note_label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if note_label is not None:
            self.fields["note"].label = note_label


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, reason_help: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reason_help is not None:
            self.fields["reason"].help_text = reason_help


@dataclass(frozen=True)
class OpenOrder:
    purchase_order: PurchaseOrder
    remaining: Decimal
    currency: str

    @property
    def label(self) -> str:
        return str(
            _("%(number)s — %(remaining)s left of %(amount)s, valid until %(until)s")
            % {
                "number": self.purchase_order.number,
                "remaining": format_money(self.remaining, self.currency),
                "amount": format_money(self.purchase_order.amount, self.currency),
                "until": date_format(self.purchase_order.valid_until, "SHORT_DATE_FORMAT"),
            }
        )


class OrderForm(forms.Form):
    purchase_order = forms.TypedChoiceField(
        label=_("Purchase order"), coerce=int, empty_value=None, widget=forms.RadioSelect
    )
    override = forms.BooleanField(
        label=_("Order even beyond what remains on the purchase order (director's override, audited)"),
        required=False,
    )

    def __init__(self, *args: Any, orders: Sequence[OpenOrder], may_override: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orders = {order.purchase_order.pk: order.purchase_order for order in orders}
        self.fields["purchase_order"].choices = [  # type: ignore[attr-defined]
            (str(order.purchase_order.pk), order.label) for order in orders
        ]
        if orders:
            # The action's own choice when none is given: the order with the most left.
            best = max(orders, key=lambda order: order.remaining)
            self.fields["purchase_order"].initial = str(best.purchase_order.pk)
        if not may_override:
            del self.fields["override"]

    def clean_purchase_order(self) -> PurchaseOrder:
        return self.orders[self.cleaned_data["purchase_order"]]


class PlanForm(forms.Form):
    site = forms.TypedChoiceField(label=_("Delivering site"), coerce=int, empty_value=None)
    committed_on = forms.DateField(label=_("Committed delivery date"), widget=_date_widget())

    def __init__(self, *args: Any, sites: Sequence[Site], today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sites = {site.pk: site for site in sites}
        self.today = today
        self.fields["site"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (str(site.pk), site.name) for site in sites
        ]
        if len(sites) == 1:
            self.fields["site"].initial = str(sites[0].pk)

    def clean_site(self) -> Site:
        return self.sites[self.cleaned_data["site"]]

    def clean_committed_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["committed_on"]
        if day < self.today:
            raise forms.ValidationError(_("The committed date cannot be in the past."))
        return day


def parse_month(raw: str | None) -> dt.date | None:
    """ "2026-06" → 1 June 2026; None for anything else."""
    try:
        return dt.datetime.strptime((raw or "").strip(), "%Y-%m").date()
    except ValueError:
        return None


class PrepareInvoiceForm(forms.Form):
    """The contract and month of an invoice to prepare; the view hands over the visible contracts."""

    contract = forms.TypedChoiceField(label=_("Contract"), coerce=int, empty_value=None)
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )

    def __init__(self, *args: Any, contracts: Sequence[Contract], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contracts = {contract.pk: contract for contract in contracts}
        self.fields["contract"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (str(contract.pk), f"{contract.reference} — {contract.title}") for contract in contracts
        ]
        if len(contracts) == 1:
            self.fields["contract"].initial = str(contracts[0].pk)

    def clean_contract(self) -> Contract:
        return self.contracts[self.cleaned_data["contract"]]

    def clean_month(self) -> dt.date:
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("Give the month as YYYY-MM."))
        return month


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A specification, a screenshot, a test report: up to 20 MB."),
    )
