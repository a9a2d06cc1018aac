from django import template

from ..blocks import latest_releases

register = template.Library()


@register.inclusion_tag("b52_wagtail/press/includes/latest_releases.html", takes_context=True)
def latest_press_releases(
    context, programme=None, district=None, organisation=None, count=3, heading=None
):
    """``{% latest_press_releases programme=p district=d organisation=o count=3 %}``:
    the newest live, public releases matching all given conditions."""
    return {
        "request": context.get("request"),
        "heading": heading,
        "releases": latest_releases(
            programme=programme,
            district=district,
            organisation=organisation,
            count=count,
            request=context.get("request"),
        ),
    }
