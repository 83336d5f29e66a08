from __future__ import annotations

from collections.abc import Sequence

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


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the script or tool that will use it."),
    )
