"""The one search normalisation used everywhere (names, areas, people)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any


def normalize_search(value: str | None) -> str:
    """NFC, lowercase, accents stripped, đ→d, spaces collapsed.

    Stripping combining marks leaves "đ" alone (it is a letter, not a d with a mark), so it
    is mapped by hand. Old and new tone placement ("Hoà", "Hòa") both lose their marks and
    so compare equal.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


# Control characters no field holds: NUL breaks exports (a workbook cannot carry it) and
# PostgreSQL refuses it in text; the others are invisible and only ever arrive by accident
# or on purpose. Tab, line feed and carriage return are kept: notes have lines.
CONTROL = re.compile(
    r"[\x00-\x08\x0e-\x1f\x7f-\x9f"  # C0 (tab, line breaks kept; \v \f become lines), DEL, C1
    r"\u202a-\u202e\u2066-\u2069"  # bidirectional overrides: text that reads other than it is stored
    r"\ud800-\udfff\ufffe\uffff]"  # lone surrogates (no database stores them), non-characters
)
# Word's manual line break (vertical tab) and a form feed: pasted by accident, meant as lines.
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


def has_control(value: str) -> bool:
    return CONTROL.search(value) is not None


def nfc(value: str) -> str:
    """Vietnamese typed on one keyboard is composed (NFC), on another decomposed: stored one
    way, the same name compares equal and sorts together. Word's line breaks become lines."""
    return unicodedata.normalize("NFC", value.translate(_LINE_BREAKS))


# Vietnamese alphabetical order: the 29 letters in their dictionary order, with the four
# letters of foreign words (f, j, w, z) where the Latin alphabet puts them, so a name like
# "Wừ" still lands somewhere sensible.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# The tones in dictionary order: ngang (none), huyền, sắc, hỏi, ngã, nặng.
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_LETTER = {ch: i for i, ch in enumerate(ALPHABET)}
# The marks that make a different letter (ă â ê ô ơ ư), as opposed to tone marks.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def split_letter(ch: str) -> tuple[str, int]:
    """One lowercase character → (the letter without its tone, the tone's rank 0–5).

    "ẫ" is "â" with a ngã: the letter's own marks (breve, circumflex, horn) stay, the tone
    goes to the rank. A character that is not a Vietnamese letter comes back unchanged.
    """
    decomposed = unicodedata.normalize("NFD", ch)
    tone = 0
    kept = []
    for part in decomposed:
        if part in TONES[1:]:
            tone = TONES.index(part)
        elif not unicodedata.combining(part) or part in _LETTER_MARKS:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


# Runs of ASCII digits (numbers in names are compared by value).
_DIGITS = re.compile(r"([0-9]+)")


def _base26(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, rest = divmod(number, 26)
        digits.append(chr(ord("a") + rest))
    return "".join(reversed(digits))


def sort_key_length(name_length: int) -> int:
    """The longest key of a name of `name_length` characters (another script's letter is 6)."""
    return 6 * name_length + 1


def sort_key(value: str | None) -> str:
    """A name → a string whose plain code-point order is Vietnamese dictionary order.

    Letters are compared first ("Cà Mau" < "Cao Bằng": a space before a letter, "a" < "ao"),
    tones only between names with the same letters ("Ca" < "Cà" < "Cá"). The key is made of
    the letters a–z alone, each character (or number) a token whose first letter says its
    class (word break < number < letter < anything else) and whose length is known from its
    start, so no token is the beginning of another and every database orders it the
    same way whatever its collation: no collation needed on SQLite or PostgreSQL, and an
    ordinary index serves it. Case is ignored; punctuation counts as a word break.

    Layout: the tokens of the letters, then "a" (below every token, so a name that is a
    prefix of another comes first), then one letter per letter-token giving its tone.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).lower()
    letters: list[str] = []
    tones: list[str] = []
    pending_break = False
    for run in _DIGITS.split(text):
        if not run:
            continue
        if run[0].isdigit():
            # A number by its value, so "Thôn 2" comes before "Thôn 10": its length, then digits.
            number = run.lstrip("0") or "0"
            token = "c" + chr(ord("a") + len(number)) + "".join(chr(ord("a") + int(d)) for d in number)
            if pending_break:
                letters.append("ba")
            letters.append(token)
            pending_break = False
            continue
        for ch in run:
            pending_break = _letter_token(ch, letters, tones, pending_break)
    return "".join(letters) + "a" + "".join(tones)


def _letter_token(ch: str, letters: list[str], tones: list[str], pending_break: bool) -> bool:
    """Append the token of one character that is not a digit; returns whether a word break waits."""
    letter, tone = split_letter(ch)
    if letter in _LETTER:
        index = _LETTER[letter]  # 33 letters: classes "d" (the first 26) and "e"
        token = chr(ord("d") + index // 26) + chr(ord("a") + index % 26)
        tones.append(chr(ord("a") + tone))
    elif letter.isalnum():
        token = "z" + _base26(ord(letter), 5)  # another script: after every Vietnamese letter
    else:
        return bool(letters)  # spaces, hyphens, dots: one break between words
    if pending_break:
        letters.append("ba")
    letters.append(token)
    return False


def sort_keys_filler(*fills: tuple[str, str, str]) -> Callable[[Any, Any], None]:
    """The data migration that gives existing rows their key: for each (app, model, source
    field), every row's `sort_name` from its source (later writes set it themselves)."""

    def fill(apps: Any, schema_editor: Any) -> None:
        for app, model_name, source in fills:
            model = apps.get_model(app, model_name)
            batch = []
            for row in model.objects.only("pk", source).iterator(chunk_size=2000):
                row.sort_name = sort_key(getattr(row, source))
                batch.append(row)
                if len(batch) == 2000:
                    model.objects.bulk_update(batch, ["sort_name"])
                    batch = []
            model.objects.bulk_update(batch, ["sort_name"])

    return fill
