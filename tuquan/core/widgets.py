"""The phone's own pickers for dates and times (issue 25, item 2).

A `type="date"` input shows the phone's calendar and sends `yyyy-mm-dd`; a
`type="datetime-local"` one the calendar and the clock, sending `yyyy-mm-ddThh:mm`. Both
formats are in `formats/vi` beside the Vietnamese ones, so a browser without pickers (the
input is then a text box) or an API client can still send `dd/mm/yyyy` and
`hh:mm dd/mm/yyyy`, and the field parses it.
"""

from __future__ import annotations

from typing import Any

from django import forms


class DatePicker(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # The value must be ISO for the picker to show it; the page still reads the date in
        # the person's format (the picker displays it by the phone's locale).
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimePicker(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
