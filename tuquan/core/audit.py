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


# --- Reading the log as a sentence (issue 24: "an audit log a person can read") -----------
#
# Each row is told as "who did what to which record, where": the apps say how their records
# are named (`nouns`) and, where a change has a meaning of its own (approving a month,
# returning an entry), how it is said (`phrase`), each in its AppConfig.ready. The raw
# fields stay on the page, folded, for whoever has to trace a row.

NOUNS: dict[str, str] = {}
PHRASES: dict[str, Any] = {}
# Record types whose label is an internal key, not a name a person reads.
UNLABELLED: set[str] = set()


def nouns(names: dict[str, Any], *, unlabelled: tuple[str, ...] = ()) -> None:
    NOUNS.update(names)
    UNLABELLED.update(unlabelled)


def phrase(object_type: str, say: Any) -> None:
    """`say(entry)` returns what was done, after the person's name ("duyệt tháng 11/2026 của
    Bản Nà Khoang"), or None to fall back on the plain "sửa hoạt động «Tuần tra»"."""
    PHRASES[object_type] = say


def _verbs() -> dict[str, str]:
    from django.utils.translation import gettext as _

    from tuquan.core.models import AuditAction

    return {
        AuditAction.CREATE: _("tạo"),
        AuditAction.UPDATE: _("sửa"),
        AuditAction.DELETE: _("xoá"),
        AuditAction.READ: _("xem dữ liệu nhạy cảm của"),
        AuditAction.EXPORT: _("xuất"),
        AuditAction.LOGIN: _("đăng nhập"),
        AuditAction.LOGIN_FAILED: _("đăng nhập không thành công"),
        AuditAction.LOGOUT: _("đăng xuất"),
        AuditAction.SECURITY: _("thay đổi bảo mật của"),
    }


def who(entry: AuditEntry) -> str:
    from django.utils.translation import gettext as _

    user = entry.actor if entry.actor_id else None
    if user is None and entry.actor_username == "console":
        # core.actors.CONSOLE: a command run on the server (imports, the demo, jobs).
        return _("Hệ thống (lệnh trên máy chủ)")
    name = getattr(user, "full_name", "") or ""
    if name and entry.actor_username:
        return f"{name} ({entry.actor_username})"
    return name or entry.actor_username or _("Hệ thống")


def noun(entry: AuditEntry) -> str:
    from django.apps import apps

    if entry.object_type in NOUNS:
        return str(NOUNS[entry.object_type])
    try:
        return str(apps.get_model(entry.object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return entry.object_type


def describe(entry: AuditEntry) -> str:
    """The row as a sentence in the reader's language, e.g. "Lèo Văn Mòn (xa) duyệt tháng
    11/2026 của Bản Nà Khoang"."""
    from tuquan.core.models import AuditAction

    said = PHRASES[entry.object_type](entry) if entry.object_type in PHRASES else None
    if not said:
        verb = _verbs().get(entry.action, entry.action)
        if entry.action in (AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.LOGOUT):
            said = verb
        else:
            label = (
                f" «{entry.object_label}»"
                if entry.object_label and entry.object_type not in UNLABELLED
                else ""
            )
            said = f"{verb} {noun(entry)}{label}"
            if entry.area_id and entry.area is not None:
                said += f" — {entry.area.name}"
    return f"{who(entry)} {said}"


def detail_lines(entry: AuditEntry) -> list[str]:
    """The row's raw fields, one "name: value" line each, for the folded detail."""
    lines = [f"{entry.object_type} #{entry.object_id}" if entry.object_id else entry.object_type]
    for key, value in (entry.details or {}).items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        lines.append(f"{key}: {value}")
    return [line for line in lines if line]
