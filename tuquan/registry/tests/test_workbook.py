"""The registry's workbook: out, back in all-or-nothing, and out again cell for cell."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db.models import F, Max, ProtectedError, Value
from django.db.models.functions import Replace
from django.test import Client
from openpyxl import Workbook, load_workbook

from tuquan.core import services as core_services
from tuquan.core.actors import CONSOLE
from tuquan.core.models import Area, AuditEntry, Level, PendingPlacement
from tuquan.registry import io as workbook
from tuquan.registry import services
from tuquan.registry.models import (
    Commendation,
    Commitment,
    Household,
    ImportJob,
    Membership,
    ModelType,
    Person,
    Team,
    TeamArea,
    TeamHousehold,
    TeamStatusChange,
    Training,
)

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[3] / "docs" / "import-format.md"


# --- helpers -------------------------------------------------------------------------------


def cells(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Every cell of every sheet, sheet by sheet, row by row."""
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb.worksheets}


def column_letter(data: bytes, sheet: str, header: str) -> str:
    ws = load_workbook(io.BytesIO(data))[sheet]
    return next(c.column_letter for c in ws[1] if c.value == header)


def edited(data: bytes, sheet: str, row: int, header: str, value: Any) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    column = next(c.column for c in ws[1] if c.value == header)
    ws.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet_file(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook typed by hand: sheet title → rows (the first one the headers)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def refused(actor: Any, data: bytes, **kwargs: Any) -> list[str]:
    with pytest.raises(workbook.WorkbookErrors) as caught:
        workbook.import_workbook(actor=actor, data=data, **kwargs)
    return [str(e) for e in caught.value.errors]


def imported(actor: Any, data: bytes, **kwargs: Any) -> workbook.ImportSummary:
    try:
        return workbook.import_workbook(actor=actor, data=data, **kwargs)
    except workbook.WorkbookErrors as exc:  # show every error, not just "n errors"
        raise AssertionError("\n".join(str(e) for e in exc.errors)) from exc


def empty_the_registry() -> None:
    """Leave only the official units, as `load-units` leaves a new machine: every registry
    record, every village, and the records of apps built on them, are deleted."""
    from tuquan.accounts.models import RoleAssignment

    models = [
        m
        for config in apps.get_app_configs()
        if config.name.startswith("tuquan.") and config.label not in ("core", "accounts")
        for m in config.get_models()
    ]
    while Team.objects.filter(subteams__isnull=True, parent__isnull=False).exists():
        Team.objects.filter(subteams__isnull=True, parent__isnull=False).delete()  # a parent is protected
    for _round in range(10):
        blocked = False
        for model in models:
            qs = model._default_manager.all()
            if model is ModelType:
                qs = qs.filter(province__isnull=False)  # the national catalogue comes with the code
            try:
                qs.delete()
            except ProtectedError:
                blocked = True
        if not blocked:
            break
    PendingPlacement.objects.all().delete()
    RoleAssignment.objects.filter(area__level=Level.VILLAGE).delete()
    Area.objects.filter(level=Level.VILLAGE).delete()
    assert not Person.objects.exists() and not Team.objects.exists()


REGISTRY = [
    ModelType,
    Team,
    TeamArea,
    TeamStatusChange,
    Person,
    Household,
    Membership,
    TeamHousehold,
    Commitment,
    Training,
    Commendation,
    PendingPlacement,
]


def snapshot() -> dict[str, Any]:
    """Counts and last-change times of everything an import could write."""
    found: dict[str, Any] = {m.__name__: m._default_manager.count() for m in REGISTRY}
    found["villages"] = list(
        Area.objects.filter(level=Level.VILLAGE).values_list("ident", "name", "valid_to")
    )
    found["audit"] = AuditEntry.objects.count()
    for model in (Team, Person, Household):
        found[f"{model.__name__}.updated"] = model._default_manager.aggregate(m=Max("updated_at"))["m"]
    return found


def rich_registry(world: Any) -> None:
    """Beyond the world's patrol team: every sheet, through the services officers use."""
    commune, village = world.commune, world.village
    pa_sang = core_services.village_create(
        actor=world.alice, commune=commune, kind="Bản", name="Pá Sàng", valid_from=date(2010, 1, 1)
    )
    co_hinh = core_services.village_create(actor=world.alice, commune=commune, kind="Bản", name="Co Hịnh")
    mediation = services.model_type_create(
        actor=world.charlie,
        province=world.province,
        code="son-la-hoa-giai",
        name="Tổ hoà giải bản",
        short_name="Hoà giải",
        kind="team",
        attaches_to="village",
        roles=[{"code": "leader", "label": "Tổ trưởng"}, {"code": "member", "label": "Tổ viên"}],
        journal_kinds=["meeting", "mediation"],
        extra_indicators=[{"code": "cases", "label": "Số vụ", "unit": "vụ"}],
        description="Mô hình riêng của Sơn La",
    )
    types = {t.code: t for t in ModelType.objects.filter(province__isnull=True)}
    hoa_giai = services.team_create(
        actor=world.alice,
        model_type=mediation,
        name="Tổ hoà giải Co Hịnh",
        home_area=commune,
        areas=[co_hinh],
        status="active",
        established_on=date(2018, 3, 1),
        decision_body="UBND xã Phiêng Khoài",
        decision_date=date(2018, 2, 20),
        decision_number="7/QĐ-UBND",
        notes="Họp ngày 15 hằng tháng\nỞ nhà văn hoá bản",
    )
    services.team_set_status(
        actor=world.alice, team=hoa_giai, status="weak", on=date(2024, 5, 1), reason="Ít sinh hoạt"
    )
    core_services.village_merge(actor=world.alice, sources=[co_hinh], target=pa_sang, on=date(2025, 9, 1))
    fire = services.team_create(
        actor=world.alice,
        model_type=types["antt-pccc"],
        name="Tự quản ANTT và PCCC Pá Sàng",
        home_area=commune,
        areas=[pa_sang],
        status="active",
        established_on=date(2021, 4, 1),
    )
    services.team_create(
        actor=world.alice,
        model_type=types["antt-pccc"],
        name="Tổ camera Pá Sàng",
        home_area=commune,
        areas=[pa_sang],
        parent=fire,
    )
    cluster = services.team_create(
        actor=world.alice,
        model_type=types["cum-giap-ranh"],
        name="Cụm giáp ranh Phiêng Khoài – Chiềng Hặc",
        home_area=commune,
        areas=[commune, world.other_commune],
        status="active",
        established_on=date(2022, 9, 1),
    )
    force = services.team_create(
        actor=world.alice,
        model_type=types["to-bao-ve-antt"],
        name="Tổ bảo vệ ANTT Nà Khoang",
        home_area=commune,
        areas=[village, pa_sang],
        status="active",
        established_on=date(2024, 7, 1),
    )
    guard = services.person_create(
        actor=world.alice,
        full_name="Cầm Văn Gác",
        area=village,
        gender="male",
        birth_date=date(1980, 5, 17),
        education="lower_secondary",
        resident_since=date(2000, 1, 1),
        religion="Không",
        national_id="014080001234",
    )
    guard_wife = services.person_create(
        actor=world.alice,
        full_name="Lò Thị Gác",
        area=village,
        gender="female",
        birth_year=1982,
        ethnicity="Thái",
    )
    services.household_create(
        actor=world.alice, area=village, address="Nhà ông Gác", head=guard, members=[guard_wife]
    )
    empty_house = services.household_create(actor=world.alice, area=pa_sang, address="Nhà trống số 3")
    services.membership_add(
        actor=world.alice,
        team=force,
        person=guard,
        role="deputy",
        start_on=date(2024, 7, 1),
        decision_number="130/QĐ-UBND",
        decision_date=date(2024, 6, 28),
        former_force_start=date(2012, 1, 1),
        former_force_end=date(2024, 6, 30),
        certificate_number="CCHT-14-00130",
    )
    ended = services.membership_add(
        actor=world.alice, team=world.team, person=guard_wife, role="member", start_on=date(2021, 1, 1)
    )
    services.membership_end(actor=world.alice, membership=ended, end_on=date(2023, 12, 31))
    services.membership_add(
        actor=world.alice, team=cluster, person=world.person, role="member", start_on=date(2022, 9, 1)
    )
    link = services.team_household_add(
        actor=world.alice, team=fire, household=empty_house, start_on=date(2021, 4, 1)
    )
    link.end_on = date(2024, 1, 1)
    link.save()
    safe = services.team_create(
        actor=world.alice,
        model_type=types["thon-an-toan"],
        name="Bản Nà Khoang an toàn",
        home_area=commune,
        areas=[village],
        status="active",
        established_on=date(2023, 1, 10),
    )
    services.commitment_record(
        actor=world.alice,
        household=world.household,
        team=safe,
        signed_on=date(2023, 1, 15),
        note="Ký tại nhà văn hoá",
    )
    services.training_record(
        actor=world.alice,
        area=village,
        team=force,
        held_on=date(2025, 5, 20),
        topic="Kỹ năng tuần tra",
        attendee_count=12,
        attendees=[guard, world.person],
    )
    services.training_record(
        actor=world.alice, area=commune, held_on=date(2025, 6, 2), topic="Luật 30/2023", attendee_count=40
    )
    services.commendation_record(
        actor=world.alice,
        person=guard,
        awarded_on=date(2024, 12, 20),
        level="commune",
        decision_number="15/QĐ-UBND",
        reason="Bắt quả tang trộm trâu",
    )
    services.commendation_record(
        actor=world.alice,
        team=world.team,
        awarded_on=date(2024, 12, 20),
        level="province_police",
        decision_number="1520/QĐ-CAT",
    )


# --- the round trip ---------------------------------------------------------------------------


def test_export_then_import_into_an_empty_database_then_export_again_gives_the_same_cells(world: Any) -> None:
    rich_registry(world)
    first = workbook.export_workbook(actor=CONSOLE, area=world.province)
    sheets = cells(first)
    assert len(sheets["Người"]) == 1 + 3 and len(sheets["Tổ, nhóm"]) == 1 + 7  # the world's and the rich data
    empty_the_registry()

    summary = imported(CONSOLE, first, source="son-la.xlsx")

    assert summary.of("people").created == 3 and summary.of("villages").created == 4
    assert cells(workbook.export_workbook(actor=CONSOLE, area=world.province)) == sheets
    # The village numbers, the merge and the province's own type came back too.
    assert Area.objects.get(ident="04099.3").valid_to == date(2025, 8, 31)
    assert ModelType.objects.get(code="son-la-hoa-giai").province == world.province
    # Sensitive values are stored encrypted, and read back as they were.
    guard = Person.objects.get(full_name="Cầm Văn Gác")
    assert guard.national_id == "014080001234"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id FROM registry_person WHERE id = %s", [guard.pk])
        assert cursor.fetchone()[0].startswith("enc1:")


def test_the_demo_province_survives_the_round_trip_cell_for_cell(db: Any) -> None:
    from tuquan.core.demo import load_demo
    from tuquan.registry.demo import load_registry_demo

    load_demo()
    load_registry_demo()
    son_la = Area.objects.get(ident="14")
    first = workbook.export_workbook(actor=CONSOLE, area=son_la)
    empty_the_registry()
    imported(CONSOLE, first)
    assert cells(workbook.export_workbook(actor=CONSOLE, area=son_la)) == cells(first)


def test_importing_an_exported_workbook_again_changes_nothing(world: Any) -> None:
    rich_registry(world)
    data = workbook.export_workbook(actor=world.alice, area=world.commune)
    before = snapshot()

    summary = imported(world.alice, data)

    assert summary.created == summary.changed == 0 and summary.of("people").unchanged == 3
    assert snapshot() == before  # not even an audit entry: nothing was written


def test_a_changed_cell_is_written_and_named_in_one_audit_entry(world: Any) -> None:
    data = workbook.export_workbook(actor=world.alice, area=world.commune)
    changed = edited(data, "Người", 2, "Số điện thoại", "0988111222")
    before = AuditEntry.objects.count()

    summary = imported(world.alice, changed, source="sua-so-dien-thoai.xlsx")

    assert summary.of("people").changed == 1 and summary.created == 0
    world.person.refresh_from_db()
    assert world.person.phone == "0988111222"
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1 and entry is not None
    assert entry.object_type == "registry.workbook" and entry.area == world.village
    assert entry.details == {"source": "sua-so-dien-thoai.xlsx", "sheets": {"Người": {"changed": 1}}}
    assert "0988111222" not in str(entry.details) + entry.object_label


def test_a_dry_run_counts_what_would_be_written_and_writes_nothing(world: Any) -> None:
    data = sheet_file({"Người": [["Họ và tên", "Năm sinh", "Nơi ở"], ["Lò Thị Thử", 1999, "04099.1"]]})
    before = snapshot()

    summary = imported(world.alice, data, dry_run=True)

    assert summary.dry_run and summary.of("people").created == 1
    assert snapshot() == before


# --- refusals ---------------------------------------------------------------------------------


def test_a_workbook_with_one_impossible_date_is_refused_naming_its_sheet_row_and_column(world: Any) -> None:
    data = workbook.export_workbook(actor=CONSOLE, area=world.province)
    bad = edited(data, "Người", 2, "Ngày sinh", "31/02/2025")
    empty_the_registry()
    before = snapshot()

    errors = refused(CONSOLE, bad)

    letter = column_letter(bad, "Người", "Ngày sinh")
    assert errors == [f"Người / 2 / {letter}: Ngày “31/02/2025” không có thật."]
    assert snapshot() == before


def test_every_bad_row_is_named_at_once_and_nothing_is_written(world: Any) -> None:
    bad = sheet_file(
        {
            "Tổ, nhóm": [
                ["Mã tổ", "Loại mô hình", "Tên tổ", "Xã quản lý", "Địa bàn", "Tình trạng"],
                ["T1", "khong-co-loai-nay", "Tổ lạ", "04099", "04099.1", "Đang hoạt động"],
                ["T2", "tuan-tra-nhan-dan", "Tổ tuần tra mới", "04099", "04099.1", "Đang hoạt động"],
            ],
            "Người": [
                ["Mã người", "Họ và tên", "Năm sinh", "Nơi ở", "Cư trú từ ngày"],
                ["P1", "Lò Văn Một", 1980, "04099.99", ""],
                ["P2", "", 1981, "04099.1", ""],
                ["P2", "Lò Văn Hai", 1982, "04099.1", ""],
                ["P3", "Giàng A Ba", 1983, world.far_village.ident, "01/01/2020"],
                ["P4", "Lò Văn Bốn", 1984, "04099.1", "2020-13-01"],
            ],
            "Thành viên tổ": [
                ["Mã tổ", "Mã người", "Vai trò", "Từ ngày"],
                ["T2", "P4", "Chủ tịch", "01/01/2024"],
                ["T2", "P9", "Tổ viên", "01/01/2024"],
                ["T2", "P4", "Tổ viên", ""],
            ],
        }
    )
    before = snapshot()

    errors = refused(world.alice, bad)

    assert errors == [
        "Tổ, nhóm / 2 / B: Không có loại mô hình mã “khong-co-loai-nay”.",
        "Người / 4 / A: Mã người trùng với một dòng trên.",
        "Người / 2 / D: Không có địa bàn mã “04099.99”.",
        "Người / 3 / B: Bắt buộc, không được để trống.",
        "Người / 6 / E: “2020-13-01” không phải một ngày dạng dd/mm/yyyy.",
        "Người / 5 / D: Bạn không có quyền ghi ở địa bàn này.",
        "Thành viên tổ / 2 / C: Vai trò “Chủ tịch” không có trong mô hình này (dùng: Tổ trưởng, Tổ phó, Tổ viên).",
        "Thành viên tổ / 3 / B: Không có người mã “P9” trong tệp hoặc trong phạm vi của bạn.",
        "Thành viên tổ / 4 / D: Bắt buộc, không được để trống.",
    ]
    assert snapshot() == before


def test_a_sheet_or_column_the_template_does_not_have_is_refused_before_any_row() -> None:
    bad = sheet_file(
        {
            "Nguoi": [["Mã người", "Họ và tên", "Ghi chú riêng"], ["", "Lò Văn A", "x"]],
            "Danh sách": [["STT"], [1]],
        }
    )
    assert refused(CONSOLE, bad) == [
        "Người / 1 / C: Cột “Ghi chú riêng” không có trong mẫu của trang này.",
        "Danh sách / 1 / -: Trang này không có trong mẫu (xem docs/import-format.md).",
    ]
    assert refused(CONSOLE, b"not a workbook") == [
        "Không đọc được tệp: hãy dùng tệp Excel (.xlsx, .xls) hoặc bảng tính .ods."
    ]


def test_a_likely_duplicate_typed_without_a_code_is_refused_until_confirmed(world: Any) -> None:
    rows: list[list[Any]] = [["Họ và tên", "Năm sinh", "Nơi ở"], ["Lo Van To", 1975, "04099.1"]]
    assert refused(world.alice, sheet_file({"Người": rows})) == [
        "Người / 2 / A: Có thể trùng với một người đã có: cùng tên, năm sinh, nơi ở. "
        "Nếu đúng là người khác, ghi “Có” ở cột “Vẫn thêm”."
    ]
    confirmed = [[*rows[0], "Vẫn thêm"], [*rows[1], "Có"]]
    assert imported(world.alice, sheet_file({"Người": confirmed})).of("people").created == 1


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def excel_file(shared: list[str], rows: str, *, prolog: str = "") -> bytes:
    """A workbook as Excel saves it: shared strings (one with rich-text runs), a date style."""
    import zipfile

    def si(text: str) -> str:
        if "|" in text:  # rich text: runs, and a phonetic hint that is not part of the text
            return (
                "<si>"
                + "".join(f"<r><t xml:space='preserve'>{p}</t></r>" for p in text.split("|"))
                + ("<rPh sb='0' eb='1'><t>x</t></rPh></si>")
            )
        return f"<si><t>{text}</t></si>"

    parts = {
        "[Content_Types].xml": "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'>"
        "<Default Extension='xml' ContentType='application/xml'/><Override PartName='/xl/workbook.xml' "
        "ContentType='application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'/></Types>",
        "_rels/.rels": "<Relationships xmlns='http://schemas.openxmlformats.org/package/2006/relationships'>"
        "<Relationship Id='rId1' Type='http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        "officeDocument' Target='xl/workbook.xml'/></Relationships>",
        "xl/workbook.xml": f"{prolog}<workbook xmlns='{MAIN}' xmlns:r='http://schemas.openxmlformats.org/"
        "officeDocument/2006/relationships'><sheets><sheet name='Nguoi' sheetId='1' r:id='rId1'/></sheets></workbook>",
        "xl/_rels/workbook.xml.rels": "<Relationships xmlns='http://schemas.openxmlformats.org/package/2006/"
        "relationships'><Relationship Id='rId1' Target='worksheets/sheet1.xml' Type='http://schemas.openxmlformats.org/"
        "officeDocument/2006/relationships/worksheet'/></Relationships>",
        "xl/sharedStrings.xml": f"<sst xmlns='{MAIN}'>" + "".join(si(t) for t in shared) + "</sst>",
        "xl/styles.xml": f"<styleSheet xmlns='{MAIN}'><numFmts><numFmt numFmtId='164' formatCode='dd/mm/yyyy'/>"
        "</numFmts><cellXfs><xf numFmtId='0'/><xf numFmtId='164'/></cellXfs></styleSheet>",
        "xl/worksheets/sheet1.xml": f"<worksheet xmlns='{MAIN}'><sheetData>{rows}</sheetData></worksheet>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, xml in parts.items():
            z.writestr(
                name,
                "<?xml version='1.0' encoding='UTF-8'?>" + xml
                if not prolog or "workbook" not in name
                else xml,
            )
    return out.getvalue()


def test_a_file_saved_by_excel_reads_shared_strings_real_dates_and_skipped_rows(world: Any) -> None:
    born = date(1975, 3, 9)
    serial = (born - date(1899, 12, 30)).days
    shared = [
        "Họ và tên",
        "Năm sinh",
        "Ngày sinh",
        "Nơi ở",
        "Lò |Văn Rich",
        "04099.1",
        "31/02/1976",
        "Lò Văn Bảy",
    ]
    header = (
        "<row r='1'>" + "".join(f"<c r='{c}1' t='s'><v>{i}</v></c>" for i, c in enumerate("ABCD")) + "</row>"
    )
    good = (
        f"<row r='3'><c r='A3' t='s'><v>4</v></c><c r='B3'><v>1975</v></c><c r='C3' s='1'><v>{serial}</v></c>"
        "<c r='D3' t='s'><v>5</v></c></row>"
    )

    imported(world.alice, excel_file(shared, header + good))

    person = Person.objects.get(full_name="Lò Văn Rich")
    assert (person.birth_date, person.area) == (born, world.village)
    # Row numbers are Excel's own, empty rows included, and a text date is checked like any other.
    bad = (
        good.replace("'3'", "'7'")
        .replace("B3", "B7")
        .replace("D3", "D7")
        .replace("<c r='A3' t='s'><v>4</v></c>", "<c r='A7' t='s'><v>7</v></c>")
        .replace(f"<c r='C3' s='1'><v>{serial}</v></c>", "<c r='C7' t='s'><v>6</v></c>")
    )
    assert refused(world.alice, excel_file(shared, header + bad)) == [
        "Người / 7 / C: Ngày “31/02/1976” không có thật."
    ]


def test_a_file_declaring_xml_entities_is_not_read() -> None:
    bomb = "<?xml version='1.0'?><!DOCTYPE workbook [<!ENTITY a 'aaaaaaaaaa'>]>"
    assert refused(CONSOLE, excel_file(["x"], "", prolog=bomb)) == [
        "Không đọc được tệp: hãy dùng tệp Excel (.xlsx, .xls) hoặc bảng tính .ods."
    ]


# --- a sheet typed by hand ----------------------------------------------------------------------


def test_a_hand_typed_sheet_links_its_rows_by_local_codes_and_accepts_text_dates(world: Any) -> None:
    data = sheet_file(
        {
            "Thôn, tổ dân phố": [
                ["Mã thôn", "Mã xã", "Loại", "Tên", "Thành lập từ ngày"],
                ["04099.7", "04099", "Bản", "Huổi Pù", "01/07/2025"],
                ["", "04099", "tiểu khu", "Số 8", ""],
            ],
            "Người": [
                ["Mã người", "Họ và tên", "Năm sinh", "Nơi ở", "Giới tính"],
                ["P1", "Quàng Văn Một", 1970, "04099.7", "Nam"],
                ["P2", "Quàng Thị Hai", 1972, "04099.7", "nu"],
            ],
            "Hộ gia đình": [["Mã hộ", "Chủ hộ", "Địa chỉ", "Nơi ở"], ["H1", "P1", "Nhà ông Một", "04099.7"]],
            "Tổ, nhóm": [
                ["Mã tổ", "Loại mô hình", "Tên tổ", "Xã quản lý", "Địa bàn", "Tình trạng", "Ngày thành lập"],
                [
                    "T1",
                    "lien-gia-tu-quan",
                    "Nhóm liên gia Huổi Pù",
                    "04099",
                    "04099.7",
                    "Đang hoạt động",
                    "15/08/2025",
                ],
            ],
            "Thành viên tổ": [
                ["Mã tổ", "Mã người", "Vai trò", "Từ ngày"],
                ["T1", "P1", "Nhóm trưởng", "15/08/2025"],
                ["T1", "P2", "member", "15/08/2025"],
            ],
            "Hộ thuộc tổ": [["Mã tổ", "Mã hộ", "Từ ngày"], ["T1", "H1", "15/08/2025"]],
        }
    )

    imported(world.alice, data, source="huoi-pu.xlsx")

    village = Area.objects.get(ident="04099.7")
    assert (village.name, village.valid_from) == ("Bản Huổi Pù", date(2025, 7, 1))
    # A row without a code gets the commune's next number, after the ones the file used.
    assert Area.objects.get(ident="04099.8").name == "Tiểu khu Số 8"
    one = Person.objects.get(full_name="Quàng Văn Một")
    assert one.household is not None and one.household.head == one and one.household.area == village
    team = Team.objects.get(name="Nhóm liên gia Huổi Pù")
    assert sorted(team.memberships.values_list("person__full_name", "role")) == [
        ("Quàng Thị Hai", "member"),
        ("Quàng Văn Một", "leader"),
    ]
    assert list(team.status_changes.values_list("status", "on")) == [("active", date(2025, 8, 15))]
    assert team.team_households.get().household == one.household
    # Typed again, the same people look like duplicates: a second run cannot double them.
    assert any("Có thể trùng" in e for e in refused(world.alice, data))


def test_thousands_of_heads_each_join_the_household_they_head_and_no_other(world: Any) -> None:
    # Households listed in the opposite order to their heads, beside households already in the
    # database: a head paired with the wrong new household by position or by id would show.
    for n in range(3):
        head = services.person_create(actor=world.alice, full_name=f"Chủ hộ cũ {n}", area=world.village)
        services.household_create(actor=world.alice, area=world.village, address=f"Nhà cũ {n}", head=head)
    headed = Household.objects.filter(area=world.village, head__isnull=False)
    before = headed.count()
    count = 3000
    people: list[list[Any]] = [["Mã người", "Họ và tên", "Năm sinh", "Nơi ở", "Mã hộ"]]
    for n in range(count):
        people.append([f"P{n}", f"Lò Văn Chủ {n}", 1950 + n % 50, world.village.ident, ""])
        people.append([f"V{n}", f"Lò Thị Vợ {n}", 1952 + n % 50, world.village.ident, f"H{n}"])
    households = [["Mã hộ", "Chủ hộ", "Địa chỉ", "Nơi ở"]]
    households += [[f"H{n}", f"P{n}", f"Nhà nhập {n}", world.village.ident] for n in reversed(range(count))]

    summary = imported(world.alice, sheet_file({"Người": people, "Hộ gia đình": households}))

    assert summary.of("households").created == count and summary.of("people").created == 2 * count
    made = Household.objects.filter(address__startswith="Nhà nhập ")
    pairs = {h.address.removeprefix("Nhà nhập "): h for h in made.select_related("head")}
    assert len(pairs) == count
    for number, household in pairs.items():
        assert household.head is not None and household.head.full_name == f"Lò Văn Chủ {number}"
    # Every head points back at the household they head, the old ones too, and every other
    # member at the household their row named.
    assert headed.count() == before + count and not headed.exclude(head__household=F("pk")).exists()
    members = Person.objects.filter(full_name__startswith="Lò Thị Vợ ")
    assert members.count() == count
    assert not members.exclude(
        household__head__full_name=Replace("full_name", Value("Thị Vợ"), Value("Văn Chủ"))
    )


# --- old addresses ---------------------------------------------------------------------------------

OLD_ADDRESS = ["Họ và tên", "Năm sinh", "Tỉnh cũ", "Huyện cũ", "Xã cũ"]


def test_an_old_address_of_a_commune_merged_whole_lands_on_the_current_commune(world: Any) -> None:
    # Xã Mường Lựm (Yên Châu) went wholly into today's Xã Chiềng Hặc (04078), bob's commune.
    data = sheet_file(
        {
            "Người": [OLD_ADDRESS, ["Lò Văn Lựm", 1966, "Tỉnh Sơn La", "Huyện Yên Châu", "Xã Mường Lựm"]],
            "Hộ gia đình": [
                ["Địa chỉ", "Tỉnh cũ", "Huyện cũ", "Xã cũ"],
                ["Bản Lựm", "Sơn La", "H. Yên Châu", "mường lựm"],
            ],
        }
    )

    queued = PendingPlacement.objects.count()

    summary = imported(world.bob, data)

    assert summary.queued == 0 and PendingPlacement.objects.count() == queued
    assert Person.objects.get(full_name="Lò Văn Lựm").area == world.other_commune
    assert Household.objects.get(address="Bản Lựm").area == world.other_commune


def test_an_old_address_of_a_split_commune_is_queued_not_guessed(world: Any) -> None:
    # Xã Việt Lâm (Vị Xuyên, Hà Giang) was split between today's Xã Việt Lâm and Xã Vị Xuyên.
    data = sheet_file(
        {"Người": [OLD_ADDRESS, ["Sùng A Lâm", 1990, "Tỉnh Hà Giang", "Huyện Vị Xuyên", "Xã Việt Lâm"]]}
    )

    summary = imported(CONSOLE, data, source="ha-giang-cu.xlsx")

    person = Person.objects.get(full_name="Sùng A Lâm")
    assert summary.of("people").queued == 1
    assert person.area.ident == "legacy:00967"  # kept on the old commune, in no current one
    placement = PendingPlacement.objects.get(object_id=str(person.pk))
    assert (placement.legacy_area, placement.source) == (person.area, "ha-giang-cu.xlsx")
    assert placement.summary == "Người: Sùng A Lâm (1990)" and placement.placed_at is None


def test_an_officer_queues_an_old_address_of_a_split_commune_for_their_colleagues(world: Any) -> None:
    # In the world, old Phiêng Khoài is split between Phiêng Khoài and Chiềng Hặc.
    data = sheet_file({"Người": [OLD_ADDRESS, ["Lò Văn Cũ", 1971, "Sơn La", "Yên Châu", "Phiêng Khoài"]]})
    imported(world.alice, data)
    person = Person.objects.get(full_name="Lò Văn Cũ")
    assert person.area.is_legacy and PendingPlacement.objects.filter(object_id=str(person.pk)).exists()
    # Erin (Lai Châu) is no successor's officer: the same row is refused for her.
    again = sheet_file(
        {
            "Người": [
                [*OLD_ADDRESS, "Vẫn thêm"],
                ["Lò Văn Cũ", 1971, "Sơn La", "Yên Châu", "Phiêng Khoài", "Có"],
            ]
        }
    )
    assert refused(world.erin, again) == ["Người / 2 / E: Bạn không có quyền ghi ở địa bàn này."]


def test_an_old_address_that_names_no_unit_says_which_column_is_wrong(world: Any) -> None:
    data = sheet_file(
        {"Người": [OLD_ADDRESS, ["Lò Văn A", 1966, "Tỉnh Sơn La", "Huyện Mai Sơn", "Xã Phiêng Khoài"]]}
    )
    assert refused(CONSOLE, data) == ["Người / 2 / E: Không có xã cũ “Xã Phiêng Khoài” ở Huyện Mai Sơn."]


# --- sensitive data and who may export --------------------------------------------------------------


def test_sensitive_columns_are_left_out_for_a_role_that_may_not_read_them(world: Any) -> None:
    headers = cells(workbook.export_workbook(actor=world.dana, area=world.province))["Người"][0]
    assert "Họ và tên" in headers
    assert not {"Số định danh cá nhân", "Dân tộc", "Tôn giáo", "Số điện thoại"} & set(headers)
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.actor == world.dana and entry.details["sensitive_fields"] == []


def test_reading_sensitive_columns_for_an_export_is_audited_once_not_per_person(world: Any) -> None:
    rich_registry(world)
    reads = AuditEntry.objects.filter(action="read").count()

    sheet = cells(workbook.export_workbook(actor=world.alice, area=world.commune))["Người"]

    assert "014080001234" in {v for row in sheet for v in row}
    exports = AuditEntry.objects.filter(action="export", actor=world.alice)
    assert exports.count() == 1 and AuditEntry.objects.filter(action="read").count() == reads
    assert exports.get().details["sensitive_fields"] == ["national_id", "ethnicity", "religion", "phone"]
    assert exports.get().details["sheets"]["people"] == 3


def test_an_import_without_the_sensitive_columns_leaves_them_as_they_are(world: Any) -> None:
    data = workbook.export_workbook(actor=world.dana, area=world.province)  # no sensitive columns
    assert imported(world.alice, data).changed == 0
    world.person.refresh_from_db()
    assert world.person.national_id == "014075009999"


def test_the_export_query_count_does_not_grow_with_the_registry(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    rich_registry(world)
    with django_assert_max_num_queries(25) as small:  # 3 for the journal: entries, participants, totals
        workbook.export_workbook(actor=world.alice, area=world.commune)
    for n in range(30):
        person = services.person_create(
            actor=world.alice,
            full_name=f"Người thứ {n}",
            area=world.village,
            birth_year=1970 + n,
            phone=f"09120000{n:02d}",
        )
        household = services.household_create(
            actor=world.alice, area=world.village, address=f"Nhà {n}", head=person
        )
        services.membership_add(
            actor=world.alice, team=world.team, person=person, role="member", start_on=date(2024, 1, 1)
        )
        services.team_household_add(
            actor=world.alice, team=world.team, household=household, start_on=date(2024, 1, 1)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = workbook.export_workbook(actor=world.alice, area=world.commune)
    assert len(cells(data)["Người"]) == 1 + 3 + 30


# --- the command line ---------------------------------------------------------------------------------


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    from unittest import mock

    from tuquan.cli import main

    try:
        # run_from_argv closes every connection when it ends; on PostgreSQL that would close
        # the test's own transaction.
        with mock.patch("django.core.management.base.connections.close_all"):
            main(["tuquan", *argv])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_commands_exit_0_1_and_2(world: Any, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "phieng-khoai.xlsx"
    assert run(capsys, "export", "--area", "04099", "-o", str(path), "--as", "alice")[0] == 0
    code, out, _err = run(capsys, "import", str(path), "--dry-run", "--as", "alice")
    assert code == 0 and "Chạy thử" in out

    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(edited(path.read_bytes(), "Tổ, nhóm", 2, "Ngày thành lập", "30/02/2020"))
    code, _out, err = run(capsys, "import", str(bad), "--as", "alice")
    assert code == 1 and "Tổ, nhóm / 2 / H: Ngày “30/02/2020” không có thật." in err

    assert run(capsys, "import", str(tmp_path / "khong-co.xlsx"))[0] == 2
    assert run(capsys, "export", "--area", "04099")[0] == 2  # no -o
    assert run(capsys, "export", "--area", "99999", "-o", str(path))[0] == 2
    # A team member may see the commune's name but not export its people: refused.
    assert run(capsys, "export", "--area", "04099", "-o", str(path), "--as", "minh")[0] == 1


def test_the_import_command_writes_and_prints_the_counts(world: Any, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "moi.xlsx"
    path.write_bytes(
        sheet_file({"Người": [["Họ và tên", "Năm sinh", "Nơi ở"], ["Lò Thị Mới", 2001, "04099.1"]]})
    )
    code, out, _err = run(capsys, "import", str(path))
    assert code == 0 and "Đã nhập: thêm 1, sửa 0, chờ xếp 0." in out
    assert Person.objects.filter(full_name="Lò Thị Mới", area=world.village).exists()


# --- villages keep their numbers ----------------------------------------------------------------------


def test_a_village_is_recreated_under_its_number_and_a_used_number_is_refused(world: Any) -> None:
    seven = core_services.village_create(
        actor=world.alice, commune=world.commune, kind="Bản", name="Bảy", number=7
    )
    assert seven.ident == "04099.7"
    assert (
        core_services.village_create(actor=world.alice, commune=world.commune, kind="Bản", name="Tám").number
        == 8
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        core_services.village_create(
            actor=world.alice, commune=world.commune, kind="Bản", name="Khác", number=7
        )


# --- the web: download, upload, the job -----------------------------------------------------------------


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_download_button_gives_the_areas_workbook(world: Any) -> None:
    response = logged_in(world.alice).get("/so-theo-doi/xuat/04099/")
    assert response.status_code == 200 and response["Content-Type"] == workbook.XLSX
    assert 'filename="so-theo-doi-04099-' in response["Content-Disposition"]
    assert cells(response.content)["Tổ, nhóm"][1][2] == "Tổ tuần tra Nà Khoang"


def test_an_upload_runs_as_a_job_whose_page_shows_its_progress_then_its_counts(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from tuquan.registry.tasks import registry_import

    client = logged_in(world.alice)
    page = client.get("/so-theo-doi/nhap/").content.decode()
    assert "/so-theo-doi/xuat/04099/" in page and 'name="file"' in page
    data = io.BytesIO(
        edited(
            workbook.export_workbook(actor=world.alice, area=world.commune),
            "Hộ gia đình",
            2,
            "Địa chỉ",
            "Nhà số 2, Bản Nà Khoang",
        )
    )
    data.name = "phieng-khoai.xlsx"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/so-theo-doi/nhap/", {"file": data})

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/so-theo-doi/nhap/{job.pk}/"
    assert (job.status, job.actor) == ("queued", world.alice)
    assert DBTaskResult.objects.filter(id=job.task_id, status="READY").exists()  # waiting for the worker
    waiting = client.get(f"/so-theo-doi/nhap/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in waiting and "<progress" in waiting and "<html" not in waiting

    registry_import.call(job.pk)  # what the worker does

    job.refresh_from_db()
    assert (job.status, job.progress, bytes(job.data)) == ("done", 100, b"")
    done = client.get(f"/so-theo-doi/nhap/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" not in done and "Đã nhập" in done and "Hộ gia đình" in done
    world.household.refresh_from_db()
    assert world.household.address == "Nhà số 2, Bản Nà Khoang"


def test_a_refused_upload_lists_every_error_on_its_page(world: Any) -> None:
    from tuquan.registry.tasks import registry_import

    bad = edited(
        workbook.export_workbook(actor=world.alice, area=world.commune), "Người", 2, "Năm sinh", "năm"
    )
    job = services.import_job_create(actor=world.alice, filename="sai.xlsx", data=bad)
    registry_import.call(job.pk)
    page = logged_in(world.alice).get(f"/so-theo-doi/nhap/{job.pk}/").content.decode()
    assert "Bị từ chối" in page and "“năm” không phải một số nguyên." in page
    assert ImportJob.objects.get(pk=job.pk).error_count == 1


def test_a_job_whose_worker_died_runs_once_more_then_fails_with_a_message_and_no_upload(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from tuquan.core import jobs
    from tuquan.core.models import WorkerBeat

    data = workbook.export_workbook(actor=world.alice, area=world.commune)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(actor=world.alice, filename="so.xlsx", data=data)

    def dies_while_running() -> None:
        # What a worker killed mid-import leaves: its task and the job "running", no lease.
        job.refresh_from_db()
        long_ago = timezone.now() - jobs.lease() - timedelta(seconds=1)
        DBTaskResult.objects.filter(id=job.task_id).update(
            status="RUNNING", worker_ids=["gone"], started_at=long_ago
        )
        WorkerBeat.objects.update_or_create(worker_id="gone", defaults={"beat_at": long_ago})
        ImportJob.objects.filter(pk=job.pk).update(status="running", attempts=job.attempts + 1, progress=42)

    dies_while_running()
    with django_capture_on_commit_callbacks(execute=True):
        page = logged_in(world.alice).get(f"/so-theo-doi/nhap/{job.pk}/")  # someone looks: it is settled
    job.refresh_from_db()
    assert (job.status, job.progress, bytes(job.data) == data) == ("queued", 0, True)  # queued again
    assert DBTaskResult.objects.filter(id=job.task_id, status="READY").exists()
    assert page.status_code == 200

    dies_while_running()
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reap() == [job.task_id]
    job.refresh_from_db()
    assert (job.status, bytes(job.data), job.attempts) == ("failed", b"", 2)
    html = logged_in(world.alice).get(f"/so-theo-doi/nhap/{job.pk}/").content.decode()
    assert "dừng giữa chừng 2 lần" in html and "không có gì được ghi" in html


def test_an_upload_that_is_not_a_workbook_gets_the_form_back_with_422(world: Any) -> None:
    upload = io.BytesIO(b"STT,Ho ten\n1,A\n")
    upload.name = "danh-sach.csv"
    response = logged_in(world.alice).post("/so-theo-doi/nhap/", {"file": upload}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 422 and html.lstrip().startswith("<form") and ".xlsx" in html
    assert not ImportJob.objects.exists()


# --- the documentation ------------------------------------------------------------------------------


def test_every_sheet_and_column_is_documented() -> None:
    text = DOCS.read_text()
    for sheet in workbook.sheets():
        assert f"## {sheet.title}" in text, sheet.title
        for column in sheet.columns:
            assert f"| {column.header} |" in text, f"{sheet.title}: {column.header}"


# --- .xls and .ods, read like .xlsx ---------------------------------------------------------------


def xls_file(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook saved in Excel 97–2003's format (.xls), as some offices still send."""
    import xlwt

    book = xlwt.Workbook()
    for title, rows in sheets.items():
        ws = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                ws.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_file(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A spreadsheet as LibreOffice saves it (.ods): numbers as floats, text as paragraphs."""
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    def cell(value: Any) -> str:
        if isinstance(value, int | float):
            return f"<table:table-cell office:value-type='float' office:value='{value}'><text:p>{value}</text:p></table:table-cell>"
        return f"<table:table-cell office:value-type='string'><text:p>{escape(str(value))}</text:p></table:table-cell>"

    tables = "".join(
        f"<table:table table:name={quoteattr(title)}>"
        + "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for title, rows in sheets.items()
    )
    content = (
        "<?xml version='1.0' encoding='UTF-8'?><office:document-content "
        "xmlns:office='urn:oasis:names:tc:opendocument:xmlns:office:1.0' "
        "xmlns:table='urn:oasis:names:tc:opendocument:xmlns:table:1.0' "
        "xmlns:text='urn:oasis:names:tc:opendocument:xmlns:text:1.0' office:version='1.2'>"
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        "<?xml version='1.0' encoding='UTF-8'?><manifest:manifest "
        "xmlns:manifest='urn:oasis:names:tc:opendocument:xmlns:manifest:1.0' manifest:version='1.2'>"
        "<manifest:file-entry manifest:full-path='/' "
        "manifest:media-type='application/vnd.oasis.opendocument.spreadsheet'/>"
        "<manifest:file-entry manifest:full-path='content.xml' manifest:media-type='text/xml'/>"
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.mark.parametrize("saved_as", [xls_file, ods_file], ids=["xls", "ods"])
def test_an_xls_or_ods_file_is_read_like_an_xlsx_one_with_its_cells_named(world: Any, saved_as: Any) -> None:
    header = ["Mã người", "Họ và tên", "Năm sinh", "Ngày sinh", "Nơi ở"]
    imported(
        world.alice,
        saved_as({"Người": [header, ["P1", "Quàng Văn Cũ", 1970, "09/03/1970", world.village.ident]]}),
    )
    person = Person.objects.get(full_name="Quàng Văn Cũ")
    assert (person.birth_year, person.birth_date, person.area) == (1970, date(1970, 3, 9), world.village)
    bad = saved_as({"Người": [header, [], ["P2", "Quàng Văn Sai", 1976, "31/02/1976", world.village.ident]]})
    assert refused(world.alice, bad) == ["Người / 3 / D: Ngày “31/02/1976” không có thật."]


def test_a_misspelt_kind_of_model_type_is_refused_at_its_cell_even_with_teams_and_entries_of_that_type(
    world: Any,
) -> None:
    """A province officer's file: a model type whose "Dạng" is misspelt, a team of that type
    and a journal row for that team. Every problem is a named cell; no traceback."""
    province = world.province.ident
    data = sheet_file(
        {
            "Loại mô hình": [
                ["Mã loại", "Tỉnh", "Tên", "Tên ngắn", "Dạng", "Gắn với", "Vai trò", "Loại hoạt động"],
                [
                    "tu-quan-moi",
                    province,
                    "Tổ tự quản mới",
                    "Tự quản mới",
                    "Tổ, nhóm đội",
                    "Thôn",
                    "leader=Tổ trưởng; member=Thành viên",
                    "Tuần tra",
                ],
            ],
            "Tổ, nhóm": [
                ["Mã tổ", "Loại mô hình", "Tên tổ", "Xã quản lý", "Địa bàn", "Tình trạng"],
                [
                    "T1",
                    "tu-quan-moi",
                    "Tổ tự quản bản Nà Khoang",
                    world.commune.ident,
                    world.village.ident,
                    "Đang hoạt động",
                ],
            ],
            "Nhật ký": [
                ["Mã tổ", "Thôn", "Loại hoạt động", "Ngày", "Lượt người"],
                ["T1", world.village.ident, "Tuần tra", "02/01/2025", 2],
            ],
        }
    )
    teams_before = Team.objects.count()
    errors = refused(world.charlie, data)
    kind_letter = "E"
    assert any(e.startswith(f"Loại mô hình / 2 / {kind_letter}: ") for e in errors), errors
    assert any(e.startswith("Nhật ký / 2 / A: ") for e in errors), errors
    assert Team.objects.count() == teams_before
