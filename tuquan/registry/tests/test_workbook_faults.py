"""Workbooks with the faults people make, built from the demo province's export by Hypothesis:
misspelt choices, references to nothing, values of the wrong type, sheets swapped, rows
copied or lost, columns deleted. Whatever the combination, the import either goes through
or names every bad cell, never ends in a traceback, and writes nothing when it refuses.

Bounded for CI (`max_examples`); `TUQUAN_FUZZ_EXAMPLES=500 make pytest
PYTEST_ARGS=tuquan/registry/tests/test_workbook_faults.py` searches longer."""

from __future__ import annotations

import io
import os
import uuid
from datetime import date, datetime
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tuquan.core.actors import CONSOLE
from tuquan.core.models import Area, AuditEntry
from tuquan.journal.models import Approval, Entry
from tuquan.registry import io as workbook
from tuquan.registry.models import Household, Membership, Person, Team
from tuquan.registry.tests.test_workbook import sheet_file

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("TUQUAN_FUZZ_EXAMPLES", "0")) or 30
# The suite's examples are the same on every run (CI cannot turn red by chance); a longer
# search asked for with TUQUAN_FUZZ_EXAMPLES draws new ones each time.
SEARCH = "TUQUAN_FUZZ_EXAMPLES" in os.environ

# Columns whose cells name another row (or a place): a fault there leaves a reference dangling.
REFERENCES = (
    "Mã",
    "Mã tổ",
    "Mã người",
    "Mã hộ",
    "Mã thôn",
    "Mã xã",
    "Mã loại",
    "Loại mô hình",
    "Thuộc tổ",
    "Chủ hộ",
    "Thôn",
    "Nơi ở",
    "Địa bàn",
    "Xã quản lý",
    "Người tham gia",
    "Người dự",
    "Sáp nhập vào",
)
ODD_VALUES: list[Any] = [
    "",
    " ",
    "abc",
    -1,
    0,
    1.5,
    10**12,
    "1e9999",
    "NaN",
    "31/02/2024",
    "01/01/0001",
    date(1900, 1, 1),
    datetime(2099, 12, 31, 23, 59),
    True,
    "=1+1",
    "a\tb\nc",
    "x" * 400,
    "Có",
    "Tổ trưởng",
    "Đã kiểm tra",
]


class _Rollback(Exception):
    """Leaves the example's writes behind: every example starts from the same demo."""


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (AuditEntry, Team, Person, Household, Membership, Entry, Approval, Area)
    )


def sheets_of(data: bytes) -> list[tuple[str, list[list[Any]]]]:
    book = load_workbook(io.BytesIO(data))
    return [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in book.worksheets]


def file_of(sheets: list[tuple[str, list[list[Any]]]]) -> bytes:
    return sheet_file(dict(sheets))  # a swap exchanges titles: they stay unique


def misspelt(value: Any, at: int) -> Any:
    text = str(value or "")
    if not text:
        return "x"
    at %= len(text)
    swaps = {"ổ": "ô", "ạ": "a", "ệ": "ê", "ấ": "â", "ố": "o", "ư": "u", "đ": "d", "Đ": "D", "ã": "a"}
    if text[at] in swaps:
        return text[:at] + swaps[text[at]] + text[at + 1 :]
    return text[:at] + text[at + 1 :]  # a letter dropped


# A fault: (kind, sheet, row, column, a number for the payload). Indices wrap around the
# file's own sizes, so every fault lands somewhere real and shrinks to a simple one.
FAULTS = st.tuples(
    st.sampled_from(["odd", "misspell", "dangle", "clear", "swap", "drop_row", "copy_row", "drop_column"]),
    st.integers(0, 30),
    st.integers(0, 400),
    st.integers(0, 40),
    st.integers(0, 1000),
)


def with_faults(data: bytes, faults: list[tuple[str, int, int, int, int]]) -> bytes:
    sheets = sheets_of(data)
    for kind, s, r, c, n in faults:
        title, rows = sheets[s % len(sheets)]
        header = rows[0] if rows else []
        body = len(rows) - 1
        if kind == "swap":
            other = (s + 1 + n) % len(sheets)
            sheets[s % len(sheets)], sheets[other] = (sheets[other][0], rows), (title, sheets[other][1])
            continue
        if body < 1 or not header:
            continue
        row = 1 + r % body
        column = c % len(header)
        if kind == "drop_row":
            del rows[row]
        elif kind == "copy_row":
            rows.insert(row, list(rows[row]))
        elif kind == "drop_column":
            for line in rows:
                del line[column : column + 1]
        elif kind == "odd":
            rows[row][column] = ODD_VALUES[n % len(ODD_VALUES)]
        elif kind == "misspell":
            rows[row][column] = misspelt(rows[row][column], n)
        elif kind == "clear":
            rows[row][column] = None
        elif kind == "dangle":
            named = [i for i, h in enumerate(header) if h in REFERENCES] or [column]
            target = named[n % len(named)]
            rows[row][target] = str(uuid.UUID(int=n + 1)) if n % 2 else f"04099.{90 + n % 9}"
    return file_of(sheets)


@pytest.fixture
def demo_file(demo: Any) -> bytes:
    return workbook.export_workbook(actor=CONSOLE, area=Area.objects.get(ident="14"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not SEARCH,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    faults=st.lists(FAULTS, min_size=1, max_size=4),
    who=st.sampled_from(["console", "xa", "to"]),
)
def test_a_faulty_workbook_names_every_bad_cell_and_writes_nothing(
    demo_file: bytes, faults: list[tuple[str, int, int, int, int]], who: str
) -> None:
    from tuquan.accounts.models import User

    actor = CONSOLE if who == "console" else User.objects.get(username=who)
    data = with_faults(demo_file, faults)
    before = counts()
    try:
        with transaction.atomic():
            workbook.import_workbook(actor=actor, data=data)
            raise _Rollback
    except _Rollback:
        event("accepted")
        return  # a fault the rules accept (a note cleared, a row copied with its own code…)
    except workbook.WorkbookErrors as exc:
        event("refused")
        for error in exc.errors:
            assert error.sheet and error.row >= 1 and error.message, error
        assert counts() == before


# --- workbooks made up from nothing -------------------------------------------------------

CELLS = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=40),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.sampled_from(ODD_VALUES),
)


@st.composite
def made_up_workbooks(draw: Any) -> list[tuple[str, list[list[Any]]]]:
    """Sheets with the format's titles and headers (some missing, some junk) and cells of any
    type, as a file typed from scratch or produced by another program would be."""
    from tuquan.registry.workbook import sheets as declared

    chosen = draw(
        st.lists(st.sampled_from(list(declared())), min_size=1, max_size=4, unique_by=lambda s: s.key)
    )
    book = []
    for sheet in chosen:
        headers = draw(
            st.lists(st.sampled_from([c.header for c in sheet.columns]), min_size=1, max_size=8, unique=True)
        )
        if draw(st.booleans()):
            headers.append(draw(st.sampled_from(["Cột lạ", "Ghi chú thêm", ""])))
        rows = draw(st.lists(st.lists(CELLS, min_size=len(headers), max_size=len(headers)), max_size=6))
        book.append((sheet.title, [headers, *rows]))
    return book


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not SEARCH,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(book=made_up_workbooks())
def test_a_made_up_workbook_is_read_and_checked_without_a_traceback(world: Any, book: Any) -> None:
    before = counts()
    try:
        with transaction.atomic():
            workbook.import_workbook(actor=world.alice, data=file_of(book))
            raise _Rollback
    except _Rollback:
        event("accepted")
    except workbook.WorkbookErrors as exc:
        event("refused")
        for error in exc.errors:
            assert error.sheet and error.row >= 1 and error.message, error
        assert counts() == before
