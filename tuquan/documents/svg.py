"""Small server-rendered SVG: a bar chart per indicator over the months, and a map of the
area's communes or villages as points at their coordinates (no tiles, no JavaScript)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tuquan.core.templatetags.tuquan import format_number

W, H = 320, 130
PAD_L, PAD_B, PAD_T = 8, 18, 14


def bar_chart(title: str, months: list[date], values: list[float]) -> SafeString:
    top = max(values) if values and max(values) > 0 else 1
    n = max(len(values), 1)
    slot = (W - PAD_L * 2) / n
    bar = slot * 0.7
    plot_h = H - PAD_B - PAD_T
    parts = [
        f'<svg viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}" class="chart">',
        f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_L}" y2="{H - PAD_B}" stroke="#8c8f94"/>',
        f'<text x="{W - PAD_L}" y="10" text-anchor="end" font-size="10" fill="#646970">'
        f"max {format_number(top)}</text>",
    ]
    for i, (month, value) in enumerate(zip(months, values, strict=True)):
        h = plot_h * value / top
        x = PAD_L + i * slot + (slot - bar) / 2
        y = H - PAD_B - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="#0a4b8c">'
            f"<title>{month:%m/%Y}: {format_number(value)}</title></rect>"
        )
        if i % 2 == 0 or n <= 6:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{H - 5}" text-anchor="middle" font-size="9" '
                f'fill="#646970">{month:%m/%y}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped or a number


def point_map(points: list[dict[str, Any]], size: int = 320) -> SafeString:
    """Equirectangular projection (longitude scaled by cos(latitude)); points without
    coordinates are left out. Points at the same place (villages inherit their commune's
    coordinates) are spread on a small circle so each stays visible."""
    located = [p for p in points if p.get("lat") is not None and p.get("lon") is not None]
    if not located:
        return mark_safe("")
    lat0 = sum(p["lat"] for p in located) / len(located)
    k = math.cos(math.radians(lat0))
    xs = [p["lon"] * k for p in located]
    ys = [p["lat"] for p in located]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.02)
    pad = 14
    scale = (size - 2 * pad) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    seen: dict[tuple[float, float], int] = {}
    counts: dict[tuple[float, float], int] = {}
    for p in located:
        key = (round(p["lat"], 5), round(p["lon"], 5))
        counts[key] = counts.get(key, 0) + 1
    parts = [f'<svg viewBox="0 0 {size} {size}" role="img" aria-label="Bản đồ" class="map">']
    parts.append(f'<rect x="0" y="0" width="{size}" height="{size}" fill="#f0f4f0" rx="6"/>')
    for p, x0, y0 in zip(located, xs, ys, strict=True):
        key = (round(p["lat"], 5), round(p["lon"], 5))
        i = seen.get(key, 0)
        seen[key] = i + 1
        x = size / 2 + (x0 - cx) * scale
        y = size / 2 - (y0 - cy) * scale
        if counts[key] > 1:
            angle = 2 * math.pi * i / counts[key]
            x += 40 * math.cos(angle)
            y += 40 * math.sin(angle)
        colour = "#2e7d32" if p.get("active") else "#b0b0b0"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}" stroke="#fff">'
            f"<title>{escape(p['name'])}</title></circle>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - names are escaped
