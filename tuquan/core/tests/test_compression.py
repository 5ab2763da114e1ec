"""Pages and JSON travel gzip-compressed to whoever asks for it; answers that show a secret
never do (BREACH, docs/security.md)."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from django.test import Client

from tuquan.testing import PASSWORD
from tuquan.tips.forms import form_token

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_page_is_compressed_for_a_phone_that_asks_and_reads_the_same(world: Any) -> None:
    client = _signed_in(world.linh)
    team = world.registry["team"]
    plain = client.get(f"/nhat-ky/{team.uid}/")
    packed = client.get(f"/nhat-ky/{team.uid}/", headers=GZIP)
    assert packed.status_code == 200 and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert team.name in page and len(packed.content) < len(plain.content) / 2
    assert "Content-Encoding" not in plain


def test_json_from_the_api_is_compressed_too(world: Any) -> None:
    client = _signed_in(world.alice)
    answer = client.get("/api/v1/indicators?area=04099&from=2025-01-01&to=2025-12-31", headers=GZIP)
    assert answer.status_code == 200 and answer["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(answer.content))["area"]["id"] == "04099"


def test_the_tip_receipt_code_is_never_compressed(world: Any, settings: Any) -> None:
    settings.TUQUAN_TIP_MIN_SECONDS = 0
    data = {
        "place": world.village.ident,
        "category": "drugs",
        "text": "Có người lạ ở bãi đất.",
        "token": form_token(),
    }
    answer = Client().post("/tin-bao/", data, headers=GZIP)
    assert answer.status_code == 200 and 'id="receipt-code"' in answer.content.decode()
    assert "Content-Encoding" not in answer


def test_a_one_time_code_and_an_authenticators_secret_are_never_compressed(world: Any) -> None:
    officer = _signed_in(world.alice)
    issued = officer.post(f"/tai-khoan/{world.linh.pk}/dat-lai-mat-khau/", headers=GZIP)
    assert issued.status_code == 200 and issued.context["code"] in issued.content.decode()
    assert "Content-Encoding" not in issued
    leader = _signed_in(world.linh)
    setup = leader.post("/toi/", {"action": "otp-start"}, headers=GZIP)
    assert setup.status_code == 200 and setup.context["otp_secret"] in setup.content.decode()
    assert "Content-Encoding" not in setup
    assert "Content-Encoding" not in leader.get("/toi/", headers=GZIP)


def test_the_session_cookie_is_not_sent_by_other_sites_requests(world: Any) -> None:
    client = Client()
    signed_in = client.post("/dang-nhap/", {"username": "linh", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.cookies["sessionid"]["samesite"] == "Lax"
