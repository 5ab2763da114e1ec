"""The assessment's part of the test world: a residential-area round of Phiêng Khoài
proposed by the commune and waiting for the province (world.round), a hotspot at Bản Nà
Khoang (world.hotspot) with one task, a school registered in the commune (world.unit); the
same in Lai Châu (far_)."""

from __future__ import annotations

from datetime import date
from typing import Any

YES = {"nghi-quyet": True, "khong-vu-viec": True, "phong-trao": True, "hoa-giai": True}


def build(world: Any) -> dict[str, Any]:
    from tuquan.assessment import services
    from tuquan.assessment.models import CriteriaSet
    from tuquan.core.actors import CONSOLE

    residential = CriteriaSet.objects.get(code="antt-khu-dan-cu", version=1)
    made: dict[str, Any] = {}
    for prefix, commune, village in (
        ("", world.commune, world.village),
        ("far_", world.far_commune, world.far_village),
    ):
        rnd = services.round_open(actor=CONSOLE, criteria_set=residential, commune=commune, year=2025)
        services.result_record(actor=CONSOLE, round=rnd, area=village, answers=YES, evidence="Biên bản họp")
        services.round_propose(actor=CONSOLE, round=rnd)
        made[f"{prefix}round"] = rnd
        made[f"{prefix}hotspot"] = services.hotspot_declare(
            actor=CONSOLE,
            area=village,
            reason="Tụ điểm sử dụng ma túy",
            declared_on=date(2025, 1, 10),
            decision_number="5/QĐ-UBND",
            tasks=[{"text": "Tuần tra đêm hằng tuần", "due_on": date(2025, 6, 30)}],
        )
        made[f"{prefix}unit"] = services.unit_create(
            actor=CONSOLE, commune=commune, kind="school", name="Trường Tiểu học số 1", address="Trung tâm xã"
        )
    return made
