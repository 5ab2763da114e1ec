"""Forms fit for a phone (issue 25, item 2): the phone's own date and time pickers, the
typed Vietnamese formats still understood, and choice lists where the set is official."""

from __future__ import annotations

from datetime import date, datetime

from django import forms

from tuquan.core.widgets import DatePicker, DateTimePicker
from tuquan.registry.ethnicities import ETHNIC_GROUPS
from tuquan.registry.forms import PersonForm


class Sample(forms.Form):
    on = forms.DateField(widget=DatePicker())
    at = forms.DateTimeField(widget=DateTimePicker())


def test_the_pickers_render_native_inputs_with_iso_values() -> None:
    page = Sample(initial={"on": date(2026, 11, 28), "at": datetime(2026, 11, 28, 21, 5)}).as_p()
    assert 'type="date"' in page and 'value="2026-11-28"' in page
    assert 'type="datetime-local"' in page and 'value="2026-11-28T21:05"' in page


def test_what_a_picker_sends_and_what_a_person_types_both_parse() -> None:
    from django.utils import translation

    with translation.override("vi"):
        for on, at in (("2026-11-28", "2026-11-28T21:05"), ("28/11/2026", "21:05 28/11/2026")):
            form = Sample({"on": on, "at": at})
            assert form.is_valid(), form.errors
            assert form.cleaned_data["on"] == date(2026, 11, 28)
            assert form.cleaned_data["at"].replace(tzinfo=None) == datetime(2026, 11, 28, 21, 5)


def test_ethnicity_is_chosen_from_the_54_official_groups_and_an_old_free_text_value_is_kept() -> None:
    assert len(ETHNIC_GROUPS) == 54 == len(set(ETHNIC_GROUPS))
    form = PersonForm(areas=[("1", "Bản")])
    offered = [value for value, _label in form.fields["ethnicity"].choices]  # type: ignore[attr-defined]
    assert offered[:3] == ["", "Kinh", "Tày"] and "Mông" in offered and "Mèo" not in offered
    refused = PersonForm({"ethnicity": "Mèo"}, areas=[("1", "Bản")])
    assert not refused.is_valid() and "ethnicity" in refused.errors
    kept = PersonForm(initial={"ethnicity": "H'Mông"}, areas=[("1", "Bản")])
    assert "H'Mông" in [v for v, _l in kept.fields["ethnicity"].choices]  # type: ignore[attr-defined]
