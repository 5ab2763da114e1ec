"""Referrals as records: the officer refers a person to an organisation and records what
came of it; only the person's circle sees them, each read audited; the former JSON list
is carried over by a data migration."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from tuquan.care import services
from tuquan.care.models import Referral, ReferralStatus
from tuquan.care.tests.world import INSIDE_NAME, REFERRAL_NEED
from tuquan.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_officer_refers_a_person_from_the_detail_page(world: Any) -> None:
    person = world.supervised
    alice = client_for(world.alice)
    page = alice.get(f"/giup-do/{person.uid}/").content.decode()
    assert "Đào tạo nghề" in page and REFERRAL_NEED in page
    assert f"/giup-do/{person.uid}/gioi-thieu/" in page  # the form is on the page
    day = timezone.localdate() - timedelta(days=2)
    r = alice.post(
        f"/giup-do/{person.uid}/gioi-thieu/",
        {
            "organisation": "women_union",
            "referred_on": day.isoformat(),
            "need": "Vay vốn",
            "status": "pending",
        },
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 204 and r["HX-Redirect"].startswith(f"/giup-do/{person.uid}/")
    made = Referral.objects.get(person=person, organisation="women_union")
    assert made.need == "Vay vốn" and made.recorded_by == world.alice
    entry = AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(person.pk)).latest("id")
    assert entry.details["fields"] == ["referral"] and "Vay vốn" not in str(entry.details)


def test_a_bad_referral_comes_back_as_a_partial_with_the_input_kept(world: Any) -> None:
    r = client_for(world.alice).post(
        f"/giup-do/{world.supervised.uid}/gioi-thieu/",
        {
            "organisation": "youth_union",
            "referred_on": "2999-01-01",
            "need": "nhu cầu giữ lại",
            "status": "pending",
        },
        HTTP_HX_REQUEST="true",
    )
    text = r.content.decode()
    assert r.status_code == 422 and "nhu cầu giữ lại" in text and "tương lai" in text
    assert "<html" not in text  # only the form's partial
    assert not Referral.objects.filter(organisation="youth_union").exists()


def test_the_officer_records_the_outcome_of_a_referral(world: Any) -> None:
    referral = world.referral
    url = f"/giup-do/{world.supervised.uid}/gioi-thieu/{referral.uid}/"
    alice = client_for(world.alice)
    assert alice.get(url).status_code == 200
    today = timezone.localdate().isoformat()
    data = {
        "organisation": "vocational",
        "referred_on": referral.referred_on.isoformat(),
        "need": referral.need,
        "status": "completed",
        "outcome": "Có chứng chỉ sửa xe máy",
    }
    r = alice.post(url, data)  # completed without its date: refused, input kept
    assert r.status_code == 422 and "Có chứng chỉ sửa xe máy" in r.content.decode()
    assert alice.post(url, {**data, "outcome_on": today}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.outcome == "Có chứng chỉ sửa xe máy"
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(world.supervised.pk)).latest(
        "id"
    )
    assert set(entry.details["fields"]) == {"referral.status", "referral.outcome", "referral.outcome_on"}


def test_the_leader_sees_referrals_but_only_the_officer_writes_them(world: Any) -> None:
    linh = client_for(world.linh)
    page = linh.get(f"/giup-do/{world.supervised.uid}/").content.decode()
    assert REFERRAL_NEED in page and "gioi-thieu/" not in page.split('id="gioi-thieu"')[1].split("Các lần")[0]
    assert linh.get(f"/giup-do/{world.supervised.uid}/gioi-thieu/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.referral_create(
            actor=world.linh,
            person=world.supervised,
            organisation="veterans",
            referred_on=timezone.localdate(),
        )


def test_the_province_gets_a_404_on_a_persons_referrals(world: Any) -> None:
    for persona in ("charlie", "dana", "sam", "quang", "minh", "bob"):
        c = client_for(world.users[persona])
        assert c.get(f"/giup-do/{world.supervised.uid}/gioi-thieu/{world.referral.uid}/").status_code == 404
        r = c.patch(
            f"/api/v1/supervised/{world.supervised.uid}/referrals/{world.referral.uid}",
            {"status": "accepted"},
            content_type="application/json",
        )
        assert r.status_code == 404
    world.referral.refresh_from_db()
    assert world.referral.status == ReferralStatus.PENDING


def test_referrals_through_the_api_are_read_with_the_person_and_audited(world: Any) -> None:
    alice = client_for(world.alice)
    before = AuditEntry.objects.filter(action=AuditAction.READ, actor=world.alice).count()
    detail = alice.get(f"/api/v1/supervised/{world.supervised.uid}").json()
    assert [r["organisation"] for r in detail["referrals"]] == ["vocational"]
    read = AuditEntry.objects.filter(action=AuditAction.READ, actor=world.alice).latest("id")
    assert "referrals" in read.details["fields"]
    assert AuditEntry.objects.filter(action=AuditAction.READ, actor=world.alice).count() == before + 1
    r = alice.post(
        f"/api/v1/supervised/{world.supervised.uid}/referrals",
        {
            "organisation": "youth_union",
            "referred_on": timezone.localdate().isoformat(),
            "need": "Sinh hoạt đoàn",
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["status"] == "pending"
    uid = r.json()["uid"]
    r = alice.patch(
        f"/api/v1/supervised/{world.supervised.uid}/referrals/{uid}",
        {"status": "accepted"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["need"] == "Sinh hoạt đoàn"
    r = alice.patch(
        f"/api/v1/supervised/{world.supervised.uid}/referrals/{uid}",
        {"outcome_on": "2999-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "outcome_on" in r.json()["errors"]
    # The list (names of the circle's persons) never carries referrals.
    assert "referrals" not in alice.get("/api/v1/supervised").json()["items"][0]


def test_a_referral_is_refused_outside_the_support_period_and_after_minimisation(world: Any) -> None:
    person = world.supervised
    with pytest.raises(ValidationError) as exc:
        services.referral_create(
            actor=world.alice,
            person=person,
            organisation="veterans",
            referred_on=person.start_on - timedelta(days=1),
        )
    assert "referred_on" in exc.value.message_dict
    services.supervised_close(
        actor=world.alice, person=person, closed_on=timezone.localdate() - timedelta(days=3)
    )
    services.supervised_minimise_due(actor=world.alice, days=1)
    world.referral.refresh_from_db()
    assert world.referral.need == "" and world.referral.organisation == "vocational"  # figures stay
    with pytest.raises(ValidationError):
        services.referral_update(actor=world.alice, referral=world.referral, status="accepted")
    page = client_for(world.alice).get(f"/giup-do/{person.uid}/").content.decode()
    assert INSIDE_NAME not in page and "Đào tạo nghề" in page


def test_the_json_referrals_become_records(world: Any) -> None:
    """The data migration 0003, run on a historical state with the JSON list."""
    from django.apps import apps as live_apps
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(("care", "0002_referral_records"))
    old_apps = state.apps
    OldPerson = old_apps.get_model("care", "SupervisedPerson")
    Referral.objects.all().delete()
    migration = executor.loader.get_migration("care", "0003_referrals_from_json")
    forwards = migration.operations[0].code  # type: ignore[attr-defined]
    # The live table no longer has the column: feed the function a stand-in for the list.
    person = world.supervised

    class Fake:
        def __init__(self, real: Any, codes: list[str]) -> None:
            self.pk = self.id = real.pk
            self.start_on = real.start_on
            self.referrals = codes

    class Manager:
        @staticmethod
        def only(*_: str) -> Any:
            class Q:
                @staticmethod
                def iterator() -> Any:
                    return iter([Fake(person, ["women_union", "vocational", "women_union", "unknown"])])

            return Q()

    class PersonModel:
        objects = Manager()

    class Apps:
        @staticmethod
        def get_model(app: str, name: str) -> Any:
            return PersonModel if name == "SupervisedPerson" else live_apps.get_model(app, name)

    assert OldPerson._meta.get_field("referrals")  # the state the migration runs on
    forwards(Apps(), None)
    made = Referral.objects.filter(person=person).order_by("organisation")
    assert [(r.organisation, r.referred_on, r.status) for r in made] == [
        ("vocational", person.start_on, "pending"),
        ("women_union", person.start_on, "pending"),
    ]
    forwards(Apps(), None)  # run twice: nothing doubled
    assert Referral.objects.filter(person=person).count() == 2


def test_date_inputs_are_prefilled_with_today_in_the_browsers_format(world: Any) -> None:
    """A type="date" input takes only yyyy-mm-dd: the phone's one-tap forms need today in it."""
    today = timezone.localdate().isoformat()
    for url, persona in (
        (f"/giup-do/{world.supervised.uid}/gap/", "linh"),
        (f"/giup-do/{world.supervised.uid}/gioi-thieu/", "alice"),
    ):
        page = client_for(world.users[persona]).get(url).content.decode()
        assert 'type="date"' in page and f'value="{today}"' in page, url
