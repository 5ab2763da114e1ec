"""The system log's rows as sentences (core.audit.describe), for its page."""

from typing import Any

from django import template

from tuquan.core.audit import describe, detail_lines

register = template.Library()


@register.simple_tag
def audit_sentence(entry: Any) -> str:
    return describe(entry)


@register.filter
def audit_details(entry: Any) -> list[str]:
    return detail_lines(entry)
