"""The tip line in a real browser (Debian's Chromium at 360 px): a resident sends an
anonymous tip in Vietnamese with a photo and keeps the receipt; the commune officer replies;
the resident reads the reply with the code. Afterwards neither the database nor the logs
hold the code, the forwarded address, the photo's GPS tags or the phone number."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tuquan.conftest import login, make_user
from tuquan.tips.models import Tip
from tuquan.tips.tests.helpers import dump, gps_jpeg, gps_traces

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORWARDED = "203.0.113.77"
PHONE = "0987654321"
TEXT = "Có người lạ bán hàng cấm ở gốc đa đầu bản, thường lúc chập tối, đi xe máy màu đỏ."
REPLY = "Cảm ơn bạn. Công an xã đã nhận tin và đang xác minh."


@pytest.fixture
def commune(transactional_db: Any) -> Any:
    from tuquan.core import units
    from tuquan.core.actors import CONSOLE
    from tuquan.core.models import Area
    from tuquan.core.services import village_create

    units.load()
    commune = Area.objects.get(ident="04099")
    village_create(actor=CONSOLE, commune=commune, kind="Bản", name="Nà Khoang")
    return commune


@pytest.fixture
def commune_officer(commune: Any, settings: Any) -> Any:
    settings.TUQUAN_TIP_MIN_SECONDS = 0
    return make_user("alice", "commune_officer", commune)


def test_anonymous_tip_with_a_photo_receipt_reply_and_nothing_identifying_left(
    page: Any, live_server: Any, commune_officer: Any, caplog: Any, capsys: Any, tmp_path: Any
) -> None:
    photo = tmp_path / "anh.jpg"
    photo.write_bytes(gps_jpeg())
    caplog.set_level(logging.DEBUG)
    base = live_server.url
    browser = page.context.browser
    resident = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="vi-VN",
        java_script_enabled=False,  # the public page needs no JavaScript
        extra_http_headers={"X-Forwarded-For": FORWARDED},
    ).new_page()
    resident.goto(f"{base}/tin-bao/")
    resident.select_option("#tinh", "14")
    resident.click("text=Chọn")
    resident.select_option("#xa", "04099")
    resident.click("text=Chọn")
    resident.select_option("#thon", label="Bản Nà Khoang")
    resident.click("text=Chọn")
    resident.select_option("#id_category", "drugs")
    resident.fill("#id_text", TEXT)
    resident.set_input_files("#id_photos", str(photo))
    resident.click("text=Cho biết bạn là ai (không bắt buộc)")
    resident.fill("#id_phone", PHONE)
    resident.click("button:has-text('Gửi tin báo')")
    code = resident.inner_text("#receipt-code").strip()
    assert len(code.replace(" ", "")) == 25
    assert resident.is_visible("text=Hãy chép lại hoặc chụp lại mã này ngay.")
    assert resident.get_by_role("button", name="Chép mã").count() == 0  # no button that does nothing

    login(page, base)
    page.goto(f"{base}/hop-tin-bao/")
    page.click("table a")
    assert TEXT in page.inner_text("#tip-text")
    assert page.locator("img[alt='Ảnh kèm tin báo']").count() == 1
    page.fill("#reply-form textarea[name=body]", REPLY)
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector(f"text={REPLY}")

    resident.goto(f"{base}/tin-bao/tra-cuu/")
    resident.fill("#id_code", code)
    resident.click("button:has-text('Xem')")
    assert REPLY in resident.inner_text("#thread")

    text = dump()
    logs = caplog.text + "".join(capsys.readouterr())
    for where in (text, logs):
        assert code not in where and code.replace(" ", "") not in where
        assert FORWARDED not in where
        assert PHONE not in where and TEXT not in where
        assert gps_traces(where) == []


# A person's pace on a phone: about 0.3 s between one tap and the next (the quickest touch
# typists' rate; most people are slower). The text is pasted, as a hurried person does.
TAP_PAUSE_MS = 300


def test_a_hurried_resident_sends_a_tip_with_a_photo_in_seconds_copies_the_receipt_and_follows_the_qr_link(
    journey: Any, commune: Any, tmp_path: Any
) -> None:
    """With the default timer: the form is opened, filled at a person's quickest pace and sent
    well within 5 s; the receipt is copied with its button; the QR code's link opens the
    tracking page with the code filled in and shows the tip's status."""
    import time

    from tuquan.tips import receipt

    photo = tmp_path / "anh.jpg"
    photo.write_bytes(gps_jpeg())
    resident, base = journey.page, journey.base
    resident.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    resident.goto(f"{base}/tin-bao/")
    journey.assert_styled()
    resident.select_option("#tinh", "14")
    journey.tap("Chọn")
    resident.select_option("#xa", "04099")
    journey.tap("Chọn")
    resident.wait_for_selector("#tip-form")
    opened = time.monotonic()
    description = resident.locator("#id_text")
    body_font = resident.evaluate("getComputedStyle(document.body).fontFamily")
    assert description.evaluate("e => getComputedStyle(e).fontFamily") == body_font
    for act in (
        lambda: resident.select_option("#id_category", "drugs"),
        lambda: description.click(),
        lambda: description.fill(TEXT),
        lambda: resident.set_input_files("#id_photos", str(photo)),
    ):
        act()
        resident.wait_for_timeout(TAP_PAUSE_MS)
    journey.tap("Gửi tin báo")
    resident.wait_for_selector("#receipt-code")
    took = time.monotonic() - opened
    print(f"form opened to receipt: {took:.2f} s")
    assert took < 5, f"the resident took {took:.1f} s"
    code = resident.inner_text("#receipt-code").strip()
    assert len(code.replace(" ", "")) == 25

    journey.tap("Chép mã")
    resident.wait_for_selector("#copy-status:has-text('Đã chép mã')")
    assert resident.evaluate("navigator.clipboard.readText()") == code

    link = resident.get_attribute("#tracking-link", "href")
    assert link == f"{base}/tin-bao/tra-cuu/#ma={code.replace(' ', '')}"
    # The QR code on the page is the one that encodes exactly this link.
    drawn = resident.get_attribute("#receipt-qr svg path", "d")
    assert drawn and f'd="{drawn}"' in receipt.qr_svg(link)
    resident.goto(link)  # as a phone's camera opens a scanned QR code
    resident.wait_for_selector("#tip-status")
    assert "Trạng thái: Mới" in journey.text("#tip-status")
    assert "#ma=" not in resident.url  # the code left the address bar and the history
    resident.wait_for_load_state("networkidle")  # no request of the page still in the server
    (tip,) = [t for t in Tip.objects.all()]
    assert tip.photos.count() == 1


def test_a_tip_sent_at_script_speed_is_refused_and_the_retry_keeps_the_photo(
    journey: Any, commune: Any, tmp_path: Any
) -> None:
    photo = tmp_path / "anh.jpg"
    photo.write_bytes(gps_jpeg())
    resident, base = journey.page, journey.base
    resident.goto(f"{base}/tin-bao/?xa=04099")
    resident.select_option("#id_category", "drugs")
    resident.fill("#id_text", TEXT)
    resident.set_input_files("#id_photos", str(photo))
    journey.tap("Gửi tin báo")  # at once: a script's pace
    assert "gửi quá nhanh" in journey.text("#tip-form")
    assert resident.input_value("#id_text") == TEXT
    kept = resident.locator("#held-photos input[name=held]")
    assert kept.count() == 1 and kept.is_checked()
    assert resident.locator("#held-photos img").evaluate("i => i.complete && i.naturalWidth > 0")
    assert resident.input_value("#id_photos") == ""  # the browser's file box is empty again...
    resident.wait_for_timeout(1000)
    journey.tap("Gửi tin báo")  # ...and the photo goes with the second tap all the same
    resident.wait_for_selector("#receipt-code")
    resident.wait_for_load_state("networkidle")  # no request of the page still in the server
    (tip,) = list(Tip.objects.all())
    assert tip.photos.count() == 1 and tip.category == "drugs"
