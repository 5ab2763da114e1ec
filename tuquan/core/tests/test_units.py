from __future__ import annotations

import socket
from typing import Any

import pytest

from tuquan.core import units
from tuquan.core.models import Area, AreaSuccession, Level

pytestmark = pytest.mark.django_db


def test_the_current_catalogue_has_34_provinces_and_3321_communes() -> None:
    assert Area.objects.filter(level=Level.PROVINCE).count() == 34
    assert Area.objects.filter(level=Level.COMMUNE).count() == 3321
    assert Area.objects.filter(parent__ident="14", level=Level.COMMUNE).count() == 75
    son_la = Area.objects.get(ident="14")
    assert son_la.name == "Tỉnh Sơn La" and son_la.latitude and son_la.longitude


def test_the_legacy_catalogue_keeps_63_provinces_696_districts_and_10035_communes() -> None:
    assert Area.objects.filter(level=Level.LEGACY_PROVINCE).count() == 63
    assert Area.objects.filter(level=Level.LEGACY_DISTRICT).count() == 696
    assert Area.objects.filter(level=Level.LEGACY_COMMUNE).count() == 10035
    assert not Area.objects.filter(level__in=[Level.LEGACY_COMMUNE], valid_to__isnull=True).exists()


def test_a_reused_code_names_two_different_units() -> None:
    # 00004: the new Phường Ba Đình carries old Phường Trúc Bạch's code (docs/domain.md).
    assert Area.objects.get(ident="00004").short_name == "Ba Đình"
    assert Area.objects.get(ident="legacy:00004").short_name == "Trúc Bạch"


def test_every_legacy_commune_leads_to_a_current_commune() -> None:
    orphans = Area.objects.filter(level=Level.LEGACY_COMMUNE).exclude(successor_links__isnull=False)
    assert orphans.count() == 0


def test_a_split_commune_has_several_successors_and_is_never_placed_by_guess() -> None:
    split = AreaSuccession.objects.filter(kind="part").values_list("predecessor", flat=True).distinct()
    assert len(split) == 471
    one = Area.objects.get(pk=split[0])
    assert one.successor_links.count() >= 2
    assert set(one.successor_links.values_list("kind", flat=True)) == {"part"}


def test_a_legacy_unit_knows_the_current_province_that_absorbed_it() -> None:
    # Hà Giang (old 02) merged into Tuyên Quang (08) in 2025.
    ha_giang = Area.objects.get(ident="legacy:02")
    assert ha_giang.province is not None and ha_giang.province.ident == "08"
    district = Area.objects.filter(parent=ha_giang)[0]
    assert district.province_id == ha_giang.province_id


def test_loading_again_is_idempotent_and_fast() -> None:
    before = Area.objects.count(), AreaSuccession.objects.count()
    assert units.load().get("skipped") == 1
    units.load(force=True)
    assert (Area.objects.count(), AreaSuccession.objects.count()) == before


def test_the_unit_package_never_reaches_the_network(monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    package = units.offline_package()
    with pytest.raises(units.NetworkForbidden):
        package.convert_address("12 Hàng Bông, Phường Hàng Trống, Quận Hoàn Kiếm, Hà Nội")
    # Without a street the package decides offline, and our loader never needs more.
    converted = package.convert_address("Phường Trúc Bạch, Quận Ba Đình, Hà Nội")
    assert converted.ward == "Phường Ba Đình"
