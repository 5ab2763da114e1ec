"""`python -m tuquan.smoke URL [--login USER:PASSWORD]`: is the served app usable by a person?

Real HTTP against a running server, standard library only (it runs before and beside the
suites, on a machine where only the app's own dependencies are installed). It checks:

- `/healthz` answers 200 with {"status": "ok"};
- the login page answers 200 as HTML, and every stylesheet, script and icon it links answers
  200 with the right content type (a missing stylesheet is an unstyled app);
- the public tip page answers 200 and an unknown address 404, not 500;
- with --login, the person can sign in, the home page answers 200 with its assets, and every
  page its menu links to answers without a server error.

Prints one line per check and exits 1 naming every failure (CI's smoke stage, .ci/smoke).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

ASSET = re.compile(r"<(link|script)\b([^>]*)>", re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
NAV_LINK = re.compile(r'<a\b[^>]*href="(/[^"#?]*)"', re.I)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONTENT_TYPES = {
    ".css": ("text/css",),
    ".js": ("text/javascript", "application/javascript"),
    ".svg": ("image/svg+xml",),
    ".png": ("image/png",),
    ".ico": ("image/x-icon", "image/vnd.microsoft.icon"),
}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Smoke:
    base: str
    failures: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    checked: int = 0

    def __post_init__(self) -> None:
        self.base = self.base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.jar)
        self.opener = urllib.request.build_opener(cookies)
        self.stay = urllib.request.build_opener(cookies, _NoRedirect())

    # --- HTTP --------------------------------------------------------------------------------

    def fetch(
        self, path: str, data: dict[str, str] | None = None, *, follow: bool = True
    ) -> tuple[int, str, bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 (an http URL we were given)
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with (self.opener if follow else self.stay).open(request, timeout=60) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Content-Type", ""), exc.read()
        except (urllib.error.URLError, OSError) as exc:
            return 0, "", str(exc).encode()

    def check(self, ok: bool, line: str) -> bool:
        self.checked += 1
        print(("ok    " if ok else "FAIL  ") + line)
        (self.passed if ok else self.failures).append(line)
        return ok

    # --- checks ------------------------------------------------------------------------------

    def health(self) -> None:
        status, _, body = self.fetch("/healthz")
        try:
            healthy = json.loads(body).get("status") == "ok"
        except ValueError:
            healthy = False
        self.check(status == 200 and healthy, f"/healthz answered {status}")

    def page(self, path: str, *, expect: int = 200) -> str:
        status, kind, body = self.fetch(path)
        html = kind.startswith("text/html")
        self.check(status == expect and (html or expect != 200), f"{path} answered {status} ({kind or '-'})")
        text = body.decode("utf-8", "replace")
        if status == 200 and html:
            self.assets(path, text)
        return text

    def assets(self, path: str, page: str) -> None:
        found = 0
        for tag, attrs in ASSET.findall(page):
            values = dict(ATTR.findall(attrs))
            url = values.get("href") if tag.lower() == "link" else values.get("src")
            if not url or not url.startswith("/") or url.startswith("//"):
                continue
            if tag.lower() == "link" and values.get("rel") not in {"stylesheet", "icon", "manifest"}:
                continue
            found += 1
            status, kind, body = self.fetch(url)
            suffix = "." + url.rsplit(".", 1)[-1] if "." in url.rsplit("/", 1)[-1] else ""
            wanted = CONTENT_TYPES.get(suffix)
            right_type = wanted is None or kind.split(";")[0].strip() in wanted
            self.check(
                status == 200 and right_type and len(body) > 0,
                f"{path} links {url}: {status} ({kind or '-'}, {len(body)} bytes)",
            )
        has_stylesheet = re.search(r'<link\b[^>]*rel="stylesheet"', page) is not None
        self.check(found > 0 and has_stylesheet, f"{path} links a stylesheet and {found} asset(s) in all")

    def login(self, username: str, password: str) -> bool:
        status, _, body = self.fetch("/dang-nhap/")
        token = CSRF_INPUT.search(body.decode("utf-8", "replace"))
        if not self.check(status == 200 and token is not None, "login form with its CSRF token"):
            return False
        assert token is not None
        status, _, _ = self.fetch(
            "/dang-nhap/",
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
            follow=False,
        )
        return self.check(status == 302, f"signing in as {username} answered {status} (302 expected)")

    def signed_in(self) -> None:
        home = self.page("/")
        menu = home.split("<main", 1)[0]
        for path in sorted(set(NAV_LINK.findall(menu)) - {"/"}):
            status, _, _ = self.fetch(path)
            self.check(0 < status < 500, f"menu link {path} answered {status}")

    def run(self, login: str | None) -> int:
        self.health()
        self.page("/dang-nhap/")
        self.page("/tin-bao/")
        self.page("/khong-co-trang-nay/", expect=404)
        if login:
            username, _, password = login.partition(":")
            if self.login(username, password):
                self.signed_in()
        if self.failures:
            print(f"\nsmoke: {len(self.failures)} of {self.checked} checks failed at {self.base}:")
            for line in self.failures:
                print(f"  - {line}")
            return 1
        print(f"\nsmoke: {self.checked} checks passed at {self.base}")
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("url", help="the served app, e.g. http://127.0.0.1:8000")
    parser.add_argument("--login", help="USER:PASSWORD of an account to sign in with")
    args = parser.parse_args(argv)
    return Smoke(args.url).run(args.login)


if __name__ == "__main__":
    sys.exit(main())
