"""The team leader's evening, on a 360 px phone, against the app served as in production."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tuquan.testing.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEND_FAILED = "Chưa gửi được — kiểm tra kết nối rồi thử lại"


def entries_of(world: Any) -> list[tuple[str, str]]:
    from tuquan.journal.models import Entry

    return sorted(Entry.objects.filter(team=world.team).values_list("kind", "status"))


def test_a_leader_records_a_patrol_in_three_taps_and_a_tip_after_fixing_the_missing_category(
    journey: Journey, live_world: Any
) -> None:
    page = journey.page
    before = entries_of(live_world)
    journey.login("linh")

    journey.tap("Ghi nhật ký")
    journey.tap("Tuần tra")
    journey.tap("Lưu")
    page.wait_for_selector(".messages >> text=Đã ghi: Tuần tra.")
    assert journey.taps <= 3
    journey.assert_styled()

    journey.tap("Cung cấp thông tin")
    journey.fill("Ghi chú", "Người lạ hỏi đường vào bản lúc nửa đêm")
    journey.tap("Lưu")
    # The refused form comes back in place (422): the message sits beside the empty field.
    field = page.locator(".field", has=page.locator("#id_tip_category"))
    field.locator(".errorlist").wait_for()
    assert re.search(r"Cần nhập", field.locator(".errorlist").inner_text(), re.I)
    assert page.input_value("#id_note") == "Người lạ hỏi đường vào bản lúc nửa đêm"
    assert page.locator("header.top").count() == 1, "the answer was swapped in whole, not its form"
    assert entries_of(live_world) == sorted([*before, ("patrol", "submitted")])

    page.select_option("#id_tip_category", label="Đối tượng, hoạt động khả nghi")
    journey.tap("Lưu")
    page.wait_for_selector(".messages >> text=Đã ghi: Cung cấp thông tin.")
    month = journey.text(".card ul.list")
    assert "Tuần tra" in month and "Cung cấp thông tin" in month
    assert entries_of(live_world) == sorted([*before, ("patrol", "submitted"), ("tip", "submitted")])
    assert journey.fits_the_screen()
    journey.assert_styled()


def test_a_leader_without_signal_is_told_the_patrol_was_not_sent_and_keeps_what_was_typed(
    journey: Journey, live_world: Any
) -> None:
    page = journey.page
    before = entries_of(live_world)
    journey.login("linh")
    journey.tap("Ghi nhật ký")
    journey.tap("Tuần tra")
    page.fill("#id_other_participants", "2")
    journey.fill("Ghi chú", "Tuần tra khu vực cầu treo")

    journey.offline()
    journey.tap("Lưu")
    alert = page.get_by_role("alert").filter(has_text=SEND_FAILED)
    alert.wait_for()
    assert page.input_value("#id_other_participants") == "2"
    assert page.input_value("#id_note") == "Tuần tra khu vực cầu treo"
    assert entries_of(live_world) == before
    # Beside the button that was tapped, not at the end of a long page.
    assert page.locator("button.big + .send-error").count() == 1

    journey.offline(False)
    journey.tap("Lưu")
    page.wait_for_selector(".messages >> text=Đã ghi: Tuần tra.")
    assert entries_of(live_world) == sorted([*before, ("patrol", "submitted")])
    assert page.get_by_role("alert").filter(has_text=SEND_FAILED).count() == 0


def test_a_leader_sets_the_patrols_day_and_hours_with_the_phones_pickers(
    journey: Journey, live_world: Any
) -> None:
    """The day and the start and end come from the phone's calendar and clock (issue 25):
    native date and datetime inputs, the values stored as the leader chose them."""
    from datetime import timedelta

    from django.utils import timezone

    from tuquan.journal.models import Entry

    page = journey.page
    day = timezone.localdate() - timedelta(days=1)
    journey.login("linh")
    journey.tap("Ghi nhật ký")
    journey.tap("Tuần tra")
    assert page.get_attribute("#id_occurred_on", "type") == "date"
    assert page.get_attribute("#id_started_at", "type") == "datetime-local"
    page.fill("#id_occurred_on", f"{day:%Y-%m-%d}")
    page.fill("#id_started_at", f"{day:%Y-%m-%d}T21:00")
    page.fill("#id_ended_at", f"{day:%Y-%m-%d}T23:30")
    journey.tap("Lưu")
    page.wait_for_selector(".messages >> text=Đã ghi: Tuần tra.")
    entry = Entry.objects.filter(team=live_world.team, occurred_on=day).latest("id")
    started, ended = timezone.localtime(entry.started_at), timezone.localtime(entry.ended_at)
    assert (started.date(), started.hour, ended.hour, ended.minute) == (day, 21, 23, 30)
    journey.assert_styled()
