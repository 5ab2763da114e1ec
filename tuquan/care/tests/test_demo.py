"""The demo: supervised persons across categories and a year of one team's fund."""

from __future__ import annotations

from typing import Any

from tuquan.care.models import FundEntry, FundMonth, Referral, SupervisedPerson
from tuquan.care.selectors import fund_balance, fund_ledger


def test_the_demo_has_persons_and_a_year_of_fund(db: Any) -> None:
    from tuquan.care.demo import load_care_demo
    from tuquan.core.demo import load_demo
    from tuquan.registry.demo import load_registry_demo

    load_demo()
    load_registry_demo()
    assert load_care_demo() == 5
    assert SupervisedPerson.objects.values("category").distinct().count() == 4
    assert Referral.objects.values("person").distinct().count() == 5
    assert Referral.objects.count() >= 8 and Referral.objects.exclude(status="pending").exists()
    team = FundEntry.objects.first().team  # type: ignore[union-attr]
    rows = fund_ledger(team)
    assert len(rows) > 12 and rows[-1].balance == fund_balance(team) > 0
    assert FundMonth.objects.filter(team=team).count() >= 10
    assert load_care_demo() == 0
