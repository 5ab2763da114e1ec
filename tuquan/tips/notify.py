"""Notices to officers: in-app (TipNotice rows, written by the services), e-mail through
Django's configured backend (SMTP in production), and a channel interface for SMS or Zalo.

Nothing sent outside the system carries a tip's content or anything about the resident:
only that a tip arrived for a commune, and its short reference. The default extra channel
only logs that a notice went to an officer account (by id).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tuquan.accounts.models import User
from tuquan.core.roles import ROLE_CAPS, Cap

log = logging.getLogger(__name__)


class Channel(Protocol):
    def send(self, user: Any, subject: str, text: str) -> None: ...


class LogChannel:
    """The default SMS/Zalo stand-in: records that a notice was sent, to which account id."""

    def send(self, user: Any, subject: str, text: str) -> None:
        log.info("tip notice sent to user id %s", user.pk)


class EmailChannel:
    def send(self, user: Any, subject: str, text: str) -> None:
        if user.email:
            send_mail(subject, text, None, [user.email], fail_silently=True)


BUILTIN = {"log": LogChannel, "email": EmailChannel}


def channels() -> list[Channel]:
    names = getattr(settings, "TUQUAN_TIP_CHANNELS", ["email", "log"])
    found: list[Channel] = []
    for name in names:
        cls: Any = BUILTIN.get(name) or import_string(name)
        found.append(cls())
    return found


def officers_for(tip: Any) -> list[Any]:
    """Active accounts holding tip triage over the tip's commune (commune officers, then
    the province and the system administrators only when the commune has none)."""
    roles = [r for r, caps in ROLE_CAPS.items() if Cap.TIP_TRIAGE in caps]
    users = User.objects.filter(is_active=True, assignments__role__in=roles).distinct()
    commune = list(users.filter(assignments__area=tip.commune))
    if commune:
        return commune
    ancestors = tip.commune.ancestor_idents()
    return list(users.filter(assignments__area__ident__in=ancestors))


def _send(users: list[Any], subject: str, text: str) -> None:
    for channel in channels():
        for user in users:
            try:
                channel.send(user, subject, text)
            except Exception:  # a channel failing must not lose the tip or the other notices
                log.warning("tip notice channel %s failed", type(channel).__name__)


def send_new_tip(tip: Any, users: list[Any]) -> None:
    subject = _("[Tự Quản] Tin báo mới %(ref)s") % {"ref": tip.ref}
    text = _("Có tin báo mới %(ref)s gửi %(c)s. Mở “Tin báo” trong hệ thống để xem.") % {
        "ref": tip.ref,
        "c": tip.commune.name,
    }
    _send(users, subject, text)


def send_message_notice(tip: Any, users: list[Any]) -> None:
    subject = _("[Tự Quản] Tin báo %(ref)s có tin nhắn mới") % {"ref": tip.ref}
    text = _("Người báo tin %(ref)s đã nhắn thêm. Mở “Tin báo” trong hệ thống để xem.") % {"ref": tip.ref}
    _send(users, subject, text)
