"""The dashboard's and the narrative's wording: periods counted in whole months and days,
a rate's change in percentage points."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tuquan.documents.narrative import compare, period_length, trend


def rate(numerator: int, denominator: int) -> dict[str, object]:
    return {
        "numerator": numerator,
        "denominator": denominator,
        "ratio": round(numerator / denominator, 4) if denominator else None,
    }


@pytest.mark.parametrize(
    ("start", "end", "said"),
    [
        (date(2026, 1, 1), date(2026, 12, 2), "11 tháng và 2 ngày"),
        (date(2026, 1, 1), date(2026, 12, 31), "12 tháng"),
        (date(2025, 12, 1), date(2026, 11, 30), "12 tháng"),
        (date(2026, 1, 1), date(2026, 1, 31), "1 tháng"),
        (date(2026, 3, 5), date(2026, 3, 20), "16 ngày"),
        (date(2026, 2, 1), date(2026, 3, 1), "1 tháng và 1 ngày"),
        (date(2024, 1, 1), date(2024, 2, 29), "2 tháng"),
    ],
)
def test_a_period_is_counted_in_whole_months_and_the_days_left(start: date, end: date, said: str) -> None:
    assert period_length(start, end) == said


def test_a_rates_change_is_in_percentage_points_not_a_percent_of_a_percent() -> None:
    # 22/24 after 2/24: 91,7% after 8,3%, up 83,4 points (of the rounded rates), not "1.000%".
    said = compare(rate(22, 24), rate(2, 24), "cùng kỳ năm trước")
    assert said == "tăng 83,4 điểm phần trăm so với cùng kỳ năm trước (8,3%)"
    # 83,3% after 91,7%: the points are those of the rates as shown.
    assert compare(rate(10, 12), rate(11, 12)) == "giảm 8,4 điểm phần trăm so với kỳ trước (91,7%)"
    assert compare(rate(1, 2), rate(2, 4)) == "bằng kỳ trước (50%)"
    assert compare(rate(1, 2), rate(0, 0)) == "chưa so sánh được với kỳ trước"
    assert trend(rate(10, 12), rate(22, 48)) == "up"  # fewer reported pairs, a higher rate


def test_a_counts_change_stays_a_difference_and_a_percent() -> None:
    assert compare(120, 100) == "tăng 20 (20,0%) so với kỳ trước"
    assert compare(5, 0) == "tăng 5 so với kỳ trước (0)"
    assert compare(5, None) == "chưa có số liệu kỳ trước"


@pytest.mark.django_db
def test_a_villages_dashboard_places_the_village_and_counts_its_period_right(world: Any) -> None:
    from tuquan.core.models import Area

    Area.objects.filter(pk=world.village.pk).update(latitude=21.3256, longitude=103.9188)
    client = Client()
    client.force_login(world.alice)
    today = timezone.localdate()
    first = date(today.year - (today.month < 12), (today.month % 12) + 1, 1)  # eleven months back
    page = client.get(f"/tong-quan/{world.village.ident}/").content.decode()
    assert "Chưa có tọa độ" not in page and 'class="map"' in page and "<circle" in page
    assert "21,3256, 103,9188" in page
    said = period_length(first, today - timedelta(days=1))
    assert f"{said}, từ {first:%d/%m/%Y}" in page and "12 tháng từ" not in page
    assert "cùng kỳ năm trước" in page and "(1.000" not in page


@pytest.mark.django_db
def test_the_narrative_states_plainly_what_was_not_recorded_instead_of_zero_counts(world: Any) -> None:
    from tuquan.documents.narrative import DEFAULT_TEMPLATE, context, render
    from tuquan.reports import engine

    report = engine.build(
        actor=world.alice, area=world.commune, start=date(2012, 1, 1), end=date(2012, 6, 30)
    )
    text = " ".join(b.text for b in render(DEFAULT_TEMPLATE, context(report, area_level="commune")))
    assert not re.search(r"\b0 (buổi|lượt|tin|vụ|khẩu|viên|sự việc)", text), text
    assert "chưa ghi nhận buổi sinh hoạt, tuyên truyền hay tuần tra nào" in text
    assert "chưa ghi nhận tin nào" in text and "chưa ghi nhận buổi tập huấn nào" in text
    assert not re.search(r"[;,]\s*\.", text)


@pytest.mark.django_db
def test_a_narrative_with_figures_keeps_only_the_clauses_that_have_them(world: Any) -> None:
    from tuquan.documents.narrative import DEFAULT_TEMPLATE, context, render

    report = {
        "area": {"name": "Xã Phiêng Khoài"},
        "from": "2026-01-01",
        "to": "2026-06-30",
        "indicators": {"awareness.sessions": 3, "awareness.attendance_persons": 0, "patrols.count": 1200},
    }
    text = " ".join(b.text for b in render(DEFAULT_TEMPLATE, context(report, area_level="commune")))
    assert "tổ chức 3 buổi tuyên truyền; phối hợp với lực lượng công an tổ chức 1.200 buổi tuần tra" in text
    assert "lượt người dự" not in text and "buổi sinh hoạt" not in text


@pytest.mark.django_db
def test_the_official_report_is_previewed_on_the_page_before_issuing(world: Any) -> None:
    from tuquan.testing.journal import last_month_day, record_patrols

    day = last_month_day(3)
    record_patrols(world, 4, day=day)
    client = Client()
    client.force_login(world.alice)
    start, end = day.replace(day=1), day
    issue_page = client.get("/van-ban/").content.decode()
    assert "Xem trước trên trang" in issue_page
    page = client.get(
        "/van-ban/xem-truoc/",
        {"area": world.commune.ident, "start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"},
    ).content.decode()
    assert 'id="paper-preview"' in page and "DỰ THẢO" in page and "BÁO CÁO" in page
    assert "buổi tuần tra" in page and "Nơi nhận:" in page
