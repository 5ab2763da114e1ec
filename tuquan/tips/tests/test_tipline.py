"""The tip line for a hurried person: the anti-robot timer lets through anyone who took a
second, a refused tip comes back with its text and its photos still attached, and the held
photos live only in that one answer to that one browser."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tuquan.tips import held
from tuquan.tips.forms import TOKEN_SALT, form_token
from tuquan.tips.models import Tip, TipPhoto
from tuquan.tips.tests.helpers import gps_jpeg

pytestmark = pytest.mark.django_db

TEXT = "Có người lạ đến hỏi mua đất, chụp ảnh nhà dân ở xóm dưới, đi ô tô biển tỉnh khác."
TOO_FAST = "gửi quá nhanh"


def shown_ago(seconds: float) -> str:
    """A form stamp as if the form had been shown `seconds` ago (by the stamp's clock)."""
    from tuquan.tips import forms

    return signing.TimestampSigner(salt=TOKEN_SALT).sign(f"{forms.time.time() - seconds:.3f}")


def post(client: Client, place: str, *, token: str, **extra: Any) -> Any:
    data = {"place": place, "category": "other", "text": TEXT, "token": token, "website": "", **extra}
    return client.post("/tin-bao/", data)


def photo(name: str = "anh.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, gps_jpeg(), content_type="image/jpeg")


def stored() -> tuple[int, int]:
    """Tips and photos in the database (the world holds two tips with a photo each)."""
    return Tip.objects.count(), TipPhoto.objects.count()


def held_tokens(response: Any) -> list[str]:
    return re.findall(r'name="held" value="([^"]+)"', response.content.decode())


class Clock:
    """The form stamp's clock, stopped: the post comes `elapsed` seconds after the form."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from tuquan.tips import forms

    stopped = Clock()
    monkeypatch.setattr(forms, "time", stopped)
    return stopped


def test_a_post_under_a_second_is_refused_and_keeps_the_text_and_the_photo(world: Any, clock: Clock) -> None:
    token = form_token()
    clock.now += 0.9  # the default minimum is 1 s
    before = stored()
    response = post(Client(), world.village.ident, token=token, photos=[photo()])
    page = response.content.decode()
    assert response.status_code == 422
    assert TOO_FAST in page
    assert TEXT in page  # the description is back in its box
    assert "Ảnh đã gửi kèm vẫn được giữ lại" in page
    assert len(held_tokens(response)) == 1
    assert 'src="data:image/jpeg;base64,' in page  # the resident sees which photo is kept
    assert stored() == before


def test_the_retry_sends_the_held_photo_without_choosing_it_again(world: Any, clock: Clock) -> None:
    client = Client()
    before = set(Tip.objects.values_list("pk", flat=True))
    refused = post(client, world.village.ident, token=form_token(), photos=[photo()])
    retry = post(client, world.village.ident, token=shown_ago(2), held=held_tokens(refused))
    assert 'id="receipt-code"' in retry.content.decode()
    (tip,) = Tip.objects.exclude(pk__in=before)
    assert tip.photos.count() == 1


def test_a_person_who_took_two_seconds_is_not_refused_with_the_default_timer(world: Any) -> None:
    tips, photos = stored()
    response = post(Client(), world.village.ident, token=shown_ago(2), photos=[photo()])
    assert 'id="receipt-code"' in response.content.decode()
    assert stored() == (tips + 1, photos + 1)


def test_a_missing_description_or_a_bad_photo_keeps_the_good_photo(world: Any) -> None:
    before = stored()
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = post(Client(), world.village.ident, token=shown_ago(2), text="", photos=[photo(), bad])
    page = response.content.decode()
    assert response.status_code == 422
    assert "Tệp không phải là ảnh hợp lệ." in page
    assert len(held_tokens(response)) == 1
    assert stored() == before


def test_the_held_photo_cannot_be_fetched_by_another_session(world: Any, clock: Clock) -> None:
    resident, other = Client(), Client()
    tips, photos = stored()
    token = held_tokens(post(resident, world.village.ident, token=form_token(), photos=[photo()]))[0]
    # Nothing was stored: no row anywhere names the photo, so there is nothing to fetch.
    assert stored() == (tips, photos)
    assert token not in other.get(f"/tin-bao/?xa={world.village.parent.ident}").content.decode()
    # Another browser cannot forge, alter or revive a held photo: each is dropped.
    forged = held.hold(held.release(token)).replace(":", ";", 1)  # type: ignore[arg-type]
    altered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    class LongAgo(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - held.MAX_AGE - 60)

    expired = LongAgo(salt=held.SALT).sign(signing.TimestampSigner(salt=held.SALT).unsign(token))
    for stale in (forged, altered, expired, "1:1:AAAA"):
        assert held.release(stale) is None
    sent = post(other, world.village.ident, token=shown_ago(2), held=[altered, expired])
    assert 'id="receipt-code"' in sent.content.decode()
    assert stored() == (tips + 1, photos)


def test_the_receipt_has_a_qr_code_of_the_tracking_link_with_the_code_in_its_fragment(world: Any) -> None:
    from tuquan.tips import receipt

    response = post(Client(), world.village.ident, token=shown_ago(2))
    page = response.content.decode()
    code = re.search(r'id="receipt-code">([0-9 ]+)<', page).group(1)  # type: ignore[union-attr]
    link = re.search(r'id="tracking-link" href="([^"]+)"|href="([^"]+)" id="tracking-link"', page)
    assert link is not None
    url = link.group(1) or link.group(2)
    assert url == "http://testserver/tin-bao/tra-cuu/#ma=" + code.replace(" ", "")
    assert receipt.qr_svg(url) in page
    assert "<script>" not in page  # the content security policy allows no inline script


def test_the_tracking_page_loads_its_script_from_a_file_and_sends_the_code_in_no_referer(
    world: Any,
) -> None:
    response = Client().get("/tin-bao/tra-cuu/")
    page = response.content.decode()
    assert re.search(r'<script src="/static/tuquan/tips\.[0-9a-f]+\.js" defer>', page)
    assert "<script>" not in page
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_post_without_the_sites_form_stamp_gets_no_photo_work_and_no_held_photo(world: Any) -> None:
    response = post(Client(), world.village.ident, token="forged", photos=[photo()])
    assert response.status_code == 422
    assert held_tokens(response) == []
