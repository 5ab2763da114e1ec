"""Compressed answers (pages and JSON), except the few that show a secret.

BREACH guesses a secret in a compressed answer from its length, one character at a time,
when the same answer also echoes text the attacker chose (every page echoes its own query
string, in the language switch's `next`). Django's GZipMiddleware already pads each answer
with up to 100 random bytes ("Heal the Breach"), Django masks the CSRF token afresh on
every answer, and the session cookie is SameSite=Lax, so another site's scripts cannot make
a signed-in browser fetch pages in bulk. The answers that show a code or a key (a tip's
receipt code, a one-time code, an authenticator's secret) are never compressed at all:
they are small, rare, and the secret is the whole point of the page (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

View = Callable[..., HttpResponse]


def uncompressed(view: View) -> View:
    """The view's answers leave uncompressed: they may show a secret (see the module)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.uncompressed = True  # type: ignore[attr-defined]
        return response

    return wrapped


class CompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (random padding included), skipping `@uncompressed` views."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(response, "uncompressed", False):
            return response
        return super().process_response(request, response)
