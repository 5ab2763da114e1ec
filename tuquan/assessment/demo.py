"""Demo assessment data (part of `tuquan load-demo`): last year's residential-area round of
Phiêng Khoài proposed and approved, a hotspot with its plan, the statutory team's rating,
and the voluntary teams' grades."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from tuquan.assessment import services
from tuquan.assessment.models import CriteriaSet, Round
from tuquan.core.actors import CONSOLE
from tuquan.core.models import Area, Level
from tuquan.registry.models import Membership, Team

YES = {"nghi-quyet": True, "khong-vu-viec": True, "phong-trao": True, "hoa-giai": True}


def demo_year() -> int:
    """The last assessment year whose window (ending 31/10) is over."""
    today = timezone.localdate()
    return today.year if today >= date(today.year, 11, 1) else today.year - 1


def load_assessment_demo() -> int:
    if Round.objects.exists():
        return 0
    year = demo_year()
    commune = Area.objects.get(ident="04099", level=Level.COMMUNE)
    with transaction.atomic():
        rnd = services.round_open(
            actor=CONSOLE,
            criteria_set=CriteriaSet.objects.get(code="antt-khu-dan-cu", status="active"),
            commune=commune,
            year=year,
        )
        villages = Area.objects.filter(parent=commune, level=Level.VILLAGE, valid_to__isnull=True)
        for village in villages.order_by("number"):
            services.result_record(
                actor=CONSOLE, round=rnd, area=village, answers=YES, evidence="Biên bản họp bình xét"
            )
        services.round_propose(actor=CONSOLE, round=rnd)
        services.round_approve(actor=CONSOLE, round=rnd, decision_number=f"215/QĐ-UBND ({year})")
        hotspot = services.hotspot_declare(
            actor=CONSOLE,
            area=villages.order_by("number").last() or commune,
            reason="Tụ điểm phức tạp về ma túy giáp ranh",
            declared_on=date(year - 1, 3, 1),
            decision_number="18/QĐ-UBND",
            tasks=[
                {"text": "Tuần tra ban đêm hằng tuần", "due_on": date(year - 1, 12, 31)},
                {"text": "Họp dân, ký cam kết không ma túy", "due_on": date(year, 6, 30)},
            ],
        )
        for task in hotspot.tasks.all():
            services.hotspot_task_done(actor=CONSOLE, task=task, done_on=task.due_on or date(year, 6, 30))
        services.hotspot_transform(
            actor=CONSOLE, hotspot=hotspot, on=date(year, 9, 30), decision_number="97/QĐ-UBND"
        )
        force = Team.objects.filter(type__is_statutory=True, home_area=commune).first()
        if force is not None:
            services.rating_record(
                actor=CONSOLE, team=force, year=year, level="good", decision_number="230/QĐ-UBND"
            )
            for m in Membership.objects.filter(team=force, end_on__isnull=True).order_by("id"):
                services.rating_record(
                    actor=CONSOLE,
                    team=force,
                    membership=m,
                    year=year,
                    level="good" if m.role == "leader" else "done",
                    decision_number="230/QĐ-UBND",
                )
        # The voluntary teams graded for the last calendar year from their verified journal.
        for team in Team.objects.filter(type__is_statutory=False, status__in=["active", "weak"]):
            services.team_grade(actor=CONSOLE, team=team, year=timezone.localdate().year - 1)
    return 1
