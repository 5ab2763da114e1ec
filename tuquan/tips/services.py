"""Every write of the tip line: a resident's tip and messages, the officer's triage, the purge.

A resident has no account: their writes carry no actor and leave no audit entry (an entry's
exact time and an actor field would be identifying metadata); the tip's own rows are the
record, their times kept to the hour. Officers' writes are audited like every other write.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.actors import acting_user
from tuquan.core.actors import Actor
from tuquan.core.models import Area, AuditAction, Level
from tuquan.core.services import audit_record
from tuquan.tips import images, notify, permissions, receipt
from tuquan.tips.models import (
    TRANSITIONS,
    RateCounter,
    Sender,
    Tip,
    TipCategory,
    TipEvent,
    TipMessage,
    TipNotice,
    TipPhoto,
    TipState,
)

log = logging.getLogger(__name__)

MAX_TEXT = 5000
MAX_SHORT = 300
MAX_MESSAGE = 3000
MAX_PHOTOS = 3

REPLY_TEMPLATES: dict[str, str] = {
    "received": "Công an xã đã nhận tin và đang xác minh. Cảm ơn bạn đã cung cấp thông tin.",
    "more_info": "Bạn có thể cho biết thêm thời gian, địa điểm cụ thể và hành vi bạn đã thấy không?",
    "valuable": "Tin của bạn có giá trị và đã được xử lý. Cảm ơn bạn.",
    "handed_over": "Tin của bạn đã được chuyển đến đơn vị có thẩm quyền để giải quyết.",
    "closed": "Tin báo đã được xử lý xong. Nếu có thêm thông tin, bạn có thể gửi tiếp tại đây.",
}


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def hour(moment: datetime) -> datetime:
    """A resident's time kept to the hour: an exact time could be matched to network logs."""
    return moment.replace(minute=0, second=0, microsecond=0)


# --- rate limits (counters keyed by commune or by a hashed code prefix, never a sender) ----


def _window(now: datetime) -> datetime:
    return hour(now)


def rate_count(key: str, now: datetime | None = None) -> int:
    row = RateCounter.objects.filter(key=key, window=_window(now or timezone.now())).first()
    return row.count if row else 0


def rate_add(key: str, now: datetime | None = None) -> None:
    window = _window(now or timezone.now())
    updated = RateCounter.objects.filter(key=key, window=window).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, window=window, count=1)
        except IntegrityError:
            RateCounter.objects.filter(key=key, window=window).update(count=F("count") + 1)


# --- the resident's side -----------------------------------------------------------------


def _commune_of(area: Area) -> Area:
    if area.is_legacy or area.valid_to is not None:
        raise ValidationError({"place": _("Hãy chọn xã, phường hiện nay.")})
    if area.level == Level.COMMUNE:
        return area
    if area.level == Level.VILLAGE and area.parent is not None:
        return area.parent
    raise ValidationError({"place": _("Hãy chọn xã, phường (và thôn, tổ dân phố nếu biết).")})


def _limited(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: _("Quá dài (tối đa %(n)s ký tự).") % {"n": limit}})
    return value


def tip_submit(
    *,
    area: Area,
    category: str,
    text: str,
    when_text: str = "",
    place_text: str = "",
    vneid_ref: str = "",
    name: str = "",
    phone: str = "",
    photos: Sequence[bytes | images.CleanPhoto] | None = None,
) -> tuple[Tip, str]:
    """Accept a resident's tip; return it with the receipt code (shown once, never stored)."""
    commune = _commune_of(area)
    errors: dict[str, list[str]] = {}
    if category not in TipCategory.values:
        errors["category"] = [_("Hãy chọn loại tin.")]
    text = (text or "").strip()
    if len(text) < 10:
        errors["text"] = [_("Hãy mô tả sự việc (ít nhất 10 ký tự).")]
    if errors:
        raise ValidationError(errors)
    text = _limited(text, "text", MAX_TEXT)
    photos = photos or []
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Tối đa %(n)s ảnh.") % {"n": MAX_PHOTOS}})
    # A photo held across a refused post (see tips/held.py) was cleaned when it arrived.
    cleaned = [p if isinstance(p, images.CleanPhoto) else images.clean(p) for p in photos]
    now = timezone.now()
    commune_key, global_key = f"submit:{commune.pk}", "submit:all"
    if rate_count(commune_key, now) >= setting("TUQUAN_TIP_LIMIT_COMMUNE_HOUR", 30) or rate_count(
        global_key, now
    ) >= setting("TUQUAN_TIP_LIMIT_GLOBAL_HOUR", 300):
        raise ValidationError(
            _("Hệ thống đang nhận quá nhiều tin báo. Vui lòng gửi lại sau ít phút hoặc gọi 113.")
        )
    with transaction.atomic():
        rate_add(commune_key, now)
        rate_add(global_key, now)
        code = receipt.new_code()
        while Tip.objects.filter(receipt_hash=receipt.keyed_hash(code)).exists():
            code = receipt.new_code()
        name = _limited(name, "name", 150)
        phone = _limited(phone, "phone", 30)
        tip = Tip(
            receipt_hash=receipt.keyed_hash(code),
            area=area,
            commune=commune,
            category=category,
            text=text,
            when_text=_limited(when_text, "when_text", MAX_SHORT),
            place_text=_limited(place_text, "place_text", MAX_SHORT),
            vneid_ref=_limited(vneid_ref, "vneid_ref", 60),
            reporter_name=name,
            reporter_phone=phone,
            has_identity=bool(name or phone),
            received_at=hour(now),
            awaiting_since=hour(now),
        )
        tip.full_clean()
        tip.save()
        for photo in cleaned:
            TipPhoto.objects.create(
                tip=tip, data=photo.b64, width=photo.width, height=photo.height, size=len(photo.jpeg)
            )
        recipients = notify.officers_for(tip)
        for user in recipients:
            TipNotice.objects.create(
                user=user,
                tip=tip,
                text=_("Tin báo mới %(ref)s tại %(c)s") % {"ref": tip.ref, "c": commune.name},
            )
        transaction.on_commit(lambda: notify.send_new_tip(tip, recipients))
    return tip, code


class Throttled(ValidationError):
    pass


def tip_find(code_text: str) -> Tip | None:
    """The tip of a receipt code, or None. Failed attempts are counted overall and per code
    prefix (as a keyed hash); past either limit every lookup waits for the next hour."""
    now = timezone.now()
    code = receipt.normalize(code_text)
    prefix_key = receipt.prefix_key(code or (code_text or "")[:5])
    if rate_count("lookup:all", now) >= setting("TUQUAN_TIP_LOOKUP_FAILURES_HOUR", 300) or rate_count(
        prefix_key, now
    ) >= setting("TUQUAN_TIP_LOOKUP_PREFIX_FAILURES_HOUR", 10):
        raise Throttled(_("Đã có quá nhiều lần nhập sai mã. Vui lòng thử lại sau một giờ."))
    tip = Tip.objects.filter(receipt_hash=receipt.keyed_hash(code)).first() if code else None
    if tip is None:
        with transaction.atomic():
            rate_add("lookup:all", now)
            rate_add(prefix_key, now)
    return tip


def tip_resident_message(*, tip: Tip, body: str) -> TipMessage:
    body = _limited(body, "body", MAX_MESSAGE)
    if not body:
        raise ValidationError({"body": _("Hãy nhập nội dung.")})
    if tip.purged_at is not None:
        raise ValidationError(_("Tin báo này đã kết thúc và được xoá nội dung."))
    now = timezone.now()
    with transaction.atomic():
        message = TipMessage(tip=tip, sender=Sender.RESIDENT, body=body, created_at=hour(now))
        message.full_clean()
        message.save()
        tip.awaiting_since = tip.awaiting_since or hour(now)
        tip.save(update_fields=["awaiting_since"])
        recipients: list[Any] = [tip.assigned_to] if tip.assigned_to_id else notify.officers_for(tip)
        for user in recipients:
            TipNotice.objects.create(
                user=user, tip=tip, text=_("Người báo tin %(ref)s đã nhắn thêm") % {"ref": tip.ref}
            )
        transaction.on_commit(lambda: notify.send_message_notice(tip, recipients))
    return message


# --- the officer's side ------------------------------------------------------------------


def require_triage(actor: Actor, tip: Tip) -> None:
    """Raise for the views and services that act on a tip (the decision is the permission's)."""
    if not permissions.can_triage_tip(actor, tip):
        raise PermissionDenied(_("Bạn không xử lý tin báo của địa bàn này."))


def _touch(tip: Tip, now: datetime) -> list[str]:
    """An officer acted: nothing is waiting any more, the first response is recorded."""
    tip.awaiting_since = None
    fields = ["awaiting_since"]
    if tip.first_response_at is None:
        tip.first_response_at = now
        fields.append("first_response_at")
    return fields


def tip_set_state(
    *,
    actor: Actor,
    tip: Tip,
    state: str,
    handed_to: str = "",
    duplicate_of: Tip | None = None,
    note: str = "",
) -> Tip:
    require_triage(actor, tip)
    errors: dict[str, list[str]] = {}
    if state not in TipState.values:
        errors["state"] = [_("Trạng thái không hợp lệ.")]
    elif state not in TRANSITIONS[tip.state]:
        errors["state"] = [
            _("Không chuyển được từ “%(a)s” sang “%(b)s”.")
            % {"a": tip.get_state_display(), "b": TipState(state).label}
        ]
    handed_to = (handed_to or "").strip()
    if state == TipState.HANDED_OVER and not handed_to:
        errors["handed_to"] = [_("Ghi rõ đơn vị nhận.")]
    if state == TipState.DUPLICATE:
        if duplicate_of is None:
            errors["duplicate_of"] = [_("Chọn tin báo được gộp vào.")]
        elif duplicate_of.pk == tip.pk or duplicate_of.duplicate_of_id == tip.pk:
            errors["duplicate_of"] = [_("Không gộp một tin vào chính nó.")]
        elif not permissions.can_triage_tip(actor, duplicate_of):
            errors["duplicate_of"] = [_("Tin báo kia không thuộc địa bàn của bạn.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        before = tip.state
        tip.state = state
        fields = ["state", *_touch(tip, now)]
        if state == TipState.HANDED_OVER:
            tip.handed_to = _limited(handed_to, "handed_to", 200)
            fields.append("handed_to")
        if state == TipState.DUPLICATE:
            tip.duplicate_of = duplicate_of
            fields.append("duplicate_of")
        if tip.assigned_to_id is None and acting_user(actor) is not None:
            tip.assigned_to = acting_user(actor)
            fields.append("assigned_to")
        tip.closed_at = now if state == TipState.CLOSED else None
        fields.append("closed_at")
        tip.full_clean()
        tip.save(update_fields=fields)
        event_note = tip.handed_to if state == TipState.HANDED_OVER else ""
        if state == TipState.DUPLICATE and duplicate_of is not None:
            event_note = duplicate_of.ref
        TipEvent.objects.create(
            tip=tip,
            actor=acting_user(actor),
            actor_username=getattr(actor, "username", "") or "",
            at=now,
            from_state=before,
            to_state=state,
            note=(event_note or _limited(note, "note", MAX_SHORT))[:300],
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=tip,
            area=tip.commune,
            label=str(tip),
            details={"fields": ["state"], "from": before, "to": state},
        )
    return tip


def tip_reply(
    *, actor: Actor, tip: Tip, body: str = "", template: str = "", asks_more: bool = False
) -> TipMessage:
    """The officer writes to the resident (who reads it with the receipt code)."""
    require_triage(actor, tip)
    if template and template not in REPLY_TEMPLATES:
        raise ValidationError({"template": _("Mẫu trả lời không có.")})
    body = (body or "").strip() or REPLY_TEMPLATES.get(template, "")
    body = _limited(body, "body", MAX_MESSAGE)
    if not body:
        raise ValidationError({"body": _("Hãy nhập nội dung hoặc chọn một mẫu trả lời.")})
    if tip.purged_at is not None:
        raise ValidationError(_("Tin báo này đã được xoá nội dung."))
    now = timezone.now()
    with transaction.atomic():
        message = TipMessage(
            tip=tip,
            sender=Sender.OFFICER,
            author=acting_user(actor),
            body=body,
            asks_more=asks_more,
            created_at=now,
        )
        message.full_clean()
        message.save()
        fields = _touch(tip, now)
        if tip.assigned_to_id is None:
            tip.assigned_to = acting_user(actor)
            fields.append("assigned_to")
        tip.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=message,
            area=tip.commune,
            label=str(tip),
            details={"fields": ["body"], "asks_more": asks_more, "template": template},
        )
    return message


def tip_link(*, actor: Actor, tip: Tip, entry: Any = None, team: Any = None) -> Tip:
    """Link a tip to the journal entry or team that followed it up (or unlink with None)."""
    require_triage(actor, tip)
    if entry is None and team is None:
        raise ValidationError({"entry": _("Chọn một hoạt động hoặc một tổ.")})
    with transaction.atomic():
        tip.linked_entry = entry
        tip.linked_team = team
        tip.save(update_fields=["linked_entry", "linked_team"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=tip,
            area=tip.commune,
            label=str(tip),
            details={"fields": ["linked_entry", "linked_team"]},
        )
    return tip


def notices_mark_read(*, actor: Actor, tip: Tip) -> None:
    TipNotice.objects.filter(user=acting_user(actor), tip=tip, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- retention ---------------------------------------------------------------------------


def tips_purge(*, actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """Closed tips older than the retention period lose their content, photos, messages and
    identity; the state, category, place and dates stay, so the figures survive. Tips that
    will reach the period within the warning days get a notice to their officers first."""
    now = now or timezone.now()
    retention = timedelta(days=setting("TUQUAN_TIP_RETENTION_DAYS", 365))
    warning = timedelta(days=setting("TUQUAN_TIP_PURGE_WARNING_DAYS", 14))
    base = Tip.objects.filter(state=TipState.CLOSED, purged_at__isnull=True, closed_at__isnull=False)
    purged = warned = 0
    with transaction.atomic():
        for tip in base.filter(closed_at__lte=now - retention).select_related("commune"):
            TipPhoto.objects.filter(tip=tip).delete()
            TipMessage.objects.filter(tip=tip).delete()
            for field in ("text", "when_text", "place_text", "vneid_ref", "reporter_name", "reporter_phone"):
                setattr(tip, field, "")
            tip.purged_at = now
            tip.save()
            audit_record(
                actor=actor,
                action=AuditAction.DELETE,
                obj=tip,
                area=tip.commune,
                label=str(tip),
                details={"fields": ["text", "photos", "messages", "identity"], "reason": "retention"},
            )
            purged += 1
        due = base.filter(closed_at__lte=now - retention + warning, purge_warned_at__isnull=True).exclude(
            closed_at__lte=now - retention
        )
        for tip in due.select_related("commune"):
            users: list[Any] = [tip.assigned_to] if tip.assigned_to_id else notify.officers_for(tip)
            for user in users:
                TipNotice.objects.create(
                    user=user,
                    tip=tip,
                    text=_("Tin báo %(ref)s sẽ bị xoá nội dung sau %(d)s ngày")
                    % {"ref": tip.ref, "d": warning.days},
                )
            tip.purge_warned_at = now
            tip.save(update_fields=["purge_warned_at"])
            warned += 1
        counters, _n = RateCounter.objects.filter(window__lt=now - timedelta(days=1)).delete()
    return {"purged": purged, "warned": warned, "counters": counters}
