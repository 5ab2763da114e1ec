"""Supervised persons and funds in the test world: one person in Bản Nà Khoang assigned to
linh's team (alice is the commune officer), one in Lai Châu, each with a check-in and a
referral to vocational training; each team's fund has a contribution and an expense."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

INSIDE_NAME = "Quàng Văn Bí Mật"
FAR_NAME = "Sùng A Kín Đáo"
# A referral's need names its person, so the walk in test_no_leak also searches referrals.
REFERRAL_NEED = "Học nghề sửa xe cho"


def build(world: Any) -> dict[str, Any]:
    from django.utils import timezone

    from tuquan.care import services
    from tuquan.core.actors import CONSOLE

    made: dict[str, Any] = {}
    start = timezone.localdate() - timedelta(days=90)
    for prefix, village, team, name in (
        ("", world.village, world.team, INSIDE_NAME),
        ("far_", world.far_village, world.far_team, FAR_NAME),
    ):
        person = services.supervised_create(
            actor=CONSOLE,
            area=village,
            category="rehab",
            full_name=name,
            birth_year="1990",
            address=f"{village.name}",
            legal_basis="Quyết định 01/QĐ",
            start_on=start,
            team=team,
        )
        services.supervised_checkin(actor=CONSOLE, person=person, occurred_on=start + timedelta(days=7))
        made[f"{prefix}referral"] = services.referral_create(
            actor=CONSOLE,
            person=person,
            organisation="vocational",
            referred_on=start + timedelta(days=10),
            need=f"{REFERRAL_NEED} {name}",
        )
        made[f"{prefix}supervised"] = person
        made[f"{prefix}fund_entry"] = services.fund_entry_record(
            actor=CONSOLE, team=team, kind="contribution", amount=500000, occurred_on=start
        )
        services.fund_entry_record(
            actor=CONSOLE,
            team=team,
            kind="expense",
            amount=200000,
            occurred_on=start + timedelta(days=1),
            purpose="Thăm hỏi",
            approved_by="Tổ trưởng",
        )
    return made
