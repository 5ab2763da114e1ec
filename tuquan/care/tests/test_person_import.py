"""Supervised persons through the workbook: the commune officer's export imports back
unchanged; an import is all-or-nothing with every bad cell named (sheet, row, column,
Vietnamese message), goes through the care services, and is accepted only from the
commune officer of every person in it."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from tuquan.care import io as care_io
from tuquan.care import selectors
from tuquan.care.models import CheckIn, Referral, SupervisedPerson
from tuquan.care.tests.helpers import body
from tuquan.care.tests.world import INSIDE_NAME
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.registry.io import CellError, WorkbookErrors

pytestmark = pytest.mark.django_db

PERSONS = care_io.PERSONS.title
CHECKINS = care_io.CHECKINS.title
REFERRALS = care_io.REFERRALS.title


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def exported(world: Any) -> bytes:
    response = client_for(world.alice).get("/giup-do/xuat/")
    assert response.status_code == 200
    return body(response)


def cells(data: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def edited(data: bytes, changes: dict[str, list[tuple[str, Any]]]) -> bytes:
    """The workbook with cells set ("B3") or rows appended ("+", [values])."""
    book = load_workbook(io.BytesIO(data))
    for title, edits in changes.items():
        ws = book[title]
        for ref, value in edits:
            if ref == "+":
                ws.append(value)
            else:
                ws[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column(sheet: Any, key: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter([c.key for c in sheet.columns].index(key) + 1)


def state() -> list[Any]:
    fields = [f.attname for f in SupervisedPerson._meta.concrete_fields if f.name != "created_at"]
    persons = [tuple(getattr(p, f) for f in fields) for p in SupervisedPerson.objects.order_by("id")]
    checkins = list(CheckIn.objects.order_by("id").values_list("person_id", "occurred_on", "note"))
    referrals = [
        (r.uid, r.person_id, r.organisation, r.referred_on, r.need, r.status, r.outcome, r.outcome_on)
        for r in Referral.objects.order_by("id")
    ]
    return [persons, checkins, referrals]


def new_person_row(world: Any, **values: Any) -> list[Any]:
    row = {
        "full_name": "Lò Văn Mới",
        "birth_year": "1994",
        "category": "Chấp hành xong án phạt tù",
        "area": world.village.ident,
        "start_on": (timezone.localdate() - timedelta(days=30)).strftime("%d/%m/%Y"),
        "team": str(world.team.uid),
        "family_support": "Có",
    } | values
    return [row.get(c.key, "") for c in care_io.PERSONS.columns]


def test_export_then_import_changes_nothing(world: Any) -> None:
    services_before = state()
    data = exported(world)
    writes = AuditEntry.objects.exclude(action=AuditAction.READ).count()
    counts = care_io.person_import(actor=world.alice, data=data)
    assert state() == services_before
    assert {t: (c.created, c.changed) for t, c in counts.items()} == {
        PERSONS: (0, 0),
        CHECKINS: (0, 0),
        REFERRALS: (0, 0),
    }
    assert (
        counts[PERSONS].unchanged == 1
        and counts[CHECKINS].unchanged == 1
        and counts[REFERRALS].unchanged == 1
    )
    # Only the import's own entry: no service wrote anything.
    assert AuditEntry.objects.exclude(action=AuditAction.READ).count() == writes + 1
    assert cells(exported(world)) == cells(data)


def test_the_export_carries_every_sheet_the_import_reads(world: Any) -> None:
    sheets = cells(exported(world))
    assert list(sheets) == [PERSONS, CHECKINS, REFERRALS]
    person = sheets[PERSONS][1]
    assert person[0] == world.supervised.ref and person[1] == INSIDE_NAME
    assert sheets[CHECKINS][1][0] == world.supervised.ref
    assert sheets[REFERRALS][1][:3] == [str(world.referral.uid), world.supervised.ref, "Đào tạo nghề"]


def test_one_bad_cell_saves_nothing_and_names_the_cell(world: Any) -> None:
    before = state()
    data = edited(
        exported(world),
        {
            PERSONS: [("+", new_person_row(world)), ("+", new_person_row(world, start_on="31/02/2025"))],
            CHECKINS: [("+", [world.supervised.ref, timezone.localdate().strftime("%d/%m/%Y"), "Gặp"])],
        },
    )
    audit = AuditEntry.objects.count()
    with pytest.raises(WorkbookErrors) as exc:
        care_io.person_import(actor=world.alice, data=data)
    assert exc.value.errors == [
        CellError(PERSONS, 4, column(care_io.PERSONS, "start_on"), "Ngày “31/02/2025” không có thật.")
    ]
    assert state() == before and AuditEntry.objects.count() == audit


def test_every_bad_cell_is_named_across_the_sheets(world: Any) -> None:
    data = edited(
        exported(world),
        {
            PERSONS: [
                ("+", new_person_row(world, category="Không rõ", area="99999", full_name="")),
                ("+", new_person_row(world, loan_amount="nhiều")),
            ],
            CHECKINS: [("+", ["GD-ZZZZZZ", "hôm qua", ""])],
            REFERRALS: [
                ("+", ["", world.supervised.ref, "Hội Nông dân", "01/01/2020", "", "Đang chờ", "", ""])
            ],
        },
    )
    with pytest.raises(WorkbookErrors) as exc:
        care_io.person_import(actor=world.alice, data=data)
    named = {(e.sheet, e.row, e.column) for e in exc.value.errors}
    p = care_io.PERSONS
    assert named == {
        (PERSONS, 3, column(p, "category")),
        (PERSONS, 3, column(p, "area")),
        (PERSONS, 3, column(p, "full_name")),
        (PERSONS, 4, column(p, "loan_amount")),
        (CHECKINS, 3, "A"),
        (CHECKINS, 3, "B"),
        (REFERRALS, 3, "C"),
    }
    assert all(e.message and INSIDE_NAME not in e.message for e in exc.value.errors)


def test_a_service_refusal_is_named_by_its_cell_and_rolls_everything_back(world: Any) -> None:
    """Rows that pass the cell checks but a service refuses (a check-in before the support
    started): the new person written before it is rolled back too."""
    before = state()
    early = (world.supervised.start_on - timedelta(days=5)).strftime("%d/%m/%Y")
    data = edited(
        exported(world),
        {
            PERSONS: [("+", new_person_row(world))],
            CHECKINS: [("+", [world.supervised.ref, early, ""])],
        },
    )
    with pytest.raises(WorkbookErrors) as exc:
        care_io.person_import(actor=world.alice, data=data)
    assert [(e.sheet, e.row, e.column) for e in exc.value.errors] == [(CHECKINS, 3, "B")]
    assert "ngoài thời gian giúp đỡ" in exc.value.errors[0].message
    assert state() == before


def test_import_creates_and_updates_through_the_services(world: Any, caplog: Any) -> None:
    today = timezone.localdate()
    person_sheet = care_io.PERSONS
    data = edited(
        exported(world),
        {
            PERSONS: [
                (f"{column(person_sheet, 'job_found_on')}2", today.strftime("%d/%m/%Y")),
                (f"{column(person_sheet, 'income_band')}2", "Từ 2 triệu đồng/tháng trở lên"),
                ("+", new_person_row(world, ref="GD-NEW234", needs="Cần việc làm")),
                ("+", new_person_row(world, full_name="Lò Thị Không Mã", category="minor")),
            ],
            CHECKINS: [("+", ["gd-new234", today.strftime("%d/%m/%Y"), "Gặp lần đầu"])],
            REFERRALS: [
                (
                    "+",
                    [
                        "",
                        "GD-NEW234",
                        "Hội Liên hiệp Phụ nữ",
                        today.strftime("%d/%m/%Y"),
                        "Vay vốn",
                        "",
                        "",
                        "",
                    ],
                ),
                ("F2", "Đã tiếp nhận"),
            ],
        },
    )
    with caplog.at_level(logging.DEBUG):
        counts = care_io.person_import(actor=world.alice, data=data)
    assert (counts[PERSONS].created, counts[PERSONS].changed) == (2, 1)
    assert (counts[CHECKINS].created, counts[REFERRALS].created, counts[REFERRALS].changed) == (1, 1, 1)
    world.supervised.refresh_from_db()
    assert world.supervised.job_found_on == today and world.supervised.income_band == "2m_plus"
    new = SupervisedPerson.objects.get(ref="GD-NEW234")
    assert new.full_name == "Lò Văn Mới" and new.family_support and new.commune == world.commune
    assert new.checkins.get().note == "Gặp lần đầu"
    assert new.referral_records.get().organisation == "women_union"
    assert SupervisedPerson.objects.get(category="minor").ref.startswith("GD-")
    assert Referral.objects.get(pk=world.referral.pk).status == "accepted"
    # Each write audited by its service, with references only; the name is encrypted at rest.
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_label="GD-NEW234").exists()
    assert all("Lò Văn Mới" not in f"{e.object_label} {e.details}" for e in AuditEntry.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM care_supervisedperson WHERE ref = %s", ["GD-NEW234"])
        assert "Lò Văn Mới" not in cursor.fetchone()[0]
    assert all(name not in caplog.text for name in ("Lò Văn Mới", INSIDE_NAME))
    # The new file round-trips too.
    again = exported(world)
    assert care_io.person_import(actor=world.alice, data=again)[PERSONS].changed == 0


def test_an_existing_persons_fixed_columns_and_closure_are_refused(world: Any) -> None:
    p = care_io.PERSONS
    data = edited(
        exported(world),
        {PERSONS: [(f"{column(p, 'category')}2", "Khác"), (f"{column(p, 'area')}2", world.commune.ident)]},
    )
    with pytest.raises(WorkbookErrors) as exc:
        care_io.person_import(actor=world.alice, data=data)
    assert {e.column for e in exc.value.errors} == {column(p, "category"), column(p, "area")}
    day = timezone.localdate() - timedelta(days=1)
    closing = edited(exported(world), {PERSONS: [(f"{column(p, 'closed_on')}2", day.strftime("%d/%m/%Y"))]})
    care_io.person_import(actor=world.alice, data=closing)
    world.supervised.refresh_from_db()
    assert world.supervised.closed_on == day
    reopen = edited(exported(world), {PERSONS: [(f"{column(p, 'closed_on')}2", None)]})
    with pytest.raises(WorkbookErrors) as exc:
        care_io.person_import(actor=world.alice, data=reopen)
    assert [e.column for e in exc.value.errors] == [column(p, "closed_on")]


def test_a_deleted_person_comes_back_with_its_references(world: Any) -> None:
    data = exported(world)
    ref, referral_uid = world.supervised.ref, world.referral.uid
    SupervisedPerson.objects.filter(pk=world.supervised.pk).delete()
    counts = care_io.person_import(actor=world.alice, data=data)
    assert (counts[PERSONS].created, counts[CHECKINS].created, counts[REFERRALS].created) == (1, 1, 1)
    back = SupervisedPerson.objects.get(ref=ref)
    assert back.full_name == INSIDE_NAME and back.referral_records.get().uid == referral_uid
    first, second = cells(data), cells(exported(world))
    assert second[PERSONS] == first[PERSONS] and second[REFERRALS] == first[REFERRALS]
    assert [r[:3] for r in second[CHECKINS]] == [r[:3] for r in first[CHECKINS]]


def test_province_user_cannot_import_supervised_persons(world: Any) -> None:
    data = exported(world)
    before = state()
    for persona in ("charlie", "dana", "sam", "quang", "linh", "minh", "erin"):
        user = world.users[persona]
        with pytest.raises(PermissionDenied):
            care_io.person_import(actor=user, data=data)
        c = client_for(user)
        r = c.post("/giup-do/nhap/", {"file": io.BytesIO(data)})
        assert r.status_code == 403 and "Chỉ cán bộ Công an xã" in r.content.decode()
        assert INSIDE_NAME not in r.content.decode()
        upload = io.BytesIO(data)
        upload.name = "nguoi.xlsx"
        api = c.post("/api/v1/supervised/import", {"file": upload})
        assert api.status_code == 403 and "Chỉ cán bộ Công an xã" in api.json()["detail"]
    assert state() == before


def test_another_communes_officer_is_refused_cell_by_cell(world: Any) -> None:
    data = edited(exported(world), {PERSONS: [("+", new_person_row(world))]})
    with pytest.raises(WorkbookErrors) as exc:
        care_io.person_import(actor=world.bob, data=data)
    named = {(e.sheet, e.row, e.column) for e in exc.value.errors}
    area = column(care_io.PERSONS, "area")
    assert named == {(PERSONS, 2, "A"), (PERSONS, 3, area), (CHECKINS, 2, "A"), (REFERRALS, 2, "B")}
    assert all(INSIDE_NAME not in str(e) for e in exc.value.errors)
    assert SupervisedPerson.objects.count() == 2 and selectors.persons_visible(world.bob).count() == 0


def test_the_import_page_lists_every_bad_cell_and_keeps_the_form(world: Any) -> None:
    alice = client_for(world.alice)
    page = alice.get("/giup-do/nhap/")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    bad = edited(exported(world), {PERSONS: [("+", new_person_row(world, start_on="hôm nay"))]})
    upload = io.BytesIO(bad)
    upload.name = "nguoi.xlsx"
    r = alice.post("/giup-do/nhap/", {"file": upload}, HTTP_HX_REQUEST="true")
    text = r.content.decode()
    assert r.status_code == 422 and "<html" not in text
    assert PERSONS in text and column(care_io.PERSONS, "start_on") in text and "dd/mm/yyyy" in text
    good = io.BytesIO(edited(exported(world), {PERSONS: [("+", new_person_row(world))]}))
    good.name = "nguoi.xlsx"
    r = alice.post("/giup-do/nhap/", {"file": good})
    assert r.status_code == 302 and SupervisedPerson.objects.count() == 3
    assert "Đã nhập: 1 người mới" in alice.get("/giup-do/").content.decode()


def test_the_api_imports_and_answers_422_with_the_cells(world: Any) -> None:
    alice = client_for(world.alice)
    bad = io.BytesIO(edited(exported(world), {CHECKINS: [("+", [world.supervised.ref, "xx", ""])]}))
    bad.name = "nguoi.xlsx"
    r = alice.post("/api/v1/supervised/import", {"file": bad})
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"sheet": CHECKINS, "row": 3, "column": "B", "message": "“xx” không phải một ngày dạng dd/mm/yyyy."}
    ]
    good = io.BytesIO(exported(world))
    good.name = "nguoi.xlsx"
    r = alice.post("/api/v1/supervised/import", {"file": good})
    assert r.status_code == 200 and r.json()["sheets"][PERSONS]["unchanged"] == 1


def test_a_file_that_is_not_a_workbook_is_refused(world: Any) -> None:
    with pytest.raises(WorkbookErrors) as exc:
        care_io.person_import(actor=world.alice, data=b"not a workbook")
    assert exc.value.errors[0].message.startswith("Không đọc được tệp")


def test_the_officer_corrects_an_identity_through_the_file(world: Any) -> None:
    p = care_io.PERSONS
    data = edited(exported(world), {PERSONS: [(f"{column(p, 'address')}2", "Bản Nà Khoang, nhà số 7")]})
    counts = care_io.person_import(actor=world.alice, data=data)
    assert counts[PERSONS].changed == 1
    world.supervised.refresh_from_db()
    assert world.supervised.address == "Bản Nà Khoang, nhà số 7"
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(world.supervised.pk)).latest(
        "id"
    )
    assert entry.details == {"fields": ["address"]}


def test_a_minimised_person_round_trips_and_keeps_no_identity(world: Any) -> None:
    from tuquan.care import services

    services.supervised_close(
        actor=world.alice, person=world.supervised, closed_on=timezone.localdate() - timedelta(days=3)
    )
    services.supervised_minimise_due(actor=world.alice, days=1)
    before = state()
    data = exported(world)
    assert INSIDE_NAME not in str(cells(data))
    counts = care_io.person_import(actor=world.alice, data=data)
    assert counts[PERSONS].unchanged == 1 and state() == before
    p = care_io.PERSONS
    with pytest.raises(WorkbookErrors) as exc:
        care_io.person_import(
            actor=world.alice, data=edited(data, {PERSONS: [(f"{column(p, 'full_name')}2", "Ai đó")]})
        )
    assert [e.column for e in exc.value.errors] == [column(p, "full_name")]
