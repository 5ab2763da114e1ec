from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import Workbook, load_workbook

from tuquan.core import services
from tuquan.core.models import Area, AuditEntry, Level

pytestmark = pytest.mark.django_db


def officer(world: Any) -> Client:
    client = Client()
    client.force_login(world.alice)
    return client


def workbook(rows: list[list[Any]]) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "thon.xlsx"
    return out


def test_commune_officer_adds_a_village_with_the_next_number(world: Any) -> None:
    village = services.village_create(actor=world.alice, commune=world.commune, kind="Bản", name="Pá Sàng")
    assert (village.ident, village.name, village.path) == ("04099.2", "Bản Pá Sàng", "VN/14/04099/04099.2/")
    assert AuditEntry.objects.filter(object_id=str(village.pk), action="create", actor=world.alice).exists()


def test_team_leader_cannot_add_a_village(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.village_create(actor=world.linh, commune=world.commune, kind="Bản", name="Mới")


def test_a_duplicate_village_name_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.village_create(actor=world.alice, commune=world.commune, kind="Bản", name="nà khoang")


def test_the_add_form_returns_its_partial_with_422_and_keeps_the_input(world: Any) -> None:
    response = officer(world).post(
        "/dia-ban/04099/them-thon/", {"kind": "Bản", "name": "Nà Khoang"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and 'value="Nà Khoang"' in html and "đã có" in html


def test_a_successful_add_over_htmx_redirects_to_the_commune(world: Any) -> None:
    response = officer(world).post(
        "/dia-ban/04099/them-thon/",
        {"kind": "Tổ dân phố", "name": "Số 5", "valid_from": "01/07/2025"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204 and response["HX-Redirect"] == "/dia-ban/04099/"
    assert Area.objects.get(ident="04099.2").valid_from == date(2025, 7, 1)


def test_renaming_keeps_the_old_name_in_history(world: Any) -> None:
    services.village_rename(actor=world.alice, village=world.village, kind="Bản", name="Nà Khoang Mới")
    page = officer(world).get("/dia-ban/04099.1/").content.decode()
    assert "Bản Nà Khoang → Bản Nà Khoang Mới" in page


def test_merging_ends_the_village_and_links_it_to_its_successor(world: Any) -> None:
    target = services.village_create(actor=world.alice, commune=world.commune, kind="Bản", name="Pá Sàng")
    services.village_merge(actor=world.alice, sources=[world.village], target=target, on=date(2025, 9, 1))
    world.village.refresh_from_db()
    assert world.village.valid_to == date(2025, 8, 31) and not world.village.is_active
    assert list(target.predecessor_links.values_list("predecessor__ident", flat=True)) == ["04099.1"]
    # Ended villages leave the list but keep their number: a new village never reuses 1.
    assert services.village_create(actor=world.alice, commune=world.commune, kind="Bản", name="C").number == 3


def test_an_import_with_bad_cells_changes_nothing_and_names_every_cell(world: Any) -> None:
    sheet = workbook(
        [
            ["Loại", "Tên", "Thành lập từ ngày"],
            ["Bản", "Co Hịnh", "01/07/2025"],
            ["Làng", "Suối Bau", ""],
            ["Bản", "", ""],
            ["Bản", "Nà Khoang", "31/02/2025"],
        ]
    )
    response = officer(world).post("/dia-ban/04099/nhap-thon/", {"file": sheet})
    assert response.status_code == 422
    html = response.content.decode()
    for cell in ("Ô A3", "Ô B4", "Ô B5", "Ô C5"):
        assert cell in html
    assert not Area.objects.filter(short_name="Co Hịnh").exists()


def test_a_good_import_creates_every_village(world: Any) -> None:
    sheet = workbook([["Loại", "Tên"], ["Bản", "Co Hịnh"], ["ban", "Suối Bau"], ["tổ dân phố", "Tiểu khu 1"]])
    response = officer(world).post("/dia-ban/04099/nhap-thon/", {"file": sheet})
    assert response.status_code == 302
    names = list(
        world.commune.children.filter(level=Level.VILLAGE).order_by("number").values_list("name", flat=True)
    )
    assert names == ["Bản Nà Khoang", "Bản Co Hịnh", "Bản Suối Bau", "Tổ dân phố Tiểu khu 1"]


def test_the_village_list_downloads_as_a_workbook(world: Any) -> None:
    response = officer(world).get("/dia-ban/04099/nhap-thon/?tai=1")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]] == ["Loại", "Tên", "Thành lập từ ngày", "Mã"]
    assert [c.value for c in ws[2]] == ["Bản", "Nà Khoang", None, "04099.1"]


def test_the_commune_page_query_count_does_not_grow_with_villages(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        services.village_create(actor=world.alice, commune=world.commune, kind="Bản", name=f"Bản {n}")
    client = officer(world)
    with django_assert_max_num_queries(14):
        page = client.get("/dia-ban/04099/")
    assert page.status_code == 200 and "Bản Bản 29" in page.content.decode()


def test_the_area_search_page_finds_without_accents(world: Any) -> None:
    client = Client()
    client.force_login(world.charlie)
    response = client.get("/dia-ban/", {"q": "phieng khoai"}, HTTP_HX_REQUEST="true")
    assert "Xã Phiêng Khoài" in response.content.decode() and "<html" not in response.content.decode()
