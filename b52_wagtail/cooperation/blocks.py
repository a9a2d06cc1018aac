"""StreamField blocks of the cooperation app."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.models import Site
from wagtail.snippets.blocks import SnippetChooserBlock

from b52_wagtail.blocks import BodyStreamBlock


class DistrictOverviewBlock(blocks.StructBlock):
    """Who leads which programme in one district, and whether the district
    has a Kommunale Gesundheitskonferenz. Lists the responsibilities of every
    live, public cooperation field page of the current site."""

    heading = blocks.CharBlock(
        label=_("Heading"),
        required=False,
        max_length=255,
        help_text=_("Empty: the name of the district."),
    )
    district = SnippetChooserBlock("b52_wagtail.District", label=_("District"))

    class Meta:
        icon = "globe"
        label = _("District overview")
        template = "b52_wagtail/cooperation/blocks/district_overview.html"

    def get_context(self, value, parent_context=None):
        from .models import DistrictOverview

        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        district = value.get("district")
        if district is not None:
            site = Site.find_for_request(request) if request is not None else None
            context["overview"] = DistrictOverview.for_site(district, site)
        return context


class CooperationStreamBlock(BodyStreamBlock):
    """The body of cooperation pages: the shared body blocks plus the
    district overview."""

    district_overview = DistrictOverviewBlock()
