"""The OpenAPI document tells clients the truth: a schema name means one class, and each
operation's request body is the schema its handler reads (issue 21: the fund ledger's
`EntryIn` once stood for the journal's)."""

from __future__ import annotations

import typing
from collections import defaultdict
from typing import Any

from ninja import Schema

from tuquan.api import api


def schema_classes() -> list[type[Schema]]:
    found, todo = [], list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("tuquan."):
            found.append(cls)
    return found


def test_every_schema_name_is_one_class() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in schema_classes():
        by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert shared == {}


def test_each_operation_documents_the_body_its_handler_reads() -> None:
    document = api.get_openapi_schema()
    checked = 0
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                payload = typing.get_type_hints(operation.view_func).get("payload")
                if not isinstance(payload, type):
                    continue
                documented = _request_ref(document, operation, path, _prefix)
                assert documented == payload.__name__, (path, operation.methods)
                checked += 1
    assert checked > 10


def _request_ref(document: dict[str, Any], operation: Any, path: str, prefix: str) -> str:
    item = document["paths"][f"/api/v1{prefix}{path}"]
    for method in operation.methods:
        found = item.get(method.lower())
        if found and "requestBody" in found:
            body = found["requestBody"]["content"]
            schema = next(iter(body.values()))["schema"]
            ref = schema.get("$ref") or schema.get("allOf", [{}])[0].get("$ref", "")
            return str(ref).rsplit("/", 1)[-1]
    raise AssertionError(f"{prefix}{path} documents no request body")


def test_the_served_document_has_no_key_twice() -> None:
    """Found from outside: a handler's own 422 (an int key) and the shared one (a str key)
    made two "422" keys, which Python's json accepts and Swagger UI refuses."""
    import json

    from django.test import Client

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _v in pairs]
        assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
        return dict(pairs)

    json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=unique)
