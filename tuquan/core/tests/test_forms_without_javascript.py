"""Every HTMX form also works without JavaScript, and refused forms are swapped in place."""

from __future__ import annotations

import json
import re
from pathlib import Path

import tuquan

TEMPLATES = sorted(Path(tuquan.__file__).parent.rglob("templates/**/*.html"))
FORM_TAG = re.compile(r"<form\b[^>]*>", re.S)


def htmx_forms() -> list[tuple[str, str]]:
    found = []
    for template in TEMPLATES:
        for tag in FORM_TAG.findall(template.read_text(encoding="utf-8")):
            if "hx-post" in tag:
                found.append((str(template.relative_to(template.parents[2])), tag))
    return found


def test_every_htmx_form_posts_to_its_address_without_javascript_too() -> None:
    forms = htmx_forms()
    assert len(forms) >= 20
    without = [name for name, tag in forms if 'method="post"' not in tag or "action=" not in tag]
    assert without == []


def test_every_page_swaps_a_refused_form_and_ends_a_hanging_request() -> None:
    base = (Path(tuquan.__file__).parent / "templates" / "base.html").read_text(encoding="utf-8")
    config = json.loads(re.search(r"name=\"htmx-config\" content='([^']+)'", base).group(1))  # type: ignore[union-attr]
    rules = config["responseHandling"]
    first_for = {
        code: next(r for r in rules if re.fullmatch(r["code"], code)) for code in ("200", "422", "500")
    }
    assert first_for["422"]["swap"] is True
    assert first_for["500"]["swap"] is False and first_for["500"]["error"] is True
    assert 0 < config["timeout"] <= 60_000
    assert "tuquan/tuquan.js" in base and "data-msg-offline" in base
