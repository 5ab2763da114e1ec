"""Report formats written by apps above the reports (the official Word and PDF report is the
documents app's): `tuquan report --format docx|pdf` finds its writer here, registered in
that app's AppConfig.ready, since the reports may not import the documents (the layers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# format → writer(command, actor, area, start, end, options)
WRITERS: dict[str, Callable[..., Any]] = {}
