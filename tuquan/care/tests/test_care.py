"""Supervised persons and team funds: who sees what, audited reads, minimisation, the
append-only fund with closed months, the phone flows, import and export."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from tuquan.care import io as care_io
from tuquan.care import selectors, services
from tuquan.care.models import AppendOnly, FundEntry, SupervisedPerson
from tuquan.care.tests.helpers import body, text_of
from tuquan.care.tests.world import FAR_NAME, INSIDE_NAME
from tuquan.core.indicators import compute
from tuquan.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


# --- supervised persons ------------------------------------------------------------------


def test_an_officer_read_is_audited_without_the_name(world: Any) -> None:
    person = world.supervised
    before = AuditEntry.objects.filter(action=AuditAction.READ).count()
    r = client_for(world.alice).get(f"/giup-do/{person.uid}/")
    assert r.status_code == 200
    assert INSIDE_NAME in r.content.decode()
    reads = AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(person.pk))
    assert reads.count() == 1 and AuditEntry.objects.filter(action=AuditAction.READ).count() == before + 1
    entry = reads.get()
    assert entry.actor == world.alice and entry.object_label == person.ref
    assert "full_name" in entry.details["fields"]
    # No audit entry anywhere carries the name (the province reads the audit log).
    for e in AuditEntry.objects.all():
        assert INSIDE_NAME not in f"{e.object_label} {e.details}"


def test_the_leader_reads_and_checks_in_from_the_phone_in_a_few_taps(world: Any) -> None:
    linh = client_for(world.linh)
    page = linh.get("/giup-do/")
    assert INSIDE_NAME in page.content.decode()
    assert f"/giup-do/{world.supervised.uid}/gap/" in page.content.decode()
    form = linh.get(f"/giup-do/{world.supervised.uid}/gap/")
    assert form.status_code == 200
    r = linh.post(f"/giup-do/{world.supervised.uid}/gap/", {"occurred_on": timezone.localdate().isoformat()})
    assert r.status_code == 302
    assert world.supervised.checkins.count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.READ, actor=world.linh).exists()
    # The leader records check-ins but not outcomes or closure (the officer's).
    assert linh.get(f"/giup-do/{world.supervised.uid}/ket-qua/").status_code == 403


def test_a_bad_checkin_comes_back_with_the_input(world: Any) -> None:
    r = client_for(world.linh).post(
        f"/giup-do/{world.supervised.uid}/gap/", {"occurred_on": "2999-01-01", "note": "ghi chú giữ lại"}
    )
    assert r.status_code == 422 and "ghi chú giữ lại" in r.content.decode()


def test_the_province_gets_counts_but_a_404_on_the_person(world: Any) -> None:
    charlie = client_for(world.charlie)
    page = charlie.get("/giup-do/")
    assert page.status_code == 200 and INSIDE_NAME not in page.content.decode()
    assert charlie.get(f"/giup-do/{world.supervised.uid}/").status_code == 404
    assert charlie.get(f"/api/v1/supervised/{world.supervised.uid}").status_code == 404
    api = charlie.get("/api/v1/supervised").json()
    assert api["items"] == [] and api["counts"]["rehab"] == 1
    today = timezone.localdate()
    figures = compute(actor=world.charlie, area=world.province, start=today.replace(day=1), end=today)
    assert figures["indicators"]["supervised.count"] == 1
    assert figures["indicators"]["supervised.count.by_category"]["rehab"] == 1


def test_officer_creates_updates_and_closes(world: Any) -> None:
    alice = client_for(world.alice)
    assert alice.get("/giup-do/them/").status_code == 200
    r = alice.post(
        "/giup-do/them/",
        {
            "area": world.village.ident,
            "category": "prison",
            "full_name": "Lò Thị Thử",
            "start_on": "2025-01-10",
            "team": str(world.team.uid),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    person = SupervisedPerson.objects.get(category="prison")
    assert person.full_name == "Lò Thị Thử" and person.commune == world.commune
    r = alice.post(
        f"/giup-do/{person.uid}/ket-qua/",
        {
            "job_found_on": "2025-03-01",
            "loan_on": "2025-04-01",
            "loan_amount": "20000000",
            "income_band": "2m_plus",
        },
    )
    assert r.status_code == 302
    person.refresh_from_db()
    assert person.loan_amount == Decimal("20000000") and person.income_band == "2m_plus"
    assert alice.post(f"/giup-do/{person.uid}/ket-thuc/", {"closed_on": "2025-06-30"}).status_code == 302
    person.refresh_from_db()
    assert person.closed_on == date(2025, 6, 30)
    figures = compute(actor=world.charlie, area=world.province, start=date(2025, 1, 1), end=date(2025, 5, 31))
    ind = figures["indicators"]
    assert ind["supervised.count.by_category"]["prison"] == 1
    assert (
        ind["supervised.employed"] >= 1
        and ind["supervised.loans"] >= 1
        and ind["supervised.income_2m_plus"] >= 1
    )


def test_minimisation_empties_identities_and_keeps_the_figures(world: Any) -> None:
    person = world.supervised
    services.supervised_close(
        actor=world.alice, person=person, closed_on=timezone.localdate() - timedelta(days=10)
    )
    period = {"actor": world.charlie, "area": world.province}
    start = person.start_on
    end = start + timedelta(days=30)
    before = compute(**period, start=start, end=end)["indicators"]
    call_command("minimise_supervised", "--days", "30", stdout=io.StringIO())
    person.refresh_from_db()
    assert person.full_name == INSIDE_NAME and person.minimised_at is None  # closed only 10 days ago
    call_command("minimise_supervised", "--days", "5", stdout=io.StringIO())
    person.refresh_from_db()
    assert person.full_name == "" and person.minimised_at is not None and person.address == ""
    assert all(c.note == "" for c in person.checkins.all())
    after = compute(**period, start=start, end=end)["indicators"]
    assert {k: v for k, v in after.items() if k.startswith("supervised.")} == {
        k: v for k, v in before.items() if k.startswith("supervised.")
    }


def test_person_export_is_for_the_commune_officer_only(world: Any) -> None:
    r = client_for(world.alice).get("/giup-do/xuat/")
    assert r.status_code == 200 and INSIDE_NAME in text_of(body(r)) and FAR_NAME not in text_of(body(r))
    for persona in ("charlie", "dana", "sam", "quang", "linh", "minh", "erin"):
        assert client_for(world.users[persona]).get("/giup-do/xuat/").status_code == 403
    with pytest.raises(PermissionDenied):
        care_io.person_workbook(world.charlie, [world.supervised])


# --- team funds --------------------------------------------------------------------------


def test_balance_is_contributions_minus_expenses_to_the_dong(world: Any) -> None:
    team = world.team
    for amount in ("1000001", "333333", "7"):
        services.fund_entry_record(
            actor=world.linh, team=team, kind="contribution", amount=amount, occurred_on=timezone.localdate()
        )
    services.fund_entry_record(
        actor=world.alice,
        team=team,
        kind="expense",
        amount=Decimal("123457"),
        occurred_on=timezone.localdate(),
        purpose="Thăm hộ ốm",
        approved_by="Tổ trưởng",
    )
    expected = Decimal(500000 + 1000001 + 333333 + 7) - Decimal(200000 + 123457)
    assert selectors.fund_balance(team) == expected
    rows = selectors.fund_ledger(team)
    assert rows[-1].balance == expected
    api = client_for(world.alice).get(f"/api/v1/funds/{team.uid}").json()
    assert api["balance"] == str(expected)
    today = timezone.localdate()
    ind = compute(actor=world.charlie, area=world.province, start=today - timedelta(days=365), end=today)[
        "indicators"
    ]
    assert ind["fund.balance"] == str(expected)
    assert ind["fund.contributions"] == str(500000 + 1000001 + 333333 + 7)
    page = client_for(world.minh).get(f"/quy/{team.uid}/")
    assert page.status_code == 200 and "₫" in page.content.decode()


def test_ledger_is_append_only(world: Any) -> None:
    entry = world.fund_entry
    entry.amount = Decimal(1)
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        FundEntry.objects.get(pk=entry.pk).delete()
    fix = services.fund_entry_record(
        actor=world.alice,
        team=world.team,
        kind="contribution",
        amount="-100000",
        occurred_on=timezone.localdate(),
        corrects=entry,
        purpose="Ghi nhầm",
    )
    assert fix.corrects == entry
    assert selectors.fund_balance(world.team) == Decimal(500000 - 200000 - 100000)


def _close_last_month(world: Any) -> date:
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    services.fund_month_close(actor=world.alice, team=world.team, month=last_month)
    return last_month


def test_a_closed_month_refuses_an_entry_through_ui_api_and_import(world: Any) -> None:
    day = _close_last_month(world)
    before = FundEntry.objects.count()
    linh = client_for(world.linh)
    r = linh.post(f"/quy/{world.team.uid}/dong-gop/", {"amount": "50000", "occurred_on": day.isoformat()})
    assert r.status_code == 422 and "50000" in r.content.decode()
    r = linh.post(
        f"/api/v1/funds/{world.team.uid}/entries",
        {"kind": "contribution", "amount": "50000", "occurred_on": day.isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 422
    wb = Workbook()
    ws = wb.active
    ws.append(care_io.FUND_HEADERS)
    ws.append([timezone.localdate().strftime("%d/%m/%Y"), "Đóng góp", 10000, "", ""])
    ws.append([day.strftime("%d/%m/%Y"), "Đóng góp", 20000, "", ""])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ValidationError):
        care_io.fund_import(actor=world.linh, team=world.team, filename="quy.xlsx", data=out.getvalue())
    assert FundEntry.objects.count() == before  # all or nothing: the good row was not kept either
    # A correction of a closed month's entry is a new entry in an open month.
    r = linh.post(
        f"/quy/{world.team.uid}/sua/{world.fund_entry.uid}/",
        {"amount": "-1000", "occurred_on": timezone.localdate().isoformat(), "purpose": "Sửa"},
    )
    assert r.status_code == 302


def test_contribution_in_a_few_taps_and_import_export(world: Any) -> None:
    linh = client_for(world.linh)
    assert linh.get(f"/quy/{world.team.uid}/dong-gop/").status_code == 200
    r = linh.post(
        f"/quy/{world.team.uid}/dong-gop/",
        {
            "household": str(world.household.uid),
            "amount": "100000",
            "occurred_on": timezone.localdate().isoformat(),
        },
    )
    assert r.status_code == 302
    assert FundEntry.objects.filter(household=world.household).count() == 1
    wb = Workbook()
    ws = wb.active
    ws.append(care_io.FUND_HEADERS)
    ws.append([timezone.localdate().strftime("%d/%m/%Y"), "Chi", 30000, "Mua đèn pin", "Tổ trưởng"])
    out = io.BytesIO()
    wb.save(out)
    made = care_io.fund_import(actor=world.linh, team=world.team, filename="quy.xlsx", data=out.getvalue())
    assert len(made) == 1 and made[0].amount == Decimal(30000)
    export = client_for(world.minh).get(f"/quy/{world.team.uid}/xuat/")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(body(export))).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[-1][5] == 500000 - 200000 + 100000 - 30000


def test_only_the_officer_closes_a_month(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.fund_month_close(actor=world.linh, team=world.team, month=timezone.localdate())
    r = client_for(world.alice).post(
        f"/quy/{world.team.uid}/khoa-thang/", {"month": timezone.localdate().isoformat()}
    )
    assert r.status_code == 302
