"""Demo supervised persons across categories in Phiêng Khoài (with their check-ins and a
couple of referrals each), and a year of one team's fund
(monthly contributions from its households, a few expenses, past months closed)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tuquan.care import services
from tuquan.care.models import FundEntry, SupervisedPerson
from tuquan.core.actors import CONSOLE
from tuquan.core.models import Area, Level
from tuquan.registry.models import Household, Team

# (organisation, days after the start, need, status, outcome): each person's referrals.
REFERRALS: list[list[tuple[str, int, str, str, str]]] = [
    [
        ("vocational", 20, "Muốn học nghề sửa xe máy", "completed", "Hoàn thành khoá sơ cấp nghề 3 tháng"),
        ("veterans", 45, "Cần người kèm cặp, giới thiệu việc làm", "accepted", ""),
    ],
    [
        ("youth_union", 15, "Tham gia sinh hoạt đoàn, tránh xa bạn cũ", "accepted", ""),
        ("women_union", 40, "Gia đình cần vay vốn chăn nuôi", "completed", "Được giới thiệu vay vốn ưu đãi"),
    ],
    [("women_union", 10, "Cần hỗ trợ chăm con nhỏ", "pending", "")],
    [
        ("youth_union", 12, "Đi học lại, sinh hoạt chi đoàn", "accepted", ""),
        ("vocational", 60, "Học nghề may", "declined", "Chưa đủ tuổi vào lớp, hẹn khoá sau"),
    ],
    [("vocational", 30, "Học nghề mộc", "pending", "")],
]
PERSONS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("prison", "Lò Văn Hùng", "1988", {"job": True, "income": "2m_plus", "family": True}),
    ("rehab", "Cầm Văn Dũng", "1992", {"loan": 30000000, "income": "under_2m"}),
    ("suspended", "Quàng Thị Lan", "1995", {"family": True}),
    ("minor", "Lường Văn Tú", "2009", {}),
    ("rehab", "Hoàng Văn Sơn", "1985", {"reoffended": True}),
]


def _months_ago(today: date, n: int) -> date:
    first = today.replace(day=1)
    for _ in range(n):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


@transaction.atomic
def load_care_demo() -> int:
    if SupervisedPerson.objects.exists() or FundEntry.objects.exists():
        return 0
    commune = Area.objects.filter(ident="04099").first()
    if commune is None:
        return 0
    villages = list(commune.children.filter(level=Level.VILLAGE, valid_to__isnull=True).order_by("number"))
    teams = list(Team.objects.filter(home_area=commune).order_by("sort_name"))
    if not villages or not teams:
        return 0
    today = timezone.localdate()
    rng = random.Random(2025)
    made = 0
    for i, (category, name, born, outcome) in enumerate(PERSONS):
        start = _months_ago(today, 10 - i)
        person = services.supervised_create(
            actor=CONSOLE,
            area=villages[i % len(villages)],
            category=category,
            full_name=name,
            birth_year=born,
            legal_basis="Bản án, quyết định (dữ liệu mẫu)",
            start_on=start,
            planned_end_on=start + timedelta(days=365),
            team=teams[i % len(teams)],
        )
        for k in range(1, 6):
            day = start + timedelta(days=30 * k + rng.randint(0, 5))
            if day <= today:
                services.supervised_checkin(
                    actor=CONSOLE, person=person, occurred_on=day, note="Thăm hỏi, động viên"
                )
        changes: dict[str, Any] = {}
        if outcome.get("job"):
            changes["job_found_on"] = start + timedelta(days=60)
        if outcome.get("loan"):
            changes["loan_on"] = start + timedelta(days=90)
            changes["loan_amount"] = outcome["loan"]
        if outcome.get("family"):
            changes["family_support"] = True
        if outcome.get("income"):
            changes["income_band"] = outcome["income"]
        if outcome.get("reoffended"):
            changes["reoffended_on"] = min(today, start + timedelta(days=120))
        if changes:
            services.supervised_update(actor=CONSOLE, person=person, **changes)
        for organisation, after, need, status, result in REFERRALS[i]:
            referred_on = start + timedelta(days=after)
            if referred_on > today:
                continue
            done = status != "pending" and referred_on + timedelta(days=30) <= today
            services.referral_create(
                actor=CONSOLE,
                person=person,
                organisation=organisation,
                referred_on=referred_on,
                need=need,
                status=status if done else "pending",
                outcome=result if done else "",
                outcome_on=referred_on + timedelta(days=30) if done else None,
            )
        made += 1
    team = teams[0]
    households: list[Household | None] = [*Household.objects.filter(team_links__team=team)[:8]] or [None]
    for n in range(12, -1, -1):
        month = _months_ago(today, n)
        for household in households:
            day = month + timedelta(days=rng.randint(0, 9))
            if day <= today:
                services.fund_entry_record(
                    actor=CONSOLE,
                    team=team,
                    kind="contribution",
                    amount=rng.choice([20000, 30000, 50000]),
                    occurred_on=day,
                    household=household,
                )
        if n % 3 == 0 and month + timedelta(days=15) <= today:
            services.fund_entry_record(
                actor=CONSOLE,
                team=team,
                kind="expense",
                amount=rng.choice([100000, 150000, 200000]),
                occurred_on=month + timedelta(days=15),
                purpose=rng.choice(["Thăm hỏi hộ ốm đau", "Mua đèn pin, áo mưa", "Hỗ trợ hộ khó khăn"]),
                approved_by="Tổ trưởng",
            )
        if n >= 2:
            services.fund_month_close(actor=CONSOLE, team=team, month=month)
    return made
