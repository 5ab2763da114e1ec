"""Schemathesis against the API's own document (OpenAPI 3.1), in process (WSGI), as three
personas: the system administrator, a commune officer and a team leader. Every operation
gets generated requests, valid and not; none may answer 500, and every answer must be one
the document allows, shaped as it says.

Bounded for CI (`TUQUAN_API_FUZZ_EXAMPLES`, default 8 per operation and persona; the same
examples on every run). Everything a case writes is rolled back with the test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks

from tuquan.wsgi import application

EXAMPLES = int(os.environ.get("TUQUAN_API_FUZZ_EXAMPLES", "8"))
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# What a client may rely on: no server error, the documented status codes and content types,
# and bodies shaped as documented.
CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
]


@pytest.fixture(autouse=True)
def connections_kept() -> Iterator[None]:
    """The WSGI handler closes "old" connections at each request's start and end, and inside
    the test's transaction a PostgreSQL connection counts as old: keep it, as Django's test
    client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["sam", "alice", "linh"])
def bearer(request: pytest.FixtureRequest, world: Any) -> dict[str, str]:
    from tuquan.accounts.services import api_token_issue

    user = getattr(world, request.param)
    return {"Authorization": f"Bearer {api_token_issue(user=user)}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_answers_as_documented(case: Any, bearer: dict[str, str]) -> None:
    # Schemathesis asks for gzip as `requests` does but reads a WSGI answer's bytes as they
    # come: the bodies it checks are asked for plain (compression: test_compression.py).
    case.call_and_validate(headers={**bearer, "Accept-Encoding": "identity"}, checks=CHECKS)
