"""The report on screen: figures in Vietnamese number format and words, labelled, never a
raw code; breakdowns as tables with a totals row, sorted by `?sap-xep=`."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tuquan.reports.display import figure, indicator_label
from tuquan.reports.tests.test_reports import some_history


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (96, "flow", "96"),
        (0, "flow", "0"),
        (1234567, "stock", "1.234.567"),
        (12.5, "flow", "12,5"),
        (3.0, "flow", "3"),
        ("1500000", "money", "1.500.000 ₫"),
        ({"numerator": 11, "denominator": 12, "ratio": 0.9167}, "ratio", "91,7% (11/12)"),
        ({"numerator": 1200, "denominator": 2400, "ratio": 0.5}, "ratio", "50,0% (1.200/2.400)"),
        ({"numerator": 0, "denominator": 0, "ratio": None}, "ratio", "chưa tính được (0/0)"),
        (None, "flow", "không có số liệu"),
    ],
)
def test_a_figure_is_written_the_vietnamese_way(value: Any, kind: str, shown: str) -> None:
    assert figure(value, kind) == shown


def test_an_indicator_is_named_by_its_label_and_a_model_types_own_by_the_types_settings() -> None:
    assert indicator_label("arrests.cases", {}) == "Số vụ giúp bắt giữ"
    assert indicator_label("extra.cameras", {"extra.cameras": "Số camera an ninh (cái)"}) == (
        "Số camera an ninh (cái)"
    )
    assert indicator_label("no.such.code", {}) == "Chỉ tiêu khác"


@pytest.mark.django_db
def test_the_report_page_shows_every_figure_labelled_and_the_breakdowns_as_tables(world: Any) -> None:
    some_history(world)
    yesterday = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
    client = Client()
    client.force_login(world.alice)
    response = client.post(
        "/bao-cao/", {"area": "04099", "start": "01/01/2025", "end": yesterday, "by": ["child"]}
    )
    url = response["Location"]
    page = client.get(url).content.decode()
    report = client.get(f"{url}tai.json").json()
    text = re.sub(r"<[^>]+>", " ", page)
    # No code leaks into what people read (codes live only in data attributes).
    for code in report["indicators"]:
        assert not re.search(rf"(?<![\w.\-=\"]){re.escape(code)}(?![\w.])", text), code
    assert "xem đầy đủ trong tệp Excel" not in page
    assert 'id="phan-to-child"' in page and "<tfoot>" in page
    for ident, name in report["labels"].items():
        assert name in page, ident
    sorted_page = client.get(f"{url}?sap-xep=patrols.count").content.decode()
    assert 'aria-sort="descending"' in sorted_page and "report-bars" in sorted_page


@pytest.mark.django_db
def test_the_area_is_chosen_by_its_name_without_accents_and_a_typed_code_still_works(world: Any) -> None:
    client = Client()
    client.force_login(world.dana)
    options = client.get("/bao-cao/", {"area": "son la"}, headers={"HX-Request": "true"}).content.decode()
    assert f'value="{world.province.ident}"' in options and world.province.name in options
    assert (
        client.get("/bao-cao/", {"area": "lai chau"}, headers={"HX-Request": "true"}).content.decode().strip()
        == ""
    )
    yesterday = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
    for typed in (world.commune.short_name.lower(), world.commune.ident):
        response = client.post("/bao-cao/", {"area": typed, "start": "01/01/2026", "end": yesterday})
        assert response.status_code == 302, typed
        assert world.commune.name in client.get(response["Location"]).content.decode()
    refused = client.post("/bao-cao/", {"area": "lai chau", "start": "01/01/2026", "end": yesterday})
    assert refused.status_code == 422 and "chọn trong danh sách gợi ý" in refused.content.decode()
