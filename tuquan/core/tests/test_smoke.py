"""CI's smoke check (`python -m tuquan.smoke`, run by .ci/smoke): it passes on the app served
as in production, and fails, naming the cause, when a stylesheet is missing or a page breaks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tuquan.smoke import Smoke
from tuquan.testing import PASSWORD

LOGIN_PAGE = (
    '<!doctype html><html><head><link rel="stylesheet" href="/static/tuquan/tuquan.css">'
    '<script src="/static/tuquan/htmx.min.js" defer></script></head><body><main>'
    '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t"></form>'
    "</main></body></html>"
)


def stub_server(routes: dict[str, tuple[int, str, bytes]]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, kind, body = routes.get(self.path.split("?")[0], (404, "text/html", b"<p>404</p>"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def routes(**changes: tuple[int, str, bytes]) -> dict[str, tuple[int, str, bytes]]:
    served = {
        "/healthz": (200, "application/json", b'{"status": "ok"}'),
        "/dang-nhap/": (200, "text/html; charset=utf-8", LOGIN_PAGE.encode()),
        "/tin-bao/": (200, "text/html; charset=utf-8", LOGIN_PAGE.encode()),
        "/static/tuquan/tuquan.css": (200, "text/css", b"body{}"),
        "/static/tuquan/htmx.min.js": (200, "text/javascript", b"var htmx;"),
    }
    served.update({path.replace("_", "/"): answer for path, answer in changes.items()})
    return served


@pytest.fixture
def whole_app() -> Iterator[str]:
    yield from stub_server(routes())


@pytest.fixture
def app_without_its_stylesheet() -> Iterator[str]:
    served = routes()
    del served["/static/tuquan/tuquan.css"]
    yield from stub_server(served)


@pytest.fixture
def app_whose_tip_page_breaks() -> Iterator[str]:
    served = routes()
    served["/tin-bao/"] = (500, "text/html", b"<h1>Server Error (500)</h1>")
    yield from stub_server(served)


def test_the_smoke_check_passes_when_every_page_and_asset_answers(whole_app: str) -> None:
    assert Smoke(whole_app).run(login=None) == 0


def test_the_smoke_check_fails_naming_a_missing_stylesheet(app_without_its_stylesheet: str) -> None:
    smoke = Smoke(app_without_its_stylesheet)
    assert smoke.run(login=None) == 1
    assert any("/static/tuquan/tuquan.css: 404" in line for line in smoke.failures)


def test_the_smoke_check_fails_on_a_server_error(app_whose_tip_page_breaks: str) -> None:
    smoke = Smoke(app_whose_tip_page_breaks)
    assert smoke.run(login=None) == 1
    assert smoke.failures == ["/tin-bao/ answered 500 (text/html)"]


def test_the_smoke_check_fails_when_nothing_answers() -> None:
    smoke = Smoke("http://127.0.0.1:9")
    assert smoke.run(login=None) == 1 and smoke.failures[0] == "/healthz answered 0"


@pytest.mark.django_db(transaction=True)
def test_the_app_served_as_in_production_passes_the_smoke_check_signed_in(
    live_server: Any, live_world: Any
) -> None:
    smoke = Smoke(live_server.url)
    assert smoke.run(login=f"alice:{PASSWORD}") == 0, smoke.failures
    assert any("tuquan." in line and ".css: 200 (text/css" in line for line in smoke.passed), smoke.passed
