"""The tip line's part of the test world: a tip with a photo and the sender's identity in
Bản Nà Khoang (alice's commune, assigned to her) and one in Lai Châu (assigned to erin)."""

from __future__ import annotations

import io
from typing import Any


def small_jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def build(world: Any) -> dict[str, Any]:
    from tuquan.tips import services

    made: dict[str, Any] = {}
    for prefix, village, officer in (
        ("", world.village, world.alice),
        ("far_", world.far_village, world.erin),
    ):
        tip, _code = services.tip_submit(
            area=village,
            category="drugs",
            text="Có người lạ hay tụ tập sau nhà văn hoá lúc nửa đêm.",
            name="Người thử nghiệm",
            phone="0900000001",
            photos=[small_jpeg()],
        )
        services.tip_set_state(actor=officer, tip=tip, state="checking")
        made[f"{prefix}tip"] = tip
    return made
