"""Authorization cases for the official report, the dashboard and the notice.

Figures are read only inside one's own subtree: a team leader's village grant shows the
commune's name (an ancestor) but not its dashboard or reports."""

from __future__ import annotations

from typing import Any

from tuquan.core.tests.matrix import Case, expect

READERS = expect(404, sam=200, charlie=200, dana=200, alice=200, quang=200)
FAR_READERS = expect(404, sam=200, erin=200)
TEMPLATE_EDITORS = expect(403, sam=200, charlie=200, erin=404)


def commune(w: Any, where: str) -> str:
    return str((w.commune if where == "inside" else w.far_commune).ident)


def province(w: Any, where: str) -> str:
    return str((w.province if where == "inside" else w.far_province).ident)


def issued(w: Any, where: str) -> str:
    return str((w.issued if where == "inside" else w.far_issued).uid)


CASES: dict[str, Case] = {
    "tong-quan/": Case(lambda w, _: "/tong-quan/", expect(302)),
    "tong-quan/<str:ident>/": Case(lambda w, x: f"/tong-quan/{commune(w, x)}/", READERS, FAR_READERS),
    "tong-quan/<str:ident>/thong-bao/": Case(
        lambda w, x: f"/tong-quan/{commune(w, x)}/thong-bao/", READERS, FAR_READERS
    ),
    "van-ban/": Case(lambda w, _: "/van-ban/", expect(200)),
    "van-ban/ban-nhap.<slug:fmt>": Case(
        lambda w, x: f"/van-ban/ban-nhap.docx?area={commune(w, x)}&start=01/01/2025&end=31/03/2025",
        READERS,
        FAR_READERS,
    ),
    "van-ban/xem-truoc/": Case(
        lambda w, x: f"/van-ban/xem-truoc/?area={commune(w, x)}&start=01/01/2025&end=31/03/2025",
        READERS,
        FAR_READERS,
    ),
    "van-ban/<uuid:uid>/": Case(lambda w, x: f"/van-ban/{issued(w, x)}/", READERS, FAR_READERS),
    "van-ban/<uuid:uid>/tai.<slug:fmt>": Case(
        lambda w, x: f"/van-ban/{issued(w, x)}/tai.docx", READERS, FAR_READERS
    ),
    "mau-bao-cao/<str:ident>/": Case(
        lambda w, x: f"/mau-bao-cao/{province(w, x)}/", TEMPLATE_EDITORS, FAR_READERS
    ),
}
