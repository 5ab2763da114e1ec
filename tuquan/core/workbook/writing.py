"""Writing what an import planned: new rows in batches, changed rows by their changed fields."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

BATCH = 500


@dataclass
class Changes:
    """New rows of one model, and changed existing ones with the fields that changed."""

    new: list[Any] = field(default_factory=list)
    changed: list[Any] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    _seen: set[int] = field(default_factory=set)

    def change(self, obj: Any, fields: Iterable[str]) -> None:
        if id(obj) not in self._seen:
            self._seen.add(id(obj))
            self.changed.append(obj)
        self.fields.update(fields)


def bulk_create(model: Any, objs: list[Any]) -> None:
    if objs:
        model.objects.bulk_create(objs, batch_size=BATCH)


def bulk_update_changed(model: Any, changes: Changes, now: Any) -> None:
    """The changed rows' changed fields, and `updated_at` where the model keeps one."""
    if not changes.changed:
        return
    fields = set(changes.fields)
    if any(f.name == "updated_at" for f in model._meta.fields):
        for obj in changes.changed:
            obj.updated_at = now
        fields.add("updated_at")
    model.objects.bulk_update(changes.changed, sorted(fields), batch_size=BATCH)
