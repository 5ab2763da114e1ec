"""The audit log's one writer. Its own module (not `services`) because reads append to it
too: a selector that shows sensitive data records who read it, and selectors never import
services (the layers' rule, `lint-imports`)."""

from __future__ import annotations

from typing import Any

from django.db import models

from tuquan.core.actors import Actor, account_of
from tuquan.core.models import Area, AuditEntry


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    area: Area | None = None,
    label: str = "",
    details: dict[str, Any] | None = None,
    object_type: str = "",
) -> AuditEntry:
    """Append one audit entry. `details` must never carry personal data: name the fields."""
    user = account_of(actor)
    return AuditEntry.objects.create(
        actor=user,
        actor_username=getattr(actor, "username", "") or "",
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None else "",
        object_label=label[:200],
        area=area,
        area_path=area.path if area is not None else "",
        details=details or {},
    )
