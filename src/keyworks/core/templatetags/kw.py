"""Template filters for money and dates as the office writes them, and for links users
typed."""

from django import template

from keyworks.core.crypto import mask_phone as mask
from keyworks.core.money import format_wan, format_yi
from keyworks.core.validators import is_safe_link

register = template.Library()


@register.filter
def wan(value) -> str:
    """1234.5 → "1,234.50" (万元)."""
    return format_wan(value) if value is not None else "—"


@register.filter
def yi(value) -> str:
    """万元 → 亿元 with 2 decimals."""
    return format_yi(value) if value is not None else "—"


@register.filter
def ymd(value) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


@register.filter
def mask_phone(value) -> str:
    """138****5678, for readers who may know a contact exists but not read it in full."""
    return mask(str(value)) if value else ""


@register.filter
def safe_link(value) -> str:
    """The link when a page may put it in `href` (http(s) or a path on this site), else ""
    (a row stored before links were checked, e.g. `javascript:`, is shown as plain text)."""
    return value if is_safe_link(value) else ""
