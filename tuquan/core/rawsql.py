"""Small pieces of plain SQL for the few hot reads written without the ORM (see
docs/decisions.md, "Asked codes, and plain SQL"): values always go as parameters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


def placeholders(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def code_condition(exact: Iterable[str], prefixes: Iterable[str]) -> tuple[str, list[Any]]:
    """`(code IN (…) OR code LIKE 'prefix%' …)` and its parameters; false when both are empty.
    Prefixes are the project's own (`extra.`, `force.`), free of LIKE's wildcards."""
    exact, prefixes = list(exact), list(prefixes)
    terms = [f"code IN ({placeholders(exact)})"] if exact else []
    terms += ["code LIKE %s"] * len(prefixes)
    return f"({' OR '.join(terms) or '1 = 0'})", [*exact, *(p + "%" for p in prefixes)]


@contextmanager
def unindexed(cur: Any, tables: list[str]) -> Iterator[None]:
    """Empty `tables` and fill them without their keys and indexes, which are made again
    afterwards from their own definitions (rollups and stocks rebuilds). On PostgreSQL a row-by-row check of each foreign
    key and an index updated per row cost most of a rebuild of tens of millions of rows;
    building an index or checking a key over a whole table is one sort or one join. (The
    tables are locked until the transaction ends: a rebuild is a maintenance step.)"""
    if connection.vendor != "postgresql":
        for table in tables:
            cur.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed table names)
        yield
        return
    # Keys deferred to the commit are checked now: a table with checks pending cannot change.
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
        [tables],
    )
    constraints = cur.fetchall()
    cur.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)",
        [tables],
    )
    indexes = cur.fetchall()
    for table, name, _definition in constraints:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cur.execute(f"DROP INDEX {name}")
    cur.execute(f"TRUNCATE {', '.join(tables)}")
    yield
    for _name, definition in indexes:
        cur.execute(definition)
    # Unique keys before foreign keys ('u' sorts after 'f': the query ordered them descending).
    for table, name, definition in constraints:
        cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cur.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django makes them: checked at the commit
    for table in tables:
        cur.execute(f"ANALYZE {table}")
