"""One approval machine for every record a level above approves: a journal village-month
(the commune approves, the province accepts, the level that approved reopens) and an
assessment round (the commune proposes, the province approves or returns, and reopens).

Each machine is a table of steps: the states a step may start from and the state it ends
in. `Machine.take` is the only way a status changes: inside the caller's transaction it
re-reads the row with `select_for_update()` and checks the step against what is stored,
not against the caller's copy, so two people acting at once (an approval and a reopening,
a proposal and a return) are put one after the other and the second sees the first's
result. Writers of the approved content hold the same row (`Machine.hold`) or, for the
journal whose months have no row until approved, the month's lock (`journal.rollups.hold`),
so content cannot change between the check that it is complete and the approval.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Step:
    sources: frozenset[str | None]  # None: the record has no row yet
    target: str


@dataclass(frozen=True)
class Machine:
    steps: Mapping[str, Step]
    locked: frozenset[str]  # states in which the approved content may not change

    def take(
        self,
        rows: QuerySet[Any],
        action: str,
        refusal: str | Callable[[str | None], str],
        *,
        create: Callable[[], Model] | None = None,
    ) -> tuple[Any, str | None]:
        """Lock the record (the one row of `rows`, or a new one from `create` when the step
        may start from nothing) and move it to the step's target state, unsaved. Returns the
        row and the state it was in; refuses with `refusal` (or `refusal(state)`) when the
        step may not start from the stored state. Call inside `transaction.atomic()`."""
        step = self.steps[action]
        row: Any = rows.select_for_update().first()
        current = None if row is None else row.status
        if current not in step.sources:
            raise ValidationError(refusal(current) if callable(refusal) else refusal)
        if row is None:
            assert create is not None, f"{action} starts from nothing: give `create`"
            row = create()
        row.status = step.target
        return row, current

    def hold(self, record: Model, refusal: str) -> None:
        """For a writer of the approved content: lock the record's row until the transaction
        ends (a step waits meanwhile; `FOR NO KEY UPDATE`, so rows that only reference it are
        not held up), read its state again into `record`, and refuse if it is locked."""
        state = (
            type(record)
            ._default_manager.select_for_update(no_key=True)
            .filter(pk=record.pk)
            .values_list("status", flat=True)
            .first()
        )
        record.status = state  # type: ignore[attr-defined]
        if state in self.locked:
            raise ValidationError(refusal)

    def lock(self, record: Model, action: str, refusal: str | Callable[[str | None], str]) -> str | None:
        """`take` for a record the caller already has: its row re-read under the lock into
        `record` itself (the caller's copy may be older than another person's step)."""
        _row, current = self.take(type(record)._default_manager.filter(pk=record.pk), action, refusal)
        record.refresh_from_db()
        record.status = self.steps[action].target  # type: ignore[attr-defined]
        return current
