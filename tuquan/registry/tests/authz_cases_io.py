"""Authorization cases for the workbook pages (collected by the matrix test).

Export: whoever reads people over the whole area; a leader or member sees the commune only
as an ancestor of their village (403), other communes and provinces do not exist for them
(404). Upload: an empty post is refused input (422) for those who write the registry, 403
for the others. An import's page belongs to whoever uploaded the file.
"""

from __future__ import annotations

from typing import Any

from tuquan.core.tests.matrix import Case, expect

EXPORTERS = expect(200, bob=404, erin=404, linh=403, minh=403)
FAR_EXPORTERS = expect(404, sam=200, erin=200)
UPLOADERS = expect(403, sam=422, charlie=422, alice=422, bob=422, erin=422)


def commune(w: Any, where: str) -> str:
    return (w.commune if where == "inside" else w.far_commune).ident


def job(w: Any, where: str) -> int:
    """An upload by Phiêng Khoài's officer (inside), or by Lai Châu's administrator (outside)."""
    from tuquan.registry.models import ImportJob

    owner = w.alice if where == "inside" else w.erin
    return ImportJob.objects.create(actor=owner, filename="so-theo-doi.xlsx", status="done", progress=100).pk


CASES: dict[str, Case] = {
    "so-theo-doi/xuat/<str:ident>/": Case(
        lambda w, x: f"/so-theo-doi/xuat/{commune(w, x)}/", EXPORTERS, FAR_EXPORTERS
    ),
    "so-theo-doi/nhap/": Case(lambda w, _: "/so-theo-doi/nhap/", UPLOADERS, method="post"),
    "so-theo-doi/nhap/<int:pk>/": Case(
        lambda w, x: f"/so-theo-doi/nhap/{job(w, x)}/", expect(404, alice=200), expect(404, erin=200)
    ),
}
