"""A province's registry moves between installations with the commune's checks and the
months approved; imports never drift; only a reviewer sets a check, and says so per row."""

from __future__ import annotations

import io
import random
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from tuquan.conftest import make_user
from tuquan.core.actors import CONSOLE
from tuquan.core.models import Area, AuditEntry
from tuquan.journal import services
from tuquan.journal.models import Approval, ApprovalStatus, Entry, EntryStatus
from tuquan.registry import io as workbook
from tuquan.registry.tests.test_workbook import (
    cells,
    column_letter,
    edited,
    empty_the_registry,
    imported,
    refused,
    sheet_file,
)

pytestmark = pytest.mark.django_db


def province_file(actor: Any = CONSOLE) -> bytes:
    return workbook.export_workbook(actor=actor, area=Area.objects.get(ident="14"))


def row_of(data: bytes, sheet: str, text: str) -> int:
    return next(i for i, r in enumerate(cells(data)[sheet], start=1) if text in r)


# --- between installations --------------------------------------------------------------


def test_a_province_moved_to_an_empty_installation_comes_back_cell_for_cell_checks_included(
    demo: Any,
) -> None:
    exported = province_file()
    sheets = cells(exported)
    checked = [r for r in sheets["Nhật ký"][1:] if "Đã kiểm tra" in r]
    assert checked and len(sheets["Duyệt tháng"]) > 1  # the demo's commune checked and approved
    empty_the_registry()  # the new installation: the official units only
    assert not Entry.objects.exists() and not Approval.objects.exists()
    # Its province administrator, who may check and accept there, imports the file.
    newcomer = make_user("phuong", "province_admin", Area.objects.get(ident="14"))

    summary = imported(newcomer, exported, source="son-la.xlsx")

    assert summary.of("entries").created == len(sheets["Nhật ký"]) - 1
    assert summary.of("approvals").created == len(sheets["Duyệt tháng"]) - 1
    assert cells(province_file(newcomer)) == sheets
    verified = Entry.objects.filter(status=EntryStatus.VERIFIED)
    assert verified.count() == len(checked) and {e.reviewed_by_id for e in verified} == {newcomer.pk}
    audits = AuditEntry.objects.filter(actor=newcomer, object_type="journal.entry")
    assert sum(a.details["imported_checks"].get("verified", 0) for a in audits) == len(checked)
    assert AuditEntry.objects.filter(actor=newcomer, object_type="journal.approval").count() == (
        summary.of("approvals").created
    )
    call_command("rollups", "--verify")  # the approved months' figures count as approved


def test_reimporting_a_large_unchanged_workbook_changes_nothing_and_audits_nothing(demo: Any) -> None:
    data = with_new_members(province_file(), members=600)
    first = imported(CONSOLE, data)
    assert first.of("memberships").created == 600 and first.of("people").created == 600
    audits = AuditEntry.objects.count()

    again = imported(CONSOLE, data)

    assert again.created == again.changed == 0, again.as_dict()
    assert AuditEntry.objects.count() == audits
    assert imported(CONSOLE, province_file()).changed == 0  # nor does its export


def with_new_members(data: bytes, *, members: int) -> bytes:
    """The file plus new people joining the demo's teams, each row with its own UUID, as
    another system would hand them over: start and end dates, roles by label or code,
    decision numbers typed as numbers, dates typed as text."""
    rng = random.Random(19)
    book = load_workbook(io.BytesIO(data))
    people, roster = book["Người"], book["Thành viên tổ"]
    headers = [c.value for c in roster[1]]
    where = {r[0]: r[6] for r in people.iter_rows(min_row=2, values_only=True)}
    teams: dict[str, tuple[str, set[str]]] = {}
    for row in roster.iter_rows(min_row=2, values_only=True):
        found = dict(zip(headers, row, strict=False))
        if where.get(found["Mã người"]):
            village, roles = teams.setdefault(found["Mã tổ"], (where[found["Mã người"]], set()))
            roles.add(found["Vai trò"])
    keys = sorted(teams)
    for n in range(members):
        team = keys[n % len(keys)]
        village, roles = teams[team]
        person = str(uuid.uuid4())
        people.append(
            [person, f"Lò Văn Thử {n}", "Nam", 1970 + n % 30, None, "Trung học cơ sở", village]
            + [None] * 4
            + [date(2000, 1, 1)]
        )
        start = date(2021, 1, 1) + timedelta(days=rng.randrange(900))
        end = start + timedelta(days=rng.randrange(30, 300)) if n % 3 == 0 else None
        values = {
            "Mã": str(uuid.uuid4()),
            "Mã tổ": team,
            "Mã người": person,
            "Vai trò": sorted(roles)[n % len(roles)],
            "Từ ngày": start if n % 2 else start.strftime("%d/%m/%Y"),
            "Đến ngày": end,
            "Số quyết định": 100 + n,  # a number, as Excel keeps what is typed as one
            "Ngày quyết định": start,
            "Ngoại lệ về tuổi": "Không",
            "Không bị truy cứu, không có án tích": "Có",
        }
        roster.append([values.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- who sets a check -------------------------------------------------------------------


def test_a_leader_cannot_mark_her_entries_checked_and_is_told_on_each_row(world: Any) -> None:
    data = workbook.export_workbook(actor=world.linh, area=world.village)
    row = row_of(data, "Nhật ký", str(world.entry.uid))
    assert cells(data)["Nhật ký"][row - 1][cells(data)["Nhật ký"][0].index("Trạng thái")] == "Chờ kiểm tra"
    forged = edited(data, "Nhật ký", row, "Trạng thái", "Đã kiểm tra")
    forged = edited(forged, "Nhật ký", row, "Nhận xét", "tốt")
    before = AuditEntry.objects.count()

    errors = refused(world.linh, forged)

    status, comment = (column_letter(data, "Nhật ký", h) for h in ("Trạng thái", "Nhận xét"))
    assert any(e.startswith(f"Nhật ký / {row} / {status}:") and "Chỉ cán bộ xã" in e for e in errors)
    assert any(e.startswith(f"Nhật ký / {row} / {comment}:") for e in errors)
    assert Entry.objects.get(pk=world.entry.pk).status == EntryStatus.SUBMITTED
    assert AuditEntry.objects.count() == before
    # Her own edit of an entry the commune had checked sends it back to be checked.
    services.entry_review(actor=world.alice, entry=world.entry, verdict="verified")
    data = workbook.export_workbook(actor=world.linh, area=world.village)
    summary = imported(world.linh, edited(data, "Nhật ký", row, "Ghi chú", "bổ sung"))
    assert summary.of("entries").changed == 1
    assert Entry.objects.get(pk=world.entry.pk).status == EntryStatus.SUBMITTED


def test_the_commune_officer_checks_and_returns_entries_by_file_and_each_check_is_audited(
    world: Any,
) -> None:
    other = services.entry_record(
        actor=CONSOLE,
        team=world.team,
        village=world.village,
        kind="patrol",
        occurred_on=world.entry.occurred_on - timedelta(days=1),
        participants=[world.person],
        member_turns=1,
    )
    data = province_file()
    first, second = row_of(data, "Nhật ký", str(world.entry.uid)), row_of(data, "Nhật ký", str(other.uid))
    checked = edited(data, "Nhật ký", first, "Trạng thái", "Đã kiểm tra")
    returned = edited(checked, "Nhật ký", second, "Trạng thái", "Trả lại")

    errors = refused(world.alice, returned)  # returned without saying why
    assert errors == [
        f"Nhật ký / {second} / {column_letter(data, 'Nhật ký', 'Nhận xét')}: Ghi lý do trả lại (cột “Nhận xét”)."
    ]

    summary = imported(world.alice, edited(returned, "Nhật ký", second, "Nhận xét", "Thiếu giờ kết thúc"))

    assert summary.of("entries").changed == 2
    assert Entry.objects.get(pk=world.entry.pk).status == EntryStatus.VERIFIED
    assert Entry.objects.get(pk=other.pk).review_comment == "Thiếu giờ kết thúc"
    audit = AuditEntry.objects.get(actor=world.alice, object_type="journal.entry")
    assert audit.details["imported_checks"] == {"verified": 1, "returned": 1}


# --- approved months --------------------------------------------------------------------


def last_month() -> date:
    return timezone.localdate().replace(day=1) - timedelta(days=1)


def approval_file(world: Any, status: str, month: date) -> bytes:
    data = province_file()
    book = load_workbook(io.BytesIO(data))
    book["Duyệt tháng"].append([world.village.ident, None, f"{month:%m/%Y}", status, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_month_with_an_unchecked_entry_cannot_be_approved_by_file(world: Any) -> None:
    month = world.entry.occurred_on.replace(day=1)
    data = approval_file(world, "Xã đã duyệt", month)

    errors = refused(world.alice, data)

    assert len(errors) == 1 and "chưa kiểm tra" in errors[0] and errors[0].startswith("Duyệt tháng / 2 / D:")
    assert not Approval.objects.exists()


def test_the_commune_approves_by_file_but_only_the_province_accepts(world: Any) -> None:
    month = world.entry.occurred_on.replace(day=1)
    for entry in Entry.objects.filter(village=world.village, occurred_on__gte=month):
        services.entry_review(actor=world.alice, entry=entry, verdict="verified")

    assert imported(world.alice, approval_file(world, "Xã đã duyệt", month)).of("approvals").created == 1
    approval = Approval.objects.get(village=world.village, month=month)
    assert (approval.status, approval.approved_by) == (ApprovalStatus.APPROVED, world.alice)
    assert imported(world.alice, province_file()).changed == 0

    accepted = edited(province_file(), "Duyệt tháng", 2, "Trạng thái", "Tỉnh đã chấp nhận")
    errors = refused(world.alice, accepted)
    assert errors == ["Duyệt tháng / 2 / D: Chỉ cán bộ tỉnh chấp nhận hoặc mở lại tháng đã chấp nhận."]
    assert imported(world.dana, accepted).of("approvals").changed == 1
    assert Approval.objects.get(pk=approval.pk).status == ApprovalStatus.ACCEPTED
    call_command("rollups", "--verify")


def test_a_month_not_yet_ended_or_typed_wrong_is_refused_on_its_cell(world: Any) -> None:
    this_month = timezone.localdate().replace(day=1)
    errors = refused(world.alice, approval_file(world, "Xã đã duyệt", this_month))
    assert errors == ["Duyệt tháng / 2 / C: Chỉ duyệt được tháng đã kết thúc."]
    data = edited(approval_file(world, "Xã đã duyệt", last_month()), "Duyệt tháng", 2, "Tháng", "13/2025")
    assert refused(world.alice, data) == ["Duyệt tháng / 2 / C: “13/2025” không phải một tháng dạng mm/yyyy."]
    data = edited(
        approval_file(world, "Đã mở lại", last_month()), "Duyệt tháng", 2, "Trạng thái", "Đã mở lại"
    )
    assert refused(world.alice, data) == ["Duyệt tháng / 2 / E: Ghi lý do mở lại."]


def test_what_the_file_cannot_show_exactly_is_not_a_change_at_each_import(world: Any) -> None:
    """The API keeps seconds and a note's trailing line break; the file shows minutes and
    reads cells stripped. Re-importing the export must not rewrite such entries every time."""
    start = world.entry.occurred_on
    Entry.objects.filter(pk=world.entry.pk).update(
        started_at=timezone.make_aware(datetime(start.year, start.month, start.day, 21, 30, 15)),
        ended_at=timezone.make_aware(datetime(start.year, start.month, start.day, 23, 5, 59)),
        note="Tuần tra đêm\n",
    )
    data = province_file()
    audits = AuditEntry.objects.count()

    summary = imported(CONSOLE, data)

    assert summary.changed == 0 and AuditEntry.objects.count() == audits
    kept = Entry.objects.get(pk=world.entry.pk).started_at
    assert kept is not None and kept.second == 15


def test_an_approval_file_alone_names_its_villages_and_lists_the_labels_it_accepts(world: Any) -> None:
    """Found trying it from outside: a file with only "Duyệt tháng" did not know its village,
    and a misspelt status was answered with the codes behind the labels."""
    month = world.entry.occurred_on.replace(day=1)
    services.entry_review(actor=world.alice, entry=world.entry, verdict="verified")
    alone = sheet_file(
        {
            "Duyệt tháng": [
                ["Thôn", "Tháng", "Trạng thái"],
                [world.village.ident, f"{month:%m/%Y}", "Xã đã duyệt"],
            ]
        }
    )

    assert imported(world.alice, alone).of("approvals").created == 1

    misspelt = edited(alone, "Duyệt tháng", 2, "Trạng thái", "Xã duyệt rồi")
    assert refused(world.alice, misspelt) == [
        "Duyệt tháng / 2 / C: “Xã duyệt rồi” không hợp lệ (dùng: Xã đã duyệt, Tỉnh đã chấp nhận, Đã mở lại)."
    ]
    assert refused(world.alice, edited(alone, "Duyệt tháng", 2, "Tháng", "tháng 11")) == [
        "Duyệt tháng / 2 / B: “tháng 11” không phải một tháng dạng mm/yyyy."
    ]


def test_rows_typed_without_a_code_are_not_recorded_twice_when_the_file_comes_back(world: Any) -> None:
    day = world.entry.occurred_on - timedelta(days=2)
    typed = sheet_file(
        {
            "Nhật ký": [
                ["Mã tổ", "Thôn", "Loại hoạt động", "Ngày", "Người khác tham gia", "Lượt người"],
                [str(world.team.uid), world.village.ident, "Tuần tra", day.strftime("%d/%m/%Y"), 2, 2],
            ]
        }
    )
    assert imported(world.linh, typed).of("entries").created == 1

    errors = refused(world.linh, typed)  # the same file sent again

    assert errors == [
        "Nhật ký / 2 / D: Có thể trùng với một hoạt động đã ghi (cùng tổ, thôn, loại, ngày). "
        "Nếu đúng là hoạt động khác, ghi “Có” ở cột “Vẫn thêm”."
    ]
    confirmed = sheet_file(
        {
            "Nhật ký": [
                ["Mã tổ", "Thôn", "Loại hoạt động", "Ngày", "Người khác tham gia", "Lượt người", "Vẫn thêm"],
                [str(world.team.uid), world.village.ident, "Tuần tra", day.strftime("%d/%m/%Y"), 2, 2, "Có"],
            ]
        }
    )
    assert imported(world.linh, confirmed).of("entries").created == 1
