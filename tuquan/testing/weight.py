"""What a phone downloads on a page's first load: the page and every stylesheet and script it
links, gzip-compressed as they travel. Used by `make bench` (over HTTP, from the served app)
and by tests (through Django's test client, still through WhiteNoise)."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable

ASSET = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="(/static/[^"]+)"')

# fetch(url) -> (status, body bytes as sent, whether the body is already gzip-compressed)
Fetch = Callable[[str], tuple[int, bytes, bool]]


class MissingAsset(Exception):
    """A page links an asset the server does not serve: in production, an unstyled page."""


def assets_of(page: str) -> list[str]:
    return ASSET.findall(page)


def first_load_bytes(fetch: Fetch, url: str) -> int:
    status, body, compressed = fetch(url)
    if status != 200:
        raise MissingAsset(f"{url} answered {status}")
    page = gzip.decompress(body).decode() if compressed else body.decode()
    total = len(body) if compressed else len(gzip.compress(body))
    for asset in assets_of(page):
        status, data, compressed = fetch(asset)
        if status != 200:
            raise MissingAsset(f"{url} links {asset}, which answered {status}")
        total += len(data) if compressed else len(gzip.compress(data))
    return total


def client_fetch(client: object) -> Fetch:
    """A Fetch through Django's test client (the middleware, WhiteNoise included, as served)."""

    def fetch(url: str) -> tuple[int, bytes, bool]:
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")  # type: ignore[attr-defined]
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, body, response.get("Content-Encoding") == "gzip"

    return fetch


def http_fetch(base: str, cookies: dict[str, str]) -> Fetch:
    """A Fetch over real HTTP from a served app, asking for gzip as a phone's browser does."""
    import urllib.error
    import urllib.request

    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())

    def fetch(url: str) -> tuple[int, bytes, bool]:
        headers = {"Accept-Encoding": "gzip", "Cookie": cookie}
        request = urllib.request.Request(base + url, headers=headers)  # noqa: S310 (the served app, loopback)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
                return response.status, response.read(), response.headers.get("Content-Encoding") == "gzip"
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), False

    return fetch
