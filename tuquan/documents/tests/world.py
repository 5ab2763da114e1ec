"""Issued reports for the authorization matrix: one for Phiêng Khoài (inside alice's area)
and one for a Lai Châu commune (outside)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any


def build(world: Any) -> dict[str, Any]:
    from tuquan.documents.models import IssuedReport

    made: dict[str, Any] = {}
    for prefix, area in (("", world.commune), ("far_", world.far_commune)):
        made[f"{prefix}issued"] = IssuedReport.objects.create(
            area=area,
            start=date(2025, 1, 1),
            end=date(2025, 12, 31),
            number="1/BC-CAX",
            issued_on=date(2026, 1, 5),
            subject="Tổng kết năm 2025",
            issuing_body=f"CÔNG AN {area.name}".upper(),
            signer_name="Lò Văn A",
            signer_title="TRƯỞNG CÔNG AN",
            recipients=["Công an tỉnh"],
            figures_json="{}",
            figures_sha256=hashlib.sha256(b"{}").hexdigest(),
            docx=b"PK",
            docx_sha256=hashlib.sha256(b"PK").hexdigest(),
            pdf=b"%PDF-1.7",
        )
    return made
