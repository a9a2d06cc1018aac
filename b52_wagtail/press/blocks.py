"""StreamField blocks of the press app that any page of a host can use."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


def latest_releases(*, programme=None, district=None, organisation=None, count=3, request=None):
    """The newest ``count`` live, public releases that match all of the given
    programme, district and organisation (ids or objects; None: any), on the
    site of ``request`` when given."""
    from ..pages import in_request_site
    from .models import PressReleasePage

    def listed(value):
        return None if value in (None, "") else [value]

    queryset = PressReleasePage.filter_releases(
        PressReleasePage.visible_releases(),
        programmes=listed(programme),
        districts=listed(district),
        organisations=listed(organisation),
    )
    queryset = in_request_site(queryset, request)
    queryset = queryset.defer_streamfields().order_by("-release_date", "-pk")
    return list(queryset[: max(1, min(int(count), 12))])


class LatestPressReleasesBlock(blocks.StructBlock):
    """The newest press releases, optionally of one programme, district or
    organisation (all given conditions must match)."""

    heading = blocks.CharBlock(
        label=_("Heading"), required=False, max_length=255, default=_("Press releases")
    )
    programme = SnippetChooserBlock("b52_wagtail.Programme", label=_("Programme"), required=False)
    district = SnippetChooserBlock("b52_wagtail.District", label=_("District"), required=False)
    organisation = SnippetChooserBlock(
        "b52_wagtail.Organisation", label=_("Organisation"), required=False
    )
    count = blocks.IntegerBlock(label=_("Number of releases"), default=3, min_value=1, max_value=12)

    class Meta:
        icon = "list-ul"
        label = _("Latest press releases")
        template = "b52_wagtail/press/blocks/latest_press_releases.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["releases"] = latest_releases(
            programme=value.get("programme"),
            district=value.get("district"),
            organisation=value.get("organisation"),
            count=value.get("count") or 3,
            request=(parent_context or {}).get("request"),
        )
        context["heading"] = value.get("heading")
        return context
