"""Rows written in bulk (an import) carry the same Vietnamese sort key as rows saved one by one,
so a list ordered by it is in order whichever way its rows arrived."""

from __future__ import annotations

from typing import Any

import pytest

from tuquan.core.actors import CONSOLE
from tuquan.core.models import Area
from tuquan.core.text import sort_key
from tuquan.registry import io as workbook
from tuquan.registry.models import ModelType, Person, Team
from tuquan.registry.tests.test_workbook import edited, empty_the_registry, imported, rich_registry

pytestmark = pytest.mark.django_db

SOURCES = ((Person, "full_name"), (Team, "name"), (ModelType, "name"), (Area, "short_name"))


def keys_out_of_date() -> list[tuple[str, str]]:
    wrong = []
    for model, source in SOURCES:
        for name, key in model.objects.values_list(source, "sort_name"):
            if key != sort_key(name):
                wrong.append((model.__name__, name))
    return wrong


def test_people_teams_and_types_imported_into_an_empty_registry_carry_their_sort_keys(world: Any) -> None:
    rich_registry(world)
    exported = workbook.export_workbook(actor=CONSOLE, area=world.province)
    empty_the_registry()
    imported(CONSOLE, exported, source="son-la.xlsx")
    assert Person.objects.exists() and Team.objects.exists()
    assert keys_out_of_date() == []


def test_names_changed_by_an_import_get_new_sort_keys(world: Any) -> None:
    rich_registry(world)
    exported = workbook.export_workbook(actor=CONSOLE, area=world.province)
    renamed = edited(exported, "Người", 2, "Họ và tên", "Đinh Thị Ấm")
    renamed = edited(renamed, "Tổ, nhóm", 2, "Tên tổ", "Ấp Ưng")
    renamed = edited(renamed, "Loại mô hình", 2, "Tên", "Ắc quy an ninh")
    imported(CONSOLE, renamed, source="son-la.xlsx")
    assert Person.objects.filter(full_name="Đinh Thị Ấm").exists()
    assert Team.objects.filter(name="Ấp Ưng").exists()
    assert ModelType.objects.filter(name="Ắc quy an ninh").exists()
    assert keys_out_of_date() == []
