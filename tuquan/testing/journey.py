"""The journey harness: a person's way through the app, in Debian's Chromium, against the app
served as production serves it.

- The server is a real HTTP server in a thread of the test process, running the WSGI
  application with production settings (tuquan.settings_test: DEBUG off) and nothing else:
  assets come from the collected, hashed, compressed files through WhiteNoise, exactly as
  after `tuquan collectstatic` on a server. There is no static-files shortcut: a template
  that links a missing asset fails the journey.
- A `Journey` logs in as a persona and then moves only by tapping links and buttons, counting
  the taps; it asserts the stylesheet is applied (a computed style), that htmx is loaded with
  the project's configuration, and, at the end of every journey, that the browser saw no
  console error, no failed asset and no server error. A failed journey leaves a screenshot in
  `test-results/`.
- Every page a journey reaches is checked once with axe-core (vendored in
  `tuquan/testing/vendor/`, see its VENDORED.md): a critical or serious violation is a
  problem of the journey like a console error (issue 25, item 7).

Usage (the fixtures are registered in tuquan/conftest.py):

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

    def test_a_leader_records_a_patrol(journey, world_live):
        journey.login("linh")
        journey.tap("Ghi nhật ký")
        ...
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from tuquan.testing import PASSWORD, skip_or_fail

CHROMIUM = os.environ.get("TUQUAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A cheap Android phone's screen.
PHONE = {"width": 360, "height": 740}
RESULTS = Path(os.environ.get("TUQUAN_TEST_RESULTS", Path(__file__).resolve().parents[2] / "test-results"))
# Chromium reports every answer of 400 or more as a console error; a refused form (422) is the
# app working as designed, so it is not an error of the page.
EXPECTED_CONSOLE = [re.compile(r"status of 422\b")]
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
# What axe-core must not find on a journey's page (its "moderate" and "minor" are advice).
AXE_FAILS = ("critical", "serious")
AXE_RUN = """() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
    .filter(v => %s.includes(v.impact))
    .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')})`))"""


class _ServedAsInProduction(LiveServer):
    """pytest-django's live server without its static-files handler: only the WSGI app."""

    def __init__(self, host: str) -> None:
        from django.core.handlers.wsgi import WSGIHandler
        from django.db import connections
        from django.test.testcases import LiveServerThread

        class Thread(LiveServerThread):
            def run(self) -> None:
                # LiveServerThread.run, with the application alone (no static or media handler).
                if self.connections_override:
                    for alias, conn in self.connections_override.items():
                        connections[alias] = conn
                try:
                    self.httpd = self._create_server(  # type: ignore[attr-defined]
                        connections_override=self.connections_override
                    )
                    if self.port == 0:
                        self.port = self.httpd.server_address[1]
                    self.httpd.set_app(WSGIHandler())
                    self.is_ready.set()
                    self.httpd.serve_forever()
                except Exception as exc:
                    self.error = exc  # type: ignore[assignment]
                    self.is_ready.set()
                finally:
                    connections.close_all()

        super().__init__(host, start=False)
        self.thread = Thread(
            host,
            static_handler=None,  # type: ignore[arg-type]  # run() above uses none
            connections_override=self.thread.connections_override,
        )
        self.thread.daemon = True
        self.start()


def collect_static() -> None:
    """`tuquan collectstatic` into the tests' STATIC_ROOT, unless these exact assets were
    collected already (the directory is named by their fingerprint: tuquan/settings_test.py).
    A lock keeps parallel test processes from collecting into it at the same time; the
    manifest is written last, so its presence means a finished collection."""
    import fcntl

    from django.conf import settings
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    if (root / "staticfiles.json").exists():
        return
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{root}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "staticfiles.json").exists():
            call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def collected_static() -> None:
    # Every test renders with the manifest storage, as production does: collect first.
    collect_static()


@pytest.fixture(scope="session")
def live_server(collected_static: None) -> Iterator[LiveServer]:
    """Replaces pytest-django's: the app as production serves it (see the module's docstring)."""
    server = _ServedAsInProduction("127.0.0.1")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One Chromium per test process; each test gets its own context (cookies, storage)."""
    if not shutil.which(CHROMIUM):
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed")
    # Django refuses synchronous ORM calls where an event loop runs, and Playwright's sync API
    # runs one in this thread; the tests' own ORM calls are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # a missing system library shows up here
            skip_or_fail(f"Chromium did not start: {exc}")
        yield browser
        browser.close()


def _failed(request: pytest.FixtureRequest) -> bool:
    report = getattr(request.node, "rep_call", None)
    return report is None or report.failed


def _screenshot(page: Any, request: pytest.FixtureRequest) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.nodeid).strip("-")[:180]
    path = RESULTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def page(chromium: Any, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page at 360 px; a screenshot in test-results/ when the test fails."""
    context = chromium.new_context(viewport=PHONE, locale="vi-VN")
    new_page = context.new_page()
    yield new_page
    if _failed(request):
        _screenshot(new_page, request)
    context.close()


class Journey:
    """A persona's way through the app: log in, then only taps on what the page shows."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.taps = 0
        self.problems: list[str] = []
        self.expected = list(EXPECTED_CONSOLE)
        self.checked: set[str] = set()
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("response", self._on_response)

    # --- what the browser saw -------------------------------------------------------------

    def _on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        text = message.text
        if not any(pattern.search(text) for pattern in self.expected):
            self.problems.append(f"console error: {text}")

    def _on_response(self, response: Any) -> None:
        path = response.url.removeprefix(self.base)
        if path.startswith("/static/") and response.status != 200:
            self.problems.append(f"asset {path} answered {response.status}")
        elif response.status >= 500:
            self.problems.append(f"{response.request.method} {path} answered {response.status}")

    def expect_console_error(self, pattern: str) -> None:
        """A console error the journey provokes on purpose (e.g. the network cut)."""
        self.expected.append(re.compile(pattern))

    def assert_clean(self) -> None:
        self.check_accessible()
        assert not self.problems, "the browser saw:\n" + "\n".join(self.problems)

    def check_accessible(self) -> None:
        """axe-core on the page shown, once per path: critical and serious violations are
        noted as problems (the journey fails at its end, with every page's findings)."""
        path = self.page.url.removeprefix(self.base).split("#")[0]
        if path in self.checked or not self.page.url.startswith(self.base):
            return
        self.checked.add(path)
        self.page.wait_for_load_state()
        # Evaluated through the browser's debugging protocol, which the page's content
        # security policy does not govern (an inline <script> would be refused, rightly).
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        found = self.page.evaluate(AXE_RUN % list(AXE_FAILS))
        self.problems.extend(f"axe on {path}: {finding}" for finding in found)

    # --- moving ------------------------------------------------------------------------------

    def login(self, username: str, password: str = PASSWORD) -> None:
        """Open the login page, sign in, land on the home page (not counted as taps)."""
        self.page.goto(f"{self.base}/dang-nhap/")
        self.assert_styled()
        self.check_accessible()
        self.page.get_by_label(re.compile("Tên đăng nhập|Username", re.I)).fill(username)
        self.page.get_by_label(re.compile("Mật khẩu|Password", re.I)).fill(password)
        self.page.get_by_role("button", name=re.compile("^(Đăng nhập|Log in)$")).click()
        self.page.wait_for_url(f"{self.base}/")
        self.assert_styled()
        self.check_accessible()
        self.taps = 0

    def tap(self, name: str | re.Pattern[str], *, within: Any = None, nth: int = 0) -> None:
        """Tap the link or button a person would read as `name` (exact, or a pattern)."""
        scope = within if within is not None else self.page
        exact = isinstance(name, str)
        target = scope.get_by_role("link", name=name, exact=exact).or_(
            scope.get_by_role("button", name=name, exact=exact)
        )
        target.nth(nth).click()
        self.taps += 1
        self.page.wait_for_load_state()
        self.check_accessible()

    def fill(self, label: str | re.Pattern[str], value: str) -> None:
        self.page.get_by_label(label).fill(value)

    def offline(self, cut: bool = True) -> None:
        """Cut the network (or bring it back), as a phone loses its signal."""
        self.page.context.set_offline(cut)
        if cut:
            # Chromium reports the failed request, htmx logs its error events.
            self.expect_console_error(
                r"net::ERR_INTERNET_DISCONNECTED|Failed to load resource|htmx:(sendError|afterRequest)"
            )

    # --- what a person sees ----------------------------------------------------------------------

    def assert_styled(self) -> None:
        """The project's stylesheet applies (a rule only it sets) and htmx runs with our set-up."""
        marker = self.page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--tuquan-stylesheet').trim()"
        )
        assert marker == "1", f"the stylesheet is not applied on {self.page.url}"
        self.page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
        handles_422 = self.page.evaluate(
            "htmx.config.responseHandling.some(r => r.code === '422' && r.swap === true)"
        )
        assert handles_422, (
            "htmx does not swap refused forms (422): the base template's htmx-config is missing"
        )

    def text(self, selector: str = "main") -> str:
        return str(self.page.inner_text(selector))

    def fits_the_screen(self) -> bool:
        return bool(self.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"])


@pytest.fixture
def journey(page: Any, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Journey]:
    walk = Journey(page, live_server.url)
    yield walk
    if not _failed(request):
        walk.assert_clean()
