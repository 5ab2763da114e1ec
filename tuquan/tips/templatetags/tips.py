from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tuquan.tips.permissions import can_triage_tip

register = template.Library()


@register.simple_tag(takes_context=True)
def tip_inbox_link(context: Any) -> str:
    """The officers' navigation link to the tip inbox (nothing for other users)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_triage_tip(user):
        return ""
    return format_html('<a href="/hop-tin-bao/">{}</a>', _("Tin báo"))
