"""Names are listed in Vietnamese dictionary order: letters first (a ă â b c d đ e ê …), tones
only between names with the same letters, and the same on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from tuquan.core.models import Area, Level
from tuquan.core.text import sort_key

# The reference, written out by hand rather than computed: each row is one letter of the
# alphabet in order; a vowel's row lists it with its tones in order (ngang, huyền, sắc, hỏi,
# ngã, nặng).
ROWS = [
    "aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ", "b", "c", "d", "đ", "eèéẻẽẹ", "êềếểễệ", "f", "g", "h",
    "iìíỉĩị", "j", "k", "l", "m", "n", "oòóỏõọ", "ôồốổỗộ", "ơờớởỡợ", "p", "q", "r", "s", "t",
    "uùúủũụ", "ưừứửữự", "v", "w", "x", "yỳýỷỹỵ", "z",
]  # fmt: skip
REFERENCE = {ch: (letter, tone) for letter, row in enumerate(ROWS) for tone, ch in enumerate(row)}


def reference(name: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(letters with -1 for a word break, tones): compared letters first, then tones."""
    letters: list[int] = []
    tones: list[int] = []
    for word in name.lower().split():
        if letters:
            letters.append(-1)
        for ch in word:
            letter, tone = REFERENCE[ch]
            letters.append(letter)
            tones.append(tone)
    return tuple(letters), tuple(tones)


def in_order(names: list[str]) -> bool:
    keys = [sort_key(n) for n in names]
    return keys == sorted(keys) and len(set(keys)) == len(keys)


def test_ca_mau_comes_before_cao_bang() -> None:
    assert in_order(["Cà Mau", "Cao Bằng"])


def test_ha_noi_comes_before_hue() -> None:
    assert in_order(["Hà Giang", "Hà Nội", "Hà Tĩnh", "Huế"])


def test_da_nang_comes_after_every_name_beginning_with_d() -> None:
    assert in_order(["Dak Lak", "Di Linh", "Dương Minh Châu", "Đà Nẵng", "Điện Biên", "Đồng Tháp", "Eakar"])


def test_letters_with_marks_are_letters_of_their_own() -> None:
    assert in_order(["Anh", "Ăn", "Ân", "Bắc", "Em", "Êm", "Ong", "Ông", "Ơn", "Ung", "Ưng", "Vân"])


def test_tones_count_only_between_names_with_the_same_letters() -> None:
    assert in_order(["Ca", "Cà", "Cá", "Cả", "Cã", "Cạ", "Cac", "Cách"])
    assert in_order(["Ma", "Mà", "Má", "Mả", "Mã", "Mạ", "Man"])


def test_case_and_composed_or_decomposed_typing_do_not_change_the_key() -> None:
    assert sort_key("HÀ NỘI") == sort_key("hà nội") == sort_key("Ha\u0300 No\u0302\u0323i")


def test_numbers_in_names_compare_by_value() -> None:
    assert in_order(["Thôn 1", "Thôn 2", "Thôn 10", "Thôn Bắc"])


def test_the_key_is_plain_lowercase_ascii_so_no_collation_reorders_it() -> None:
    assert re.fullmatch(r"[a-z]+", sort_key("Tổ dân phố 5 - Đồng Xoài (phường Ⅱ) 中"))


vowel_or_consonant = st.sampled_from([ch for row in ROWS for ch in row] + [row[0].upper() for row in ROWS])
names = st.lists(st.text(vowel_or_consonant, min_size=1, max_size=6), min_size=1, max_size=3).map(" ".join)


@st.composite
def near_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Two names, often nearly alike (the cases an order gets wrong): the same letters with
    other tones, one letter moved to a neighbour in the alphabet, one name extending the
    other, or two unrelated names."""
    a = draw(names)
    how = draw(st.sampled_from(["retone", "neighbour", "extend", "unrelated"]))
    if how == "unrelated":
        return a, draw(names)
    if how == "extend":
        return a, a + draw(st.sampled_from(["", " "])) + draw(names)
    chars = list(a.lower())
    spots = [i for i, ch in enumerate(chars) if ch != " "]
    if how == "retone":
        for i in spots:
            row = ROWS[REFERENCE[chars[i]][0]]
            chars[i] = row[draw(st.integers(0, len(row) - 1))]
    else:
        i = draw(st.sampled_from(spots))
        letter, tone = REFERENCE[chars[i]]
        row = ROWS[min(max(letter + draw(st.sampled_from([-1, 1])), 0), len(ROWS) - 1)]
        chars[i] = row[tone if tone < len(row) else 0]
    return a, "".join(chars)


@settings(max_examples=500)  # a pure function: cheap, and the near misses are rare draws
@given(near_pairs())
def test_the_key_orders_names_as_letters_then_tones(pair: tuple[str, str]) -> None:
    a, b = pair
    by_key = (sort_key(a) > sort_key(b)) - (sort_key(a) < sort_key(b))
    by_reference = (reference(a) > reference(b)) - (reference(a) < reference(b))
    assert by_key == by_reference


# The listed pages, on whichever database the tests run (DATABASE_URL for PostgreSQL).


def assert_provinces_in_vietnamese_order(short_names: list[str]) -> None:
    assert len(short_names) == 34
    assert short_names == sorted(short_names, key=reference_of_province)
    assert short_names.index("Cà Mau") < short_names.index("Cao Bằng")
    assert short_names.index("Hà Nội") < short_names.index("Huế")
    first_dd = min(i for i, n in enumerate(short_names) if n.startswith("Đ"))
    assert all(i < first_dd for i, n in enumerate(short_names) if n.startswith("D"))


def reference_of_province(name: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return reference(name.replace("-", " "))


@pytest.mark.django_db
def test_the_api_lists_the_provinces_in_vietnamese_order(world: Any) -> None:
    client = Client()
    client.force_login(world.sam)
    items = client.get("/api/v1/areas?level=province").json()["items"]
    assert_provinces_in_vietnamese_order([i["short_name"] for i in items])


@pytest.mark.django_db
def test_the_country_page_lists_the_provinces_in_vietnamese_order(world: Any) -> None:
    client = Client()
    client.force_login(world.sam)
    page = client.get("/dia-ban/VN/").content.decode()
    short = dict(Area.objects.filter(level=Level.PROVINCE).values_list("ident", "short_name"))
    listed = [short[i] for i in re.findall(r'href="/dia-ban/([^/"]+)/"', page) if i in short]
    assert_provinces_in_vietnamese_order(listed)


@pytest.mark.django_db
def test_a_renamed_village_moves_to_its_new_place_in_the_list(world: Any) -> None:
    from tuquan.core import selectors, services
    from tuquan.core.actors import CONSOLE

    services.village_create(actor=CONSOLE, commune=world.commune, kind="Bản", name="Pa")
    listed = [a.short_name for a in selectors.area_list(world.alice, level=Level.VILLAGE)]
    assert listed.index("Nà Khoang") < listed.index("Pa")
    village = Area.objects.get(pk=world.village.pk)
    services.village_rename(actor=CONSOLE, village=village, kind="Bản", name="Xoan")
    listed = [a.short_name for a in selectors.area_list(world.alice, level=Level.VILLAGE)]
    assert listed.index("Pa") < listed.index("Xoan")
