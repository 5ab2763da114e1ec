"""The system log a person can read (issue 24, item 4): each row says who did what to which
record, in Vietnamese; no Python dict, no model label in the sentence."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tuquan.core.actors import CONSOLE
from tuquan.core.audit import describe
from tuquan.core.models import AuditEntry
from tuquan.journal import services as journal
from tuquan.journal.models import Entry
from tuquan.registry import services as registry
from tuquan.testing.journal import last_month_day, record_patrols
from tuquan.tips import services as tips

pytestmark = pytest.mark.django_db


def latest(object_type: str) -> str:
    row = AuditEntry.objects.filter(object_type=object_type).select_related("actor", "area").first()
    assert row is not None, object_type
    return describe(row)


def test_the_months_approval_and_an_entrys_check_read_as_sentences(world: Any) -> None:
    day = last_month_day()
    (entry,) = record_patrols(world, 1, day=day)
    assert (
        latest("journal.entry")
        == f"Linh (linh) ghi hoạt động Tuần tra ngày {day:%d/%m/%Y} tại {world.village.name}"
    )
    journal.entry_review(actor=world.alice, entry=entry, verdict="returned", comment="Thiếu người")
    assert (
        latest("journal.entry")
        == f"Alice (alice) trả lại hoạt động Tuần tra tại {world.village.name} để tổ sửa"
    )
    for waiting in Entry.objects.filter(village=world.village).exclude(status="verified"):
        journal.entry_review(actor=world.alice, entry=waiting, verdict="verified")
    journal.month_approve(actor=world.alice, village=world.village, month=day)
    assert (
        latest("journal.approval")
        == f"Alice (alice) duyệt số liệu tháng {day:%m/%Y} của {world.village.name}"
    )


def test_a_teams_status_a_tips_state_a_login_and_a_server_command_read_as_sentences(world: Any) -> None:
    registry.team_set_status(
        actor=CONSOLE, team=world.team, status="weak", on=timezone.localdate(), reason="Ít tuần tra"
    )
    said = latest("registry.team")
    assert said.startswith("Hệ thống (lệnh trên máy chủ) chuyển tổ «")
    assert "từ “Đang hoạt động” sang “Hoạt động yếu”" in said
    tips.tip_set_state(actor=world.alice, tip=world.tip, state="valuable")
    assert "từ “Đang xác minh” sang “Có giá trị”" in latest("tips.tip")
    Client().force_login(world.alice)
    login = AuditEntry.objects.filter(action="login").select_related("actor").first()
    assert login is not None and describe(login) == ("Alice (alice) đăng nhập")


def test_no_row_of_the_worlds_log_shows_python_or_a_model_label(world: Any) -> None:
    rows = AuditEntry.objects.select_related("actor", "area")
    assert rows.count() > 20
    for row in rows:
        said = describe(row)
        assert "{" not in said and "[" not in said, said
        assert row.object_type not in said or "." not in row.object_type, said
