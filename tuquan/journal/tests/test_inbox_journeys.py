"""The commune's review at its own pace, only through links from the home page (issue 24):
the officer checks a village's month at once, approves it, reopens it with a reason she
types, triages a tip and replies; the province accepts the month; the administrator reads
that approval in the system log in plain Vietnamese. Served as in production, in Chromium."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tuquan.testing.journal import last_month_day, month_entries, record_patrols
from tuquan.testing.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 900}


def statuses(world: Any, month: Any) -> list[str]:
    return sorted(set(month_entries(world, month).values_list("status", flat=True)))


def unchecked_in(world: Any, month: Any) -> int:
    return month_entries(world, month).exclude(status="verified").count()


def approval_status(world: Any, month: Any) -> str | None:
    from tuquan.journal.models import Approval

    found = Approval.objects.filter(village=world.village, month=month).first()
    return found.status if found else None


def test_the_commune_checks_a_month_at_once_approves_reopens_with_a_reason_and_the_province_accepts(
    journey: Journey, live_world: Any
) -> None:
    w = live_world
    day = last_month_day(3)
    record_patrols(w, 4, day=day)
    month = day.replace(day=1)
    page = journey.page
    page.set_viewport_size(DESK)

    journey.login("alice")
    # The home page says what waits, and leads there.
    waiting = page.locator("li", has=page.get_by_role("link", name=re.compile("Tháng của thôn chờ duyệt")))
    assert waiting.locator(".badge").inner_text() == "1"
    journey.tap(re.compile("Tháng của thôn chờ duyệt"))
    journey.tap(w.village.name)
    unchecked = unchecked_in(w, month)
    assert unchecked >= 4 and f"{unchecked} hoạt động chưa kiểm tra" in journey.text()
    # Approving with unchecked entries is not a dead end: the page says why, and lists them.
    journey.tap("Duyệt số liệu tháng này")
    assert page.locator(".errorlist").count() >= 1
    assert page.locator("#village-month ul.list a").count() == unchecked
    journey.tap(f"Kiểm tra tất cả ({unchecked})")
    page.wait_for_selector(f".messages >> text=Đã kiểm tra {unchecked} hoạt động.")
    assert statuses(w, month) == ["verified"]
    journey.tap("Duyệt số liệu tháng này")
    assert approval_status(w, month) == "approved"
    journey.assert_styled()

    # Reopening asks for the reason, typed by the officer; an empty one changes nothing.
    journey.tap(w.village.name)
    journey.tap("Mở lại tháng này")
    # The browser holds the form back (the field is required); the server refuses it too
    # (test_review_at_the_communes_pace).
    assert page.locator("#id_reason:invalid").count() == 1
    assert approval_status(w, month) == "approved"
    journey.fill("Lý do mở lại", "Tổ báo ghi thiếu một buổi tuần tra")
    journey.tap("Mở lại tháng này")
    assert approval_status(w, month) == "reopened"
    journey.tap(w.village.name)
    assert "Tổ báo ghi thiếu một buổi tuần tra" in journey.text()
    journey.tap("Duyệt số liệu tháng này")
    assert approval_status(w, month) == "approved"

    # The tip, from home too: moved on and answered.
    page.goto(f"{journey.base}/")
    journey.tap("Tin báo đang mở")
    journey.tap(w.tip.ref)
    page.select_option("#state-form select[name=state]", "valuable")
    journey.tap("Cập nhật trạng thái")
    page.fill("#reply-form textarea[name=body]", "Cảm ơn bạn, công an xã đã xác minh.")
    journey.tap("Gửi trả lời")
    w.tip.refresh_from_db()
    assert w.tip.state == "valuable"
    # The body is kept encrypted: the page shows it back, the table holds one more message.
    assert "Cảm ơn bạn, công an xã đã xác minh." in journey.text()
    assert w.tip.messages.filter(sender="officer").count() == 1
    journey.assert_styled()
    page.context.clear_cookies()

    # The province accepts the month from its own home page.
    journey.login("dana")
    journey.tap(re.compile("Tháng của thôn chờ chấp nhận"))
    journey.tap("Chấp nhận")
    assert approval_status(w, month) == "accepted"
    page.context.clear_cookies()

    # The administrator finds the approval in the system log, said in plain words.
    journey.login("charlie")
    journey.tap("Nhật ký hệ thống: ai đã làm gì")
    said = journey.text("tbody")
    assert f"Alice (alice) duyệt số liệu tháng {month:%m/%Y} của {w.village.name}" in said
    assert f"Dana (dana) chấp nhận số liệu tháng {month:%m/%Y} của {w.village.name}" in said
    # The raw fields are folded away behind "Chi tiết kỹ thuật", not shown as Python.
    assert "{'" not in said and "journal.approval" not in said
    journey.assert_styled()
