"""Vietnamese conventions: dates, numbers, money, search, language switch."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from tuquan.core.templatetags.tuquan import format_number
from tuquan.core.text import normalize_search


class DateForm(forms.Form):
    d = forms.DateField()


def test_01_07_2025_is_the_first_of_july() -> None:
    with translation.override("vi"):
        form = DateForm({"d": "01/07/2025"})
        assert form.is_valid() and form.cleaned_data["d"] == date(2025, 7, 1)
        assert (
            Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(Context({"d": date(2025, 7, 1)}))
            == "01/07/2025"
        )


def test_dates_stay_vietnamese_in_the_english_interface() -> None:
    with translation.override("en"):
        form = DateForm({"d": "01/07/2025"})
        assert form.is_valid() and form.cleaned_data["d"] == date(2025, 7, 1)


def test_numbers_and_money_use_dots_for_thousands() -> None:
    assert format_number(17891) == "17.891"
    assert format_number(Decimal("1234.5"), 1) == "1.234,5"
    rendered = Template("{{ n|so }} · {{ m|vnd }}").render(Context({"n": 17891, "m": Decimal("1000000")}))
    assert rendered == "17.891 · 1.000.000 ₫"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("son la", "Sơn La"),
        ("phieng khoai", "Phiêng Khoài"),
        ("dak lak", "Đắk Lắk"),
        ("leo van mon", "Lèo Văn Mòn"),
        ("hoa", "Hoà"),
        ("hoa", "Hòa"),
        ("HOA", "Hoa"),
    ],
)
def test_search_normalisation(typed: str, stored: str) -> None:
    assert normalize_search(stored) == normalize_search(typed)


def test_decomposed_input_is_normalised_first() -> None:
    import unicodedata

    assert normalize_search(unicodedata.normalize("NFD", "Đắk Lắk")) == "dak lak"


@pytest.mark.django_db
def test_the_interface_is_vietnamese_by_default_and_switches_to_english() -> None:
    client = Client()
    assert "Đăng nhập" in client.get("/dang-nhap/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    assert "Log in" in client.get("/dang-nhap/").content.decode()


@pytest.mark.django_db
def test_the_mobile_viewport_is_declared(world: Any) -> None:
    html = Client().get("/dang-nhap/").content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html


@pytest.mark.django_db
def test_a_phone_set_to_english_still_gets_vietnamese_until_the_user_switches() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in client.get("/dang-nhap/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    assert "Log in" in client.get("/dang-nhap/").content.decode()


def _imports(path: Any) -> list[tuple[str, str]]:
    """Every (module, name) a file imports from the project, at its top or inside functions."""
    import ast

    found: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tuquan"):
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names if alias.name.startswith("tuquan")]
    return found


def test_the_workbook_modules_point_down_and_share_no_private_names() -> None:
    from pathlib import Path

    import tuquan

    root = Path(tuquan.__file__).parent
    layers = ["core", "registry", "journal", "care"]  # each may import only those before it
    problems = []
    for app in layers[1:]:
        for path in [
            root / app / "io.py",
            root / app / "workbook.py",
            *(root / app / "workbook").glob("*.py"),
        ]:
            if not path.exists():
                continue
            for module, name in _imports(path):
                parts = module.split(".")
                other = parts[1] if len(parts) > 1 else ""
                if other in layers and layers.index(other) > layers.index(app):
                    problems.append(f"{path.relative_to(root)} imports {module} (a later app)")
                if name.startswith("_") and name != "__all__" and not module.startswith(f"tuquan.{app}"):
                    problems.append(f"{path.relative_to(root)} imports the private {module}.{name}")
    for path in root.rglob("*.py"):
        for module, name in _imports(path):
            if module.startswith("tuquan.core.workbook") and name.startswith("_"):
                problems.append(f"{path.relative_to(root)} imports the private {module}.{name}")
    assert problems == []


def test_no_workbook_module_is_past_600_lines() -> None:
    from pathlib import Path

    import tuquan

    root = Path(tuquan.__file__).parent
    modules = [*root.glob("*/workbook/*.py"), *root.glob("*/workbook.py")]
    assert len(modules) >= 14
    long = [
        str(p.relative_to(root)) for p in modules if len(p.read_text(encoding="utf-8").splitlines()) > 600
    ]
    assert long == []
