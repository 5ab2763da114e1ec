"""Vietnamese number and money formatting: 17.891 and 1.000.000 ₫, whatever the UI language."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


def format_number(value: Any, decimals: int = 0) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "" if value is None else str(value)
    text = f"{number:,.{decimals}f}"
    # Python groups with "," and marks decimals with "."; Vietnamese uses the reverse.
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@register.filter(name="so")
def so(value: Any, decimals: int = 0) -> str:
    return format_number(value, int(decimals))


@register.filter(name="vnd")
def vnd(value: Any) -> str:
    if value is None or value == "":
        return ""
    return f"{format_number(value)} ₫"
