"""Hostile and careless input: what cannot poison an export, what is too large, and exports
that carry data, never formulas (issue 21)."""

from __future__ import annotations

import io
import json
import unicodedata
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from openpyxl import load_workbook

from tuquan.core.actors import CONSOLE
from tuquan.core.models import Area
from tuquan.registry import io as registry_io
from tuquan.registry.models import Person

pytestmark = pytest.mark.django_db
FORMULA = "=cmd|' /C calc'!A0"


def api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add_person(world: Any, name: str) -> Any:
    return api(world.alice).post(
        "/api/v1/people",
        data={"area_id": world.village.ident, "full_name": name},
        content_type="application/json",
    )


def formula_cells(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    return [
        f"{ws.title}!{cell.coordinate}"
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_a_nul_in_a_name_is_refused_naming_the_field_and_nothing_is_written(world: Any) -> None:
    before = Person.objects.count()

    response = add_person(world, "a\u0000b")

    assert response.status_code == 422
    body = response.json()
    assert "full_name" in body["detail"] and "ký tự điều khiển" in body["detail"]
    assert body["errors"][0]["loc"] == ["body", "full_name"]
    assert Person.objects.count() == before


def test_a_name_that_looks_like_a_formula_is_kept_as_text_out_and_back_in(world: Any) -> None:
    assert add_person(world, FORMULA).status_code == 201
    assert add_person(world, "+84 912 000 111").status_code == 201
    data = registry_io.export_workbook(actor=CONSOLE, area=world.province)

    assert formula_cells(data) == []
    names = [r[1] for r in load_workbook(io.BytesIO(data))["Người"].iter_rows(values_only=True)]
    assert FORMULA in names and "+84 912 000 111" in names
    summary = registry_io.import_workbook(actor=CONSOLE, data=data)
    assert summary.changed == summary.created == 0  # read back as the same value
    assert Person.objects.filter(full_name=FORMULA).count() == 1


def test_text_is_stored_composed_whichever_keyboard_typed_it(world: Any) -> None:
    decomposed = unicodedata.normalize("NFD", "Lường Thị Hoà")
    assert add_person(world, decomposed).status_code == 201
    assert Person.objects.filter(full_name="Lường Thị Hoà").exists()


def test_no_export_of_the_demo_province_carries_a_formula(demo: Any) -> None:
    from tuquan.reports import engine
    from tuquan.reports import io as report_io

    province = Area.objects.get(ident="14")
    assert formula_cells(registry_io.export_workbook(actor=CONSOLE, area=province)) == []
    report = engine.build(
        actor=CONSOLE, area=province, start=demo["start"], end=demo["end"], by=["child", "type"]
    )
    assert formula_cells(report_io.workbook(report)) == []
    # The commune's villages, its supervised persons and its teams' funds, as they download them.
    from tuquan.care import selectors as care_selectors
    from tuquan.care.io import fund_workbook, person_workbook
    from tuquan.care.models import SupervisedPerson
    from tuquan.core import io as core_io
    from tuquan.registry.models import Team

    commune = Area.objects.get(ident="04099")
    villages = list(Area.objects.filter(parent=commune))
    assert formula_cells(core_io.villages_workbook(villages)) == []
    persons = list(SupervisedPerson.objects.all())
    assert persons and formula_cells(person_workbook(CONSOLE, persons)) == []
    for team in Team.objects.filter(home_area=commune):
        assert formula_cells(fund_workbook(team, care_selectors.fund_ledger(team))) == []


@override_settings(DEBUG=True)
def test_a_twenty_megabyte_body_answers_413_in_vietnamese_even_under_debug(world: Any) -> None:
    body = json.dumps({"area_id": world.village.ident, "full_name": "x" * (20 * 1024 * 1024)})

    response = api(world.alice).post("/api/v1/people", data=body, content_type="application/json")

    assert response.status_code == 413 and "quá lớn" in response.json()["detail"]


def test_a_form_with_a_control_character_is_refused_on_a_page_and_beside_the_button(world: Any) -> None:
    client = api(world.alice)
    page = client.get("/", {"q": "bad\u0001"})
    assert page.status_code == 422 and "ký tự điều khiển" in page.content.decode()
    htmx = client.post("/dang-xuat/", {"next": "x\u0007"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 400 and "X-Tuquan-Message" in htmx.headers


def test_rows_recorded_before_the_rules_are_found_and_repaired(world: Any, capsys: Any) -> None:
    Person.objects.filter(pk=world.person.pk).update(
        full_name="Lò\u0007 Văn " + unicodedata.normalize("NFD", "Tô")
    )
    with pytest.raises(SystemExit):
        call_command("text_check")
    assert "registry.Person: 1 bản ghi (full_name)" in capsys.readouterr().out

    call_command("text_check", "--repair")

    assert Person.objects.get(pk=world.person.pk).full_name == "Lò Văn Tô"
    call_command("text_check")  # nothing left: exits normally


@pytest.mark.parametrize("kind", ["text/plain", "", "application/vnd.api+json"])
def test_an_api_body_is_checked_whatever_type_it_claims(world: Any, kind: str) -> None:
    """Found from outside: django-ninja reads a body as JSON whatever its Content-Type."""
    body = json.dumps({"area_id": world.village.ident, "full_name": "Plain\u0000Test"})
    before = Person.objects.count()

    response = api(world.alice).post("/api/v1/people", data=body, content_type=kind)

    assert response.status_code == 422 and "full_name" in response.json()["detail"]
    assert Person.objects.count() == before


@pytest.mark.parametrize(
    "text",
    ["Sur\ud800Test", "Thôn \u202eabc", "C1\x9bx", "x\uffff"],
    ids=["lone-surrogate", "bidi-override", "c1-control", "non-character"],
)
def test_text_that_reads_other_than_it_is_stored_is_refused(world: Any, text: str) -> None:
    body = json.dumps({"area_id": world.village.ident, "full_name": text})
    response = api(world.alice).post("/api/v1/people", data=body, content_type="application/json")
    assert response.status_code == 422


def test_json_nested_a_thousand_deep_is_a_422_for_anyone_not_a_500() -> None:
    response = Client().post(
        "/api/v1/auth/token", data="[" * 2000 + "]" * 2000, content_type="application/json"
    )
    assert response.status_code == 422 and "sâu" in response.json()["detail"]


def test_a_line_break_pasted_from_word_becomes_a_line(world: Any) -> None:
    assert add_person(world, "Lò Văn\x0bTô").status_code == 201
    assert Person.objects.filter(full_name="Lò Văn Tô").exists()  # names join their lines


def test_a_writer_that_waited_out_the_lock_gets_503_with_retry_after() -> None:
    from django.db import OperationalError
    from django.test import RequestFactory

    from tuquan.core.middleware import BusyDatabaseMiddleware

    guard = BusyDatabaseMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    request = RequestFactory().post("/api/v1/entries")
    response = guard.process_exception(request, OperationalError("database is locked"))
    assert response is not None and response.status_code == 503 and response["Retry-After"] == "30"
    assert "thử lại" in json.loads(response.content)["detail"]


def test_every_api_answer_is_json_even_an_unknown_path_or_method(world: Any) -> None:
    client = api(world.alice)
    missing = client.get("/api/v1/nope")
    assert missing.status_code == 404 and "detail" in missing.json()
    wrong = client.delete("/api/v1/entries")
    assert wrong.status_code == 405 and "DELETE" in wrong.json()["detail"]
