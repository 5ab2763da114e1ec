from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tuquan.core import selectors
from tuquan.core.models import Area, Level

# Far beyond any list, and within the 64-bit OFFSET every database takes (a larger number
# was a 500 found by Schemathesis).
MAX_OFFSET = 1_000_000_000

router = Router(tags=["Địa bàn"])


class AreaOut(Schema):
    id: str = Field(..., description='Định danh theo hợp đồng chung: "14", "04099", "legacy:124", "04099.3"')
    code: str
    level: str
    kind: str
    name: str
    short_name: str
    parent_id: str | None
    latitude: float | None
    longitude: float | None
    valid_from: date | None
    valid_to: date | None

    @staticmethod
    def from_area(a: Area) -> AreaOut:
        return AreaOut(
            id=a.ident,
            code=a.code,
            level=a.level,
            kind=a.kind,
            name=a.name,
            short_name=a.short_name,
            parent_id=a.parent.ident if a.parent_id and a.parent else None,
            latitude=a.latitude,
            longitude=a.longitude,
            valid_from=a.valid_from,
            valid_to=a.valid_to,
        )


class AreaList(Schema):
    items: list[AreaOut]
    count: int


class AreaFilter(Schema):
    level: Level | None = None
    q: str = Field("", description="Tìm không dấu: “son la”, “dak lak”")
    limit: int = Field(1000, ge=1, le=5000)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _page(qs: QuerySet[Area], limit: int, offset: int) -> AreaList:
    return AreaList(**listing(qs, limit, offset, AreaOut.from_area))


@router.get("", response=AreaList, summary="Danh sách địa bàn trong phạm vi của bạn")
def area_list(request: HttpRequest, filters: Query[AreaFilter]) -> AreaList:
    qs = selectors.area_list(request.user, level=filters.level, q=filters.q)
    return _page(qs, filters.limit, filters.offset)


@router.get("/{ident}", response=AreaOut, summary="Một địa bàn theo mã")
def area_get(request: HttpRequest, ident: str) -> AreaOut:
    return AreaOut.from_area(selectors.area_get_for_user(request.user, ident))


@router.get("/{ident}/children", response=AreaList, summary="Các địa bàn trực thuộc")
def area_children(
    request: HttpRequest,
    ident: str,
    limit: int = Query(1000, ge=1, le=5000),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=MAX_OFFSET),  # type: ignore[type-arg]
) -> AreaList:
    area = selectors.area_get_for_user(request.user, ident)
    return _page(selectors.area_children(request.user, area).select_related("parent"), limit, offset)


# --- shared by every app's API ------------------------------------------------------------


class Page(Schema):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def listing(qs: QuerySet[Any], limit: int, offset: int, out: Callable[[Any], Any]) -> dict[str, Any]:
    """Every list of the API answers {"items": [...], "count": N}: one page, and the total."""
    rows = list(qs[offset : offset + limit])
    return {"items": [out(r) for r in rows], "count": qs.count()}


def page_of(qs: QuerySet[Any], page: Page, out: Callable[[Any], Any]) -> dict[str, Any]:
    return listing(qs, page.limit, page.offset, out)


def area_of(request: HttpRequest, ident: str) -> Area:
    return selectors.area_get_for_user(request.user, ident)


def area_or_none(request: HttpRequest, ident: str) -> Area | None:
    return area_of(request, ident) if ident else None
