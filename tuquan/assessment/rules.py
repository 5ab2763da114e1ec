"""The assessment's calendar and thresholds: pure rules its services and selectors share
(selectors may not import services)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from tuquan.assessment.models import CriteriaSet, Criterion


def window(criteria_set: CriteriaSet, year: int) -> tuple[date, date]:
    """The assessment window ending in `year` (01/11 of the year before to 31/10)."""
    end = date(year, criteria_set.window_end_month, criteria_set.window_end_day)
    return date(year - 1, end.month, end.day) + timedelta(days=1), end


def deadline(criteria_set: CriteriaSet, year: int) -> date:
    return date(year, criteria_set.deadline_month, criteria_set.deadline_day)


def meets(value: Decimal, c: Criterion) -> bool:
    threshold = c.threshold if c.threshold is not None else Decimal(0)
    return value <= threshold if c.at_most else value >= threshold


def rating_period(year: int) -> tuple[date, date]:
    """15/11 of the year before to 14/11 of `year`."""
    return date(year - 1, 11, 15), date(year, 11, 14)
