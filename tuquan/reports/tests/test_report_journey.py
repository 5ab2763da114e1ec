"""Province staff read a report on screen (issue 25): dana picks the province by its name,
asks for it by commune and by model type, waits for the worker, and reads on the page the
same figures as `tuquan report --format json` gives for that request, in Vietnamese format.
Served as in production, in Chromium, at 1366 px."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tuquan.reports.display import figure, indicator_kind
from tuquan.reports.io import scalar_codes
from tuquan.testing.journal import record_patrols
from tuquan.testing.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 900}


def shown(cell: str) -> str:
    return " ".join(cell.split())


def test_province_staff_read_the_report_by_commune_and_type_as_the_json_gives_it(
    journey: Journey, live_world: Any
) -> None:
    from tuquan.reports.tests.test_reports import some_history

    w = live_world
    some_history(w)
    record_patrols(w, 12)
    today = timezone.localdate()
    start, end = today.replace(month=1, day=1), today - timedelta(days=1)
    page = journey.page
    page.set_viewport_size(DESK)

    journey.login("dana")
    journey.tap("Báo cáo")
    # The province is found by its name typed without accents; the list fills in its code.
    field = page.get_by_label("Địa bàn")
    field.fill("")
    field.press_sequentially("son la", delay=30)
    page.wait_for_selector(f"#area-choices option[value='{w.province.ident}']", state="attached")
    field.fill(w.province.ident)
    # The phone's date pickers (issue 25, item 2) take the ISO day.
    journey.fill("Từ ngày", start.isoformat())
    journey.fill("Đến ngày", end.isoformat())
    page.get_by_label("Theo loại mô hình").check()
    journey.tap("Lập báo cáo")
    assert "Đang tính" in journey.text()
    # The worker computes it; the page updates by itself.
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    page.wait_for_selector("#report-figures", timeout=15_000)

    out = io.StringIO()
    call_command(
        "report",
        "--as", "dana", "--area", w.province.ident, "--from", start.isoformat(), "--to", end.isoformat(),
        "--by", "child", "--by", "type", stdout=out,
    )  # fmt: skip
    report = json.loads(out.getvalue())
    codes = scalar_codes(report["indicators"])
    assert report["indicators"]["patrols.count"] >= 12

    # Every figure of the area, in the JSON's value, written the Vietnamese way.
    for code in codes:
        cell = page.locator(f"#report-figures tr[data-code='{code}'] td").first.inner_text()
        assert shown(cell) == figure(report["indicators"][code], indicator_kind(code)), code
    patrols = page.locator("#report-figures tr[data-code='patrols.count']")
    assert patrols.locator("th").inner_text().startswith("Số lượt tuần tra")
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", shown(patrols.locator("td").first.inner_text()))

    # Each breakdown: one row per commune (or model type), its cells the JSON's.
    for dimension in ("child", "type"):
        members = report["breakdowns"][dimension]
        table = page.locator(f"#phan-to-{dimension} table")
        assert table.locator("tbody tr").count() == len(members)
        headers = [c.get_attribute("data-code") for c in table.locator("thead th[data-code]").all()]
        assert headers == codes
        for member, values in members.items():
            row = table.locator("tbody tr", has=page.locator(f"th:text-is('{report['labels'][member]}')"))
            cells = [shown(c) for c in row.locator("td").all_inner_texts()]
            assert cells == [figure(values.get(c), indicator_kind(c)) for c in codes], member
        assert table.locator("tfoot th").inner_text() == "Cộng"

    # Sorted by a column (a link, no script needed): the largest first, with its bars.
    child = page.locator("#phan-to-child")
    child.get_by_role("link", name="Số lượt tuần tra", exact=True).click()
    page.wait_for_load_state()
    first = page.locator("#phan-to-child tbody tr").first.locator("th").inner_text()
    most = max(report["breakdowns"]["child"].items(), key=lambda item: item[1]["patrols.count"])
    assert first == report["labels"][most[0]]
    assert page.locator("#phan-to-child .report-bars li").count() == len(report["breakdowns"]["child"])
    assert "—" not in journey.text()
    journey.assert_styled()
