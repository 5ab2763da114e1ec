"""The bare app's two requests: a single-row insert (the floor for a journal write) and a
JSON answer reading one row (the floor for an API read or a page)."""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

TABLE = "bench_bare_row"


def ensure_table() -> None:
    """The one table, created when missing (outside the project's migrations: the bare app
    is no part of the project's schema)."""
    key = (
        "bigserial PRIMARY KEY" if connection.vendor == "postgresql" else "integer PRIMARY KEY AUTOINCREMENT"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id {key}, note text NOT NULL, created timestamp NOT NULL)"
        )
        cursor.execute(f"INSERT INTO {TABLE} (note, created) VALUES (%s, %s)", ["first", timezone.now()])  # noqa: S608


@csrf_exempt
def insert(request: HttpRequest) -> HttpResponse:
    note = str(json.loads(request.body or b"{}").get("note", ""))[:200]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (note, created) VALUES (%s, %s)", [note, timezone.now()])  # noqa: S608
    return JsonResponse({"ok": True}, status=201)


def read(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, note, created FROM {TABLE} ORDER BY id LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    return JsonResponse({"id": row[0], "note": row[1], "created": str(row[2])})


urlpatterns = [path("insert", insert), path("read", read)]
