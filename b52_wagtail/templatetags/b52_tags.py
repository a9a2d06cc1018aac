from django import template
from django.utils import formats, timezone
from django.utils.dateformat import format as date_format

from ..conf import b52_settings
from ..models import B52Settings

register = template.Library()


@register.simple_tag(takes_context=True)
def b52_site_settings(context):
    """The ``B52Settings`` of the current site, read once per request."""
    request = context.get("request")
    if request is None:
        return None
    return B52Settings.for_request(request)


@register.simple_tag
def b52_base_template():
    return b52_settings.base_template()


@register.filter
def b52_date(value, fmt="j. F Y"):
    """A date in the active language's long form, e.g. “3. April 2025”.

    Aware datetimes are shown in the current time zone (Europe/Berlin)."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return date_format(value, fmt)


@register.filter
def b52_datetime(value):
    """A datetime as “30. November 2022, 23:59 Uhr” in the current time zone."""
    if not value:
        return ""
    value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")
