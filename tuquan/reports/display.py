"""The report on screen: every figure in Vietnamese words and number format (thousands
".", decimals ","), named by its label, never by its code; breakdowns as sortable tables.
The figures are the JSON's (`tuquan report --format json`), only written out for people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuquan.core.indicators import INDICATORS
from tuquan.core.templatetags.tuquan import format_number
from tuquan.journal.rollups import EXTRA
from tuquan.registry.models import ModelType
from tuquan.reports import engine
from tuquan.reports.io import scalar_codes

NAME_SORT = "ten"


def extra_labels() -> dict[str, str]:
    """A model type's own indicators (`extra.cameras`) are labelled by the type's settings
    (every type's: a report may carry a code of a type retired since)."""
    found: dict[str, str] = {}
    for extras in ModelType.objects.values_list("extra_indicators", flat=True):
        for item in extras or []:
            if isinstance(item, dict) and item.get("code"):
                unit = f" ({item['unit']})" if item.get("unit") else ""
                found.setdefault(EXTRA + item["code"], f"{item.get('label') or item['code']}{unit}")
    return found


def indicator_label(code: str, extras: dict[str, str]) -> str:
    if code in extras:
        return extras[code]
    found = INDICATORS.get(code)
    # A code nobody labelled is still not shown raw: it reads as "another figure".
    return found.label if found else _("Chỉ tiêu khác")


def _number(value: float | int) -> str:
    if isinstance(value, float) and not value.is_integer():
        return format_number(value, 1)
    return format_number(value)


def figure(value: Any, kind: str = "") -> str:
    """One figure as people read it: 1.234; 12,5; 91,7% (11/12); 1.500.000 ₫."""
    if value is None:
        return _("không có số liệu")
    if isinstance(value, dict) and "ratio" in value:
        parts = f"{format_number(value['numerator'])}/{format_number(value['denominator'])}"
        if value["ratio"] is None:
            return _("chưa tính được (%(parts)s)") % {"parts": parts}
        return f"{format_number(value['ratio'] * 100, 1)}% ({parts})"
    if isinstance(value, str) or kind == "money":
        return f"{format_number(value)} ₫"
    return _number(value)


def sort_value(value: Any) -> float:
    """The number a column is sorted by (a ratio by its ratio; nothing sorts last)."""
    if isinstance(value, dict):
        value = value.get("ratio")
    if value is None:
        return float("-inf")
    return float(value)


@dataclass
class Row:
    code: str
    label: str
    value: str
    previous: str
    year_before: str
    note: str = ""


@dataclass
class Column:
    code: str
    label: str
    sort: str  # the `?sap-xep=` value that sorts by it


@dataclass
class Breakdown:
    dimension: str
    title: str
    columns: list[Column]
    members: list[tuple[str, list[str]]]  # (name, figures in column order)
    total: list[str]
    sorted_by: str
    bars: list[tuple[str, str, float]] = field(default_factory=list)  # (name, figure, width 0–100)
    bars_label: str = ""


TITLES = {
    "child": gettext_lazy("Theo đơn vị trực thuộc"),
    "type": gettext_lazy("Theo loại mô hình"),
    "legacy": gettext_lazy("Theo huyện, xã cũ (trước 01/7/2025)"),
}


def indicator_kind(code: str) -> str:
    found = INDICATORS.get(code)
    return found.kind if found else ""


def rows(report: dict[str, Any], extras: dict[str, str]) -> list[Row]:
    previous = report["comparison"]["previous"]["indicators"]
    year = report["comparison"]["year_before"]["indicators"]
    notes = report.get("notes", {})
    return [
        Row(
            code=c,
            label=indicator_label(c, extras),
            value=figure(report["indicators"][c], indicator_kind(c)),
            previous=figure(previous.get(c), indicator_kind(c)),
            year_before=figure(year.get(c), indicator_kind(c)),
            note=notes.get(c, ""),
        )
        for c in scalar_codes(report["indicators"])
    ]


def general_notes(report: dict[str, Any], extras: dict[str, str]) -> list[tuple[str, str]]:
    """Notes not about one shown figure (`journal.unapproved`), or about a figure not shown
    as a row: (what it is about in words, the note)."""
    shown = set(scalar_codes(report["indicators"]))
    return [
        ((indicator_label(code, extras) if code in INDICATORS or code in extras else ""), note)
        for code, note in report.get("notes", {}).items()
        if code not in shown
    ]


def breakdowns(report: dict[str, Any], extras: dict[str, str], sort: str) -> list[Breakdown]:
    codes = scalar_codes(report["indicators"])
    columns = [Column(c, indicator_label(c, extras), c) for c in codes]
    labels = report.get("labels", {})
    found = []
    for dimension, members in report.get("breakdowns", {}).items():
        items = list(members.items())
        if sort in codes:
            items.sort(key=lambda item: (-sort_value(item[1].get(sort)), labels.get(item[0], item[0])))
        else:
            items.sort(key=lambda item: labels.get(item[0], item[0]))
        total: dict[str, Any] = {}
        for _member, values in items:
            total = engine.add(total, {c: values[c] for c in codes if c in values})
        breakdown = Breakdown(
            dimension=dimension,
            title=str(TITLES.get(dimension, _("Phân tổ khác"))),
            columns=columns,
            members=[
                (labels.get(m, m), [figure(values.get(c), indicator_kind(c)) for c in codes])
                for m, values in items
            ],
            total=[figure(total.get(c), indicator_kind(c)) for c in codes],
            sorted_by=sort if sort in codes else NAME_SORT,
        )
        if sort in codes:
            breakdown.bars_label = indicator_label(sort, extras)
            top = max((sort_value(v.get(sort)) for _m, v in items), default=0.0)
            breakdown.bars = [
                (
                    labels.get(m, m),
                    figure(v.get(sort), indicator_kind(sort)),
                    round(100 * max(sort_value(v.get(sort)), 0) / top, 1) if top > 0 else 0.0,
                )
                for m, v in items
            ]
        found.append(breakdown)
    return found
