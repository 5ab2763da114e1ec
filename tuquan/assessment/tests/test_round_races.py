"""A round's results and its proposal at the same moment, on two PostgreSQL connections: one
waits for the other, and a result never lands inside a round already proposed."""

from __future__ import annotations

from typing import Any

import pytest

from tuquan.assessment import services
from tuquan.assessment.models import Result, RoundStatus
from tuquan.assessment.tests.world import YES
from tuquan.testing import postgresql_only
from tuquan.testing.concurrent import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgresql_only("two connections at once"),
]


def test_a_result_entered_while_the_round_is_proposed_waits_and_is_refused_or_goes_in_first(
    live_world: Any,
) -> None:
    w = live_world
    rnd = w.round
    services.round_return(actor=w.charlie, round=rnd, reason="Bổ sung biên bản")
    second_village = w.village.parent.children.exclude(pk=w.village.pk).first() or w.village

    def propose() -> None:
        services.round_propose(actor=w.alice, round=type(rnd).objects.get(pk=rnd.pk))

    def enter() -> None:
        services.result_record(
            actor=w.alice, round=type(rnd).objects.get(pk=rnd.pk), area=second_village, answers=YES
        )

    # The proposal first: the result waits for it, then meets a locked round.
    outcome = race(propose, enter)
    assert outcome == {
        "first": "done",
        "second": "refused: Đợt đánh giá đã gửi hoặc đã phê duyệt: không sửa được.",
    }
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PROPOSED

    # The result first: the proposal waits, then goes out with it inside.
    services.round_return(actor=w.charlie, round=rnd, reason="Thêm thôn")
    outcome = race(enter, propose)
    assert outcome == {"first": "done", "second": "done"}
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PROPOSED
    assert Result.objects.filter(round=rnd, area=second_village).exists()


def test_two_province_staff_deciding_one_proposal_at_once_decide_it_once(live_world: Any) -> None:
    w = live_world
    rnd = w.round

    def approve() -> None:
        services.round_approve(
            actor=w.charlie, round=type(rnd).objects.get(pk=rnd.pk), decision_number="9/QĐ"
        )

    def give_back() -> None:
        services.round_return(actor=w.charlie, round=type(rnd).objects.get(pk=rnd.pk), reason="Thiếu hồ sơ")

    outcome = race(approve, give_back)
    assert outcome == {"first": "done", "second": "refused: Xã chưa gửi đề nghị cho đợt đánh giá này."}
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.APPROVED
