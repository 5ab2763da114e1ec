"""The officers' side of the tip line over JSON: the inbox and the triage actions, scoped
like the pages (403 without tip triage, 404 for a tip outside the officer's area)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from tuquan.core.api import Page, area_or_none, page_of
from tuquan.journal import selectors as journal_selectors
from tuquan.registry import selectors as registry_selectors
from tuquan.tips import selectors, services
from tuquan.tips.models import Tip, TipCategory, TipState

router = Router(tags=["Tin báo"])


class TipFilter(Page):
    state: str = ""
    area: str = Field("", description='Định danh địa bàn: xã "04099", thôn "04099.1"')


class MessageOut(Schema):
    sender: str
    body: str
    asks_more: bool
    created_at: datetime


class TipOut(Schema):
    uid: UUID
    ref: str
    area_id: str
    commune_id: str
    category: TipCategory
    state: TipState
    text: str
    when_text: str
    place_text: str
    vneid_ref: str
    has_identity: bool
    photos: int
    received_at: datetime
    first_response_at: datetime | None
    untouched: bool
    handed_to: str
    duplicate_of: UUID | None
    linked_entry: UUID | None
    linked_team: UUID | None
    messages: list[MessageOut] | None = None

    @staticmethod
    def of(tip: Tip, *, full: bool = False) -> TipOut:
        return TipOut(
            uid=tip.uid,
            ref=tip.ref,
            area_id=tip.area.ident,
            commune_id=tip.commune.ident,
            category=TipCategory(tip.category),
            state=TipState(tip.state),
            text=tip.text,
            when_text=tip.when_text,
            place_text=tip.place_text,
            vneid_ref=tip.vneid_ref,
            has_identity=tip.has_identity,
            photos=getattr(tip, "photo_count", None) or tip.photos.count(),
            received_at=tip.received_at,
            first_response_at=tip.first_response_at,
            untouched=selectors.is_untouched(tip),
            handed_to=tip.handed_to,
            duplicate_of=tip.duplicate_of.uid if tip.duplicate_of_id and tip.duplicate_of else None,
            linked_entry=tip.linked_entry.uid if tip.linked_entry_id and tip.linked_entry else None,
            linked_team=tip.linked_team.uid if tip.linked_team_id and tip.linked_team else None,
            messages=[
                MessageOut(sender=m.sender, body=m.body, asks_more=m.asks_more, created_at=m.created_at)
                for m in tip.messages.all()
            ]
            if full
            else None,
        )


class TipList(Schema):
    items: list[TipOut]
    count: int


class StateIn(Schema):
    state: TipState
    handed_to: str = ""
    duplicate_of: UUID | None = None
    note: str = ""


class ReplyIn(Schema):
    body: str = ""
    template: str = ""
    asks_more: bool = False


class LinkIn(Schema):
    entry: UUID | None = None
    team: UUID | None = None


@router.get("", response=TipList, summary="Tin báo trong địa bàn của bạn (cán bộ xử lý tin báo)")
def tip_list(request: HttpRequest, filters: Query[TipFilter]) -> dict[str, Any]:
    area = area_or_none(request, filters.area)
    qs = selectors.tip_inbox(request.user, state=filters.state, area=area).select_related(
        "duplicate_of", "linked_entry", "linked_team"
    )
    return page_of(qs, filters, TipOut.of)


@router.get("/{uid}", response=TipOut, summary="Một tin báo, với trao đổi")
def tip_get(request: HttpRequest, uid: UUID) -> TipOut:
    return TipOut.of(selectors.tip_get_for_user(request.user, uid), full=True)


@router.post("/{uid}/state", response=TipOut, summary="Đổi trạng thái (có thời gian và cán bộ)")
def tip_state(request: HttpRequest, uid: UUID, payload: StateIn) -> TipOut:
    tip = selectors.tip_get_for_user(request.user, uid)
    other = selectors.tip_get_for_user(request.user, payload.duplicate_of) if payload.duplicate_of else None
    services.tip_set_state(
        actor=request.user,
        tip=tip,
        state=payload.state,
        handed_to=payload.handed_to,
        duplicate_of=other,
        note=payload.note,
    )
    return TipOut.of(tip, full=True)


@router.post(
    "/{uid}/messages", response={201: TipOut}, summary="Trả lời người báo tin, hoặc đề nghị thêm thông tin"
)
def tip_reply(request: HttpRequest, uid: UUID, payload: ReplyIn) -> Status[TipOut]:
    tip = selectors.tip_get_for_user(request.user, uid)
    services.tip_reply(
        actor=request.user, tip=tip, body=payload.body, template=payload.template, asks_more=payload.asks_more
    )
    return Status(201, TipOut.of(tip, full=True))


@router.post("/{uid}/link", response=TipOut, summary="Liên kết với một hoạt động trong nhật ký hoặc một tổ")
def tip_link(request: HttpRequest, uid: UUID, payload: LinkIn) -> TipOut:
    tip = selectors.tip_get_for_user(request.user, uid)
    entry = journal_selectors.entry_get_for_user(request.user, payload.entry) if payload.entry else None
    team = registry_selectors.team_get_for_user(request.user, payload.team) if payload.team else None
    services.tip_link(actor=request.user, tip=tip, entry=entry, team=team)
    return TipOut.of(tip, full=True)
