"""The one search normalisation used everywhere (names, areas, people)."""

from __future__ import annotations

import re
import unicodedata


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
