"""The journal's sheets of the registry workbook: out, back in all-or-nothing, out again."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from tuquan.core.actors import CONSOLE
from tuquan.core.models import AuditEntry
from tuquan.journal import services
from tuquan.journal.models import Aggregate, Entry, Rollup
from tuquan.registry.tests.test_workbook import (
    cells,
    column_letter,
    edited,
    empty_the_registry,
    imported,
    refused,
)

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def last_month() -> date:
    return timezone.localdate().replace(day=1) - timedelta(days=10)


def journal(world: Any) -> None:
    """Besides the world's patrols: a night patrol, items handed in, a meeting, a total."""
    day = last_month()
    services.entry_record(
        actor=CONSOLE,
        team=world.team,
        village=world.village,
        kind="patrol",
        occurred_on=day,
        participants=[world.person],
        other_participants=2,
        started_at=datetime(day.year, day.month, day.day, 21, 30, tzinfo=HCM),
        ended_at=datetime(day.year, day.month, day.day, 23, 45, tzinfo=HCM),
        member_turns=3,
        note="Tuần tra đêm",
    )
    services.entry_record(
        actor=CONSOLE,
        team=world.team,
        village=world.village,
        kind="items",
        occurred_on=day - timedelta(days=1),
        bullets=45,
        knives=18,
        homemade_guns=2,
    )
    services.aggregate_record(
        actor=CONSOLE,
        area=world.commune,
        indicator="patrols.count",
        period_kind="year",
        period_start=date(2023, 1, 1),
        value=Decimal("315"),
        note="Sổ cũ",
    )


def test_the_journal_sheets_survive_the_round_trip_cell_for_cell(world: Any) -> None:
    journal(world)
    first = workbook_of(world)
    sheets = cells(first)
    assert len(sheets["Nhật ký"]) == 1 + 3 and len(sheets["Tổng hợp kỳ"]) == 1 + 1
    empty_the_registry()
    assert not Entry.objects.exists() and not Aggregate.objects.exists()

    summary = imported(CONSOLE, first, source="son-la.xlsx")

    assert summary.of("entries").created == 3 and summary.of("aggregates").created == 1
    assert cells(workbook_of(world)) == sheets
    assert set(Entry.objects.values_list("status", flat=True)) == {"submitted"}
    assert Rollup.objects.filter(code="items.bullets").get().value == 45
    call_command("rollups", "--verify")  # raises CommandError when a rollup is off


def test_importing_the_export_again_changes_nothing(world: Any) -> None:
    journal(world)
    data = workbook_of(world)
    audits = AuditEntry.objects.count()

    summary = imported(CONSOLE, data)

    assert summary.created == summary.changed == 0 and summary.of("entries").unchanged == 3
    assert AuditEntry.objects.count() == audits


def test_a_changed_entry_is_written_goes_back_to_checking_and_its_rollup_follows(world: Any) -> None:
    services.entry_review(actor=world.alice, entry=world.entry, verdict="verified")
    data = workbook_of(world)
    row = next(i for i, r in enumerate(cells(data)["Nhật ký"], start=1) if str(world.entry.uid) in r)

    changed = edited(edited(data, "Nhật ký", row, "Người khác tham gia", 4), "Nhật ký", row, "Lượt người", 5)

    summary = imported(CONSOLE, changed)

    assert summary.of("entries").changed == 1
    entry = Entry.objects.get(pk=world.entry.pk)
    assert (entry.member_turns, entry.status) == (5, "submitted")
    assert Rollup.objects.get(village=world.village, code="patrols.member_turns").value == 5
    call_command("rollups", "--verify")


def test_a_row_in_an_approved_month_is_refused_naming_its_cell_and_nothing_is_written(world: Any) -> None:
    entry = world.entry
    services.entry_review(actor=world.alice, entry=entry, verdict="verified")
    services.month_approve(actor=world.alice, village=world.village, month=entry.occurred_on)
    data = workbook_of(world)
    assert imported(CONSOLE, data).changed == 0  # an unchanged row of a locked month is fine
    rows = cells(data)["Nhật ký"]
    row = next(i for i, r in enumerate(rows, start=1) if str(entry.uid) in r)
    # A new entry in the same month, next to the changed one.
    changed = edited(data, "Nhật ký", row, "Ghi chú", "sửa sau khi duyệt")
    before = (Entry.objects.count(), AuditEntry.objects.count())

    errors = refused(CONSOLE, changed)

    letter = column_letter(data, "Nhật ký", "Ngày")
    assert any(e.startswith(f"Nhật ký / {row} / {letter}:") and "đã được duyệt" in e for e in errors)
    assert Entry.objects.get(pk=entry.pk).note == ""
    assert (Entry.objects.count(), AuditEntry.objects.count()) == before


def test_a_new_row_in_an_approved_month_is_refused(world: Any) -> None:
    entry = world.entry
    services.entry_review(actor=world.alice, entry=entry, verdict="verified")
    services.month_approve(actor=world.alice, village=world.village, month=entry.occurred_on)
    data = workbook_of(world)
    row = next(i for i, r in enumerate(cells(data)["Nhật ký"], start=1) if str(entry.uid) in r)
    copied = edited(data, "Nhật ký", row, "Mã", "")  # the same patrol typed again, without a code

    errors = refused(CONSOLE, copied)

    assert any(e.startswith(f"Nhật ký / {row} / {column_letter(data, 'Nhật ký', 'Ngày')}:") for e in errors)
    assert Entry.objects.count() == 2  # the world's two patrols


def test_impossible_values_are_refused_cell_by_cell(world: Any) -> None:
    journal(world)
    data = workbook_of(world)
    rows = cells(data)["Nhật ký"]
    night = next(i for i, r in enumerate(rows, start=1) if "Tuần tra đêm" in r)
    start = rows[night - 1][column_index(data, "Bắt đầu")]

    def at(header: str) -> str:
        return f"Nhật ký / {night} / {column_letter(data, 'Nhật ký', header)}:"

    errors = refused(CONSOLE, edited(data, "Nhật ký", night, "Kết thúc", start))  # ends as it starts
    assert any(e.startswith(at("Kết thúc")) and "sau giờ bắt đầu" in e for e in errors)
    errors = refused(CONSOLE, edited(data, "Nhật ký", night, "Lượt người", 999))  # 1 member + 2 others
    assert any(e.startswith(at("Lượt người")) and "lớn hơn số người" in e for e in errors)
    errors = refused(CONSOLE, edited(data, "Nhật ký", night, "Số vụ", 2))  # not a patrol's field
    assert any(e.startswith(at("Số vụ")) for e in errors)
    assert Entry.objects.get(note="Tuần tra đêm").member_turns == 3


def test_a_file_cannot_record_where_totals_were_entered(world: Any) -> None:
    journal(world)
    data = workbook_of(world)
    row = next(i for i, r in enumerate(cells(data)["Nhật ký"], start=1) if str(world.entry.uid) in r)
    moved = edited(edited(data, "Nhật ký", row, "Mã", ""), "Nhật ký", row, "Ngày", date(2023, 5, 4))

    errors = refused(CONSOLE, moved)

    letter = column_letter(data, "Nhật ký", "Ngày")
    assert any(e.startswith(f"Nhật ký / {row} / {letter}:") and "tổng hợp" in e for e in errors)


def test_an_officer_of_another_commune_cannot_record_for_the_team(world: Any) -> None:
    data = workbook_of(world)
    row = next(i for i, r in enumerate(cells(data)["Nhật ký"], start=1) if str(world.entry.uid) in r)
    changed = edited(data, "Nhật ký", row, "Ghi chú", "của xã khác")

    errors = refused(world.bob, changed)

    assert any(e.startswith(f"Nhật ký / {row} / ") for e in errors)
    assert Entry.objects.get(pk=world.entry.pk).note == ""


def workbook_of(world: Any) -> bytes:
    from tuquan.registry import io as workbook

    return workbook.export_workbook(actor=CONSOLE, area=world.province)


def column_index(data: bytes, header: str) -> int:
    return cells(data)["Nhật ký"][0].index(header)
