"""The tip line: a resident sends a tip without an account and follows it with the receipt
code; the commune's officers triage it; nothing identifies the sender."""

from __future__ import annotations

import base64
import io
import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from tuquan.core.actors import CONSOLE
from tuquan.core.indicators import compute
from tuquan.core.models import AuditEntry
from tuquan.tips import receipt, services
from tuquan.tips.forms import form_token
from tuquan.tips.models import RateCounter, Tip, TipEvent, TipMessage, TipNotice
from tuquan.tips.tests.helpers import dump, gps_jpeg, gps_traces
from tuquan.tips.tests.world import small_jpeg

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
FORWARDED = "198.51.100.23"
PHONE = "0912345678"
TEXT = "Tối qua có nhóm người bán ma tuý ở bãi đất trống cạnh suối, đi xe máy không biển số."


@pytest.fixture(autouse=True)
def _no_wait(settings: Any) -> None:
    settings.TUQUAN_TIP_MIN_SECONDS = 0


def _post_tip(client: Client, place: str, **extra: Any) -> Any:
    data = {
        "place": place,
        "category": "drugs",
        "text": TEXT,
        "token": form_token(),
        "website": "",
        **extra,
    }
    return client.post(
        "/tin-bao/", data, REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR=FORWARDED, HTTP_USER_AGENT="UA-Bi-Mat/1.0"
    )


def _code(response: Any) -> str:
    match = re.search(r'id="receipt-code">([0-9 ]+)<', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def test_a_resident_sends_a_tip_with_a_photo_and_an_officer_answers_without_learning_who_they_are(
    world: Any, caplog: Any, capsys: Any
) -> None:
    photo = SimpleUploadedFile("anh.jpg", gps_jpeg(), content_type="image/jpeg")
    caplog.set_level(logging.DEBUG)
    client = Client()
    response = _post_tip(client, world.village.ident, phone=PHONE, name="Lò Thị Bí Mật", photos=[photo])
    assert response.status_code == 200
    code = _code(response)
    assert len(code.replace(" ", "")) == 25 and code.count(" ") == 4  # five groups of five digits
    tip = Tip.objects.order_by("-id").first()
    assert tip is not None and tip.commune == world.commune and tip.area == world.village
    assert tip.received_at.minute == 0 and tip.received_at.second == 0
    # The stored photo is a fresh JPEG: no EXIF, no GPS, no camera name.
    jpeg = base64.b64decode(tip.photos.get().data)
    assert not Image.open(io.BytesIO(jpeg)).getexif()
    assert b"Exif" not in jpeg and b"MayAnh" not in jpeg
    # The commune's officer is told (in the app and by e-mail, without the content).
    assert TipNotice.objects.filter(user=world.alice, tip=tip).exists()

    officer = Client()
    officer.force_login(world.alice)
    page = officer.get(f"/hop-tin-bao/{tip.uid}/")
    assert page.status_code == 200 and TEXT in page.content.decode()
    assert PHONE not in page.content.decode()  # identity is asked for, not shown
    assert (
        officer.post(
            f"/hop-tin-bao/{tip.uid}/tra-loi/", {"body": "Cảm ơn bạn, chúng tôi đang xác minh."}
        ).status_code
        == 302
    )
    assert officer.post(f"/hop-tin-bao/{tip.uid}/nguoi-bao/").status_code == 200  # assigned by replying
    assert AuditEntry.objects.filter(action="read", object_id=str(tip.pk), actor=world.alice).exists()

    resident = Client()
    status = resident.post(
        "/tin-bao/tra-cuu/", {"code": code}, REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR=FORWARDED
    )
    assert status.status_code == 200
    assert "Cảm ơn bạn, chúng tôi đang xác minh." in status.content.decode()
    more = resident.post(
        "/tin-bao/tra-cuu/",
        {"code": code.replace(" ", "-"), "body": "Họ thường đến lúc 23 giờ."},
        REMOTE_ADDR=IP,
    )
    assert "Họ thường đến lúc 23 giờ." in more.content.decode()
    assert TipMessage.objects.filter(tip=tip, sender="resident").count() == 1

    text = dump()
    logs = caplog.text + "".join(capsys.readouterr())
    for where in (text, logs):
        assert code not in where and code.replace(" ", "") not in where
        assert IP not in where and FORWARDED not in where and "UA-Bi-Mat" not in where
        assert PHONE not in where and "Lò Thị Bí Mật" not in where and TEXT not in where
        assert gps_traces(where) == []
    assert "tips_tip" in text or "tips.tip" in text  # the dump did include the tip line's tables
    for message in mail.outbox:
        assert TEXT not in message.body and PHONE not in message.body


def test_an_officer_of_another_commune_gets_404_and_others_without_triage_403(world: Any) -> None:
    for name, expected in (("bob", 404), ("erin", 404), ("dana", 403), ("linh", 403), ("alice", 200)):
        client = Client()
        client.force_login(world.users[name])
        assert client.get(f"/hop-tin-bao/{world.tip.uid}/").status_code == expected, name
        assert client.get(f"/api/v1/tips/{world.tip.uid}").status_code == expected, name


def test_the_inbox_lists_only_the_officers_commune_and_highlights_tips_waiting_over_24_hours(
    world: Any,
) -> None:
    tip, _code = services.tip_submit(area=world.commune, category="theft", text="Mất trộm trâu ở bản bên.")
    Tip.objects.filter(pk=tip.pk).update(awaiting_since=timezone.now() - timedelta(hours=25))
    client = Client()
    client.force_login(world.alice)
    page = client.get("/hop-tin-bao/").content.decode()
    assert tip.ref in page and world.tip.ref in page and world.far_tip.ref not in page
    assert "chờ quá 24 giờ" in page
    bob = Client()
    bob.force_login(world.bob)
    assert tip.ref not in bob.get("/hop-tin-bao/").content.decode()
    api = client.get("/api/v1/tips").json()
    assert {t["ref"] for t in api["items"]} == {tip.ref, world.tip.ref}
    assert next(t for t in api["items"] if t["ref"] == tip.ref)["untouched"] is True


def test_states_follow_the_workflow_and_each_change_names_the_time_and_officer(world: Any) -> None:
    tip = world.tip  # checking, assigned to alice
    with pytest.raises(services.ValidationError):
        services.tip_set_state(actor=world.alice, tip=tip, state="handed_over")  # which unit?
    services.tip_set_state(actor=world.alice, tip=tip, state="valuable")
    services.tip_set_state(
        actor=world.charlie, tip=tip, state="handed_over", handed_to="Công an tỉnh Sơn La (PC04)"
    )
    services.tip_set_state(actor=world.alice, tip=tip, state="closed")
    events = list(TipEvent.objects.filter(tip=tip).values_list("to_state", "actor_username", "note"))
    assert events[-3:] == [
        ("valuable", "alice", ""),
        ("handed_over", "charlie", "Công an tỉnh Sơn La (PC04)"),
        ("closed", "alice", ""),
    ]
    assert tip.closed_at is not None
    with pytest.raises(services.ValidationError):
        services.tip_set_state(actor=world.alice, tip=tip, state="valuable")  # reopen first
    with pytest.raises(services.PermissionDenied):
        services.tip_set_state(actor=world.bob, tip=tip, state="checking")
    other, _ = services.tip_submit(
        area=world.village, category="drugs", text="Lại thấy nhóm người đó ở suối."
    )
    services.tip_set_state(actor=world.alice, tip=other, state="duplicate", duplicate_of=tip)
    other.refresh_from_db()
    assert other.duplicate_of == tip and other.events.get().note == tip.ref
    third, _ = services.tip_submit(area=world.village, category="drugs", text="Một tin nữa về nhóm người đó.")
    with pytest.raises(services.ValidationError):
        services.tip_set_state(actor=world.alice, tip=third, state="duplicate", duplicate_of=world.far_tip)


def test_template_replies_and_asking_for_more_reach_the_resident(world: Any) -> None:
    tip, code = services.tip_submit(area=world.village, category="gambling", text="Có sới bạc ở nhà văn hoá.")
    client = Client()
    client.force_login(world.alice)
    assert client.post(f"/hop-tin-bao/{tip.uid}/tra-loi/", {}).status_code == 422
    client.post(f"/hop-tin-bao/{tip.uid}/tra-loi/", {"template": "more_info", "asks_more": "on"})
    page = Client().post("/tin-bao/tra-cuu/", {"code": code}).content.decode()
    assert services.REPLY_TEMPLATES["more_info"] in page and "đề nghị cung cấp thêm thông tin" in page
    tip.refresh_from_db()
    assert tip.first_response_at is not None and tip.awaiting_since is None and tip.assigned_to == world.alice


def test_the_identity_is_for_the_assigned_officer_only(world: Any) -> None:
    # world.tip was given a name and phone, and is assigned to alice.
    charlie = Client()
    charlie.force_login(world.charlie)
    assert charlie.post(f"/hop-tin-bao/{world.tip.uid}/nguoi-bao/").status_code == 403
    alice = Client()
    alice.force_login(world.alice)
    page = alice.post(f"/hop-tin-bao/{world.tip.uid}/nguoi-bao/").content.decode()
    assert "0900000001" in page
    assert AuditEntry.objects.filter(action="read", object_id=str(world.tip.pk)).count() == 1


def test_guessing_receipt_codes_is_throttled_without_storing_anything_about_the_guesser(
    world: Any, settings: Any
) -> None:
    _tip, code = services.tip_submit(area=world.village, category="other", text="Đèn đường hỏng nhiều ngày.")
    wrong = ("1" if code[0] != "1" else "2") + code[1:5] + "0" * 20
    client = Client()
    for _ in range(10):
        assert client.post("/tin-bao/tra-cuu/", {"code": wrong[:5] + "9" * 20}).status_code == 422
    assert client.post("/tin-bao/tra-cuu/", {"code": wrong[:5] + "8" * 20}).status_code == 429
    # Another prefix is not blocked by those guesses: the real code still opens its tip.
    assert client.post("/tin-bao/tra-cuu/", {"code": code}).status_code == 200
    keys = list(RateCounter.objects.values_list("key", flat=True))
    assert all(k.startswith(("lookup:", "submit:")) for k in keys)
    assert not any(wrong[:5] in k for k in keys)
    # Past the overall limit of failures, every lookup waits for the next hour.
    settings.TUQUAN_TIP_LOOKUP_FAILURES_HOUR = 10
    with pytest.raises(services.Throttled):
        services.tip_find(code)


# About 10 s, on purpose: the flood is a thousand requests through the whole stack. The
# limits count per clock hour, so the clock stands still mid-hour: a run straddling the hour
# (CI at 15:00) saw the commune's count start again and the last tip accepted.
@pytest.fixture
def mid_hour() -> Any:
    from unittest import mock

    still = timezone.now().replace(minute=30, second=0, microsecond=0)
    with mock.patch("django.utils.timezone.now", return_value=still):
        yield still


def test_a_flood_neither_blocks_a_legitimate_tip_nor_fills_the_disk(
    world: Any, settings: Any, mid_hour: Any
) -> None:
    client = Client()
    before = list(RateCounter.objects.values_list("key", "count"))
    # 1,000 robot posts fill the honeypot (or skip the form): nothing is stored or counted.
    for i in range(1000):
        data = {"place": world.village.ident, "category": "other", "text": f"spam {i} " * 5, "website": "x"}
        if i % 2:
            data = {"place": world.village.ident, "category": "other", "text": f"spam {i} " * 5}
        assert client.post("/tin-bao/", data).status_code in (200, 422)
    assert Tip.objects.count() == 2  # the world's two
    assert list(RateCounter.objects.values_list("key", "count")) == before
    assert _post_tip(client, world.village.ident).status_code == 200  # the world's and this one
    # Past the commune's hourly limit tips wait, other communes are still served.
    # The world's own tip counts in this hour only if the world was built in the same hour
    # of the clock as this test runs (a long suite crosses the hour): so the limit is
    # reached on the second or the third post, never later.
    settings.TUQUAN_TIP_LIMIT_COMMUNE_HOUR = 3
    answers = [_post_tip(client, world.village.ident) for _n in range(3)]
    codes = [answer.status_code for answer in answers]
    assert codes in ([200, 422, 422], [200, 200, 422]), codes
    refused = answers[-1]
    assert "quá nhiều tin báo" in refused.content.decode()
    assert TEXT in refused.content.decode()  # what the resident wrote is kept
    assert _post_tip(client, world.other_village.ident).status_code == 200
    # Size limits: long text and large or non-image files are refused.
    assert _post_tip(client, world.other_village.ident, text="x" * 6000).status_code == 422
    fake = SimpleUploadedFile("a.jpg", b"not an image at all", content_type="image/jpeg")
    assert _post_tip(client, world.other_village.ident, photos=[fake]).status_code == 422
    settings.TUQUAN_TIP_PHOTO_MAX_BYTES = 100
    big = SimpleUploadedFile("b.jpg", gps_jpeg(), content_type="image/jpeg")
    assert _post_tip(client, world.other_village.ident, photos=[big]).status_code == 422


def test_photos_are_shrunk_and_served_only_to_the_officers(world: Any) -> None:
    raw = io.BytesIO()
    Image.new("RGB", (4000, 3000), (0, 0, 0)).save(raw, format="PNG")
    tip, _code = services.tip_submit(
        area=world.village, category="fire", text="Kho củi sát đường điện.", photos=[raw.getvalue()]
    )
    photo = tip.photos.get()
    assert max(photo.width, photo.height) == 1600
    client = Client()
    client.force_login(world.alice)
    response = client.get(f"/hop-tin-bao/{tip.uid}/anh/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert Client().get(f"/hop-tin-bao/{tip.uid}/anh/{photo.pk}/").status_code == 302


def test_the_place_is_chosen_step_by_step_or_typed_with_old_names(world: Any) -> None:
    client = Client()
    page = client.get("/tin-bao/").content.decode()
    # No script of its own in the page: only the shared, vendored files the base template links.
    body = re.sub(r'<script src="/static/tuquan/[\w.]+\.js" defer></script>', "", page.split("<body")[1])
    assert "Sơn La" in page and "<script" not in body
    page = client.get("/tin-bao/?tinh=14").content.decode()
    assert "Phiêng Khoài" in page
    page = client.get("/tin-bao/?xa=04099").content.decode()
    assert "Nà Khoang" in page and 'name="text"' in page
    assert "04099" in client.get("/tin-bao/?q=phieng khoai").content.decode()
    from tuquan.core.models import AreaSuccession

    link = AreaSuccession.objects.filter(successor=world.commune).select_related("predecessor").first()
    if link is not None:
        typed = link.predecessor.short_name
        assert world.commune.ident in client.get("/tin-bao/", {"q": typed}).content.decode()


def test_links_to_the_journal_and_teams(world: Any) -> None:
    client = Client()
    client.force_login(world.alice)
    assert (
        client.post(f"/hop-tin-bao/{world.tip.uid}/lien-ket/", {"entry": str(world.entry.uid)}).status_code
        == 302
    )
    world.tip.refresh_from_db()
    assert world.tip.linked_entry == world.entry
    response = client.post(
        f"/api/v1/tips/{world.tip.uid}/link", {"team": str(world.team.uid)}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["linked_team"] == str(world.team.uid)
    assert (
        client.post(f"/hop-tin-bao/{world.tip.uid}/lien-ket/", {"team": str(world.far_team.uid)}).status_code
        == 422
    )


def test_closed_tips_are_purged_after_the_retention_period_with_a_warning_first(
    world: Any, settings: Any
) -> None:
    settings.TUQUAN_TIP_RETENTION_DAYS = 30
    settings.TUQUAN_TIP_PURGE_WARNING_DAYS = 7
    tip = world.tip
    services.tip_reply(actor=world.alice, tip=tip, body="Đã xử lý.")
    services.tip_set_state(actor=world.alice, tip=tip, state="not_valuable")
    services.tip_set_state(actor=world.alice, tip=tip, state="closed")
    Tip.objects.filter(pk=tip.pk).update(closed_at=timezone.now() - timedelta(days=25))
    assert services.tips_purge(actor=CONSOLE) == {"purged": 0, "warned": 1, "counters": 0}
    assert TipNotice.objects.filter(tip=tip, text__contains="sẽ bị xoá").exists()
    Tip.objects.filter(pk=tip.pk).update(closed_at=timezone.now() - timedelta(days=31))
    from django.core.management import call_command

    call_command("purge_tips", stdout=io.StringIO())
    tip.refresh_from_db()
    assert tip.purged_at is not None and tip.text == "" and tip.reporter_phone == ""
    assert not tip.photos.exists() and not tip.messages.exists()
    figures = compute(
        actor=CONSOLE,
        area=world.commune,
        start=timezone.localdate() - timedelta(days=3),
        end=timezone.localdate(),
    )
    assert figures["indicators"]["tipline.received"] == 1
    assert figures["indicators"]["tipline.received.by_state"]["closed"] == 1


def test_indicators_count_received_valuable_and_the_median_first_response(world: Any) -> None:
    today = timezone.localdate()
    figures = compute(actor=world.alice, area=world.commune, start=today - timedelta(days=1), end=today)[
        "indicators"
    ]
    assert figures["tipline.received"] == 1
    assert figures["tipline.received.by_category"]["drugs"] == 1
    assert figures["tipline.received.by_state"]["checking"] == 1
    assert figures["tipline.valuable"] == 0
    assert figures["tipline.first_response_hours"] is not None
    services.tip_set_state(actor=world.alice, tip=world.tip, state="valuable")
    # From yesterday: the world's tip was received when the world was built, which for a run
    # across local midnight (17:00 UTC) is the day before.
    assert (
        compute(actor=world.alice, area=world.commune, start=today - timedelta(days=1), end=today)[
            "indicators"
        ]["tipline.valuable"]
        == 1
    )
    services.tip_submit(area=world.other_village, category="theft", text="Mất trộm xe máy ở chợ.")
    empty = compute(actor=world.bob, area=world.other_commune, start=today, end=today)["indicators"]
    assert empty["tipline.received"] == 1 and empty["tipline.first_response_hours"] is None
    assert (
        compute(actor=world.bob, area=world.commune, start=today, end=today)["indicators"]["tipline.received"]
        == 0
    )


def test_officers_are_notified_in_the_app_and_by_email_without_the_content(world: Any, caplog: Any) -> None:
    world.alice.email = "alice@ca.example"
    world.alice.save()
    caplog.set_level(logging.INFO, logger="tuquan.tips.notify")
    from django.db import transaction

    with transaction.atomic():
        tip, _code = services.tip_submit(
            area=world.village, category="violence", text="Đánh nhau ở quán nước."
        )
    # on_commit inside the test transaction: run the callbacks by hand.
    services.notify.send_new_tip(tip, [world.alice])
    assert any("alice@ca.example" in m.to for m in mail.outbox)
    assert all("Đánh nhau" not in m.body for m in mail.outbox)
    assert "tip notice sent to user id" in caplog.text and "Đánh nhau" not in caplog.text
    assert TipNotice.objects.filter(user=world.alice, tip=tip).exists()
    assert not TipNotice.objects.filter(user=world.bob, tip=tip).exists()


def test_the_world_photo_helper_is_clean(world: Any) -> None:
    assert base64.b64decode(world.tip.photos.get().data)[:2] == b"\xff\xd8"
    assert receipt.normalize("12345 67890-12345 67890 12345") == "1234567890123456789012345"
    assert receipt.normalize("123") == ""
    assert small_jpeg()[:2] == b"\xff\xd8"
