"""The one search normalisation used everywhere (names, areas, people)."""

from __future__ import annotations

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
