from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def split_errors(exc: ValidationError, fields: Sequence[str]) -> tuple[dict[str, list[str]], list[str]]:
    """An action's errors by field of the form, and those that belong to none (shown above the form)."""
    if not hasattr(exc, "error_dict"):
        return {}, list(exc.messages)
    by_field: dict[str, list[str]] = {}
    others: list[str] = []
    for key, texts in exc.message_dict.items():
        if key in fields:
            by_field[key] = texts
        else:
            others.extend(texts)
    return by_field, others


def add_action_errors(
    form: forms.Form, exc: ValidationError, renames: Mapping[str, str] | None = None
) -> None:
    """An action's errors next to the form's fields, the others above the form (`renames` maps the
    action's field names to the form's)."""
    if renames and hasattr(exc, "error_dict"):
        exc = ValidationError({renames.get(key, key): texts for key, texts in exc.error_dict.items()})
    by_field, others = split_errors(exc, list(form.fields))
    for name, texts in by_field.items():
        form.add_error(name, texts)
    for text in others:
        form.add_error(None, text)


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the script or tool that will use it."),
    )
