"""The district overview routes (``kreis/``, ``kreis/<key>/``) that the
cooperation page and the field pages share."""

import re

from django.http import Http404
from django.shortcuts import redirect
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from b52_wagtail.models import (
    District,
)

DISTRICT_KEY = re.compile(r"[0-9]{5}")


class DistrictOverviewMixin(RoutablePageMixin):
    """Routes ``kreis/`` (a district chooser that works without JavaScript)
    and ``kreis/<key>/`` (the overview of one district) on a page."""

    overview_template = "b52_wagtail/cooperation/district_overview.html"

    def get_overview(self, district):
        """Override this to choose which responsibilities the overview shows."""
        raise NotImplementedError

    def get_districts(self):
        return District.objects.filter(locale_id=self.locale_id)

    def get_district_or_404(self, key, districts=None):
        """The district with the key ``key``, looked up in ``districts`` when
        given; unknown or malformed keys raise ``Http404``."""
        district = None
        if DISTRICT_KEY.fullmatch(key):
            if districts is None:
                district = self.get_districts().filter(key=key).first()
            else:
                district = next((d for d in districts if d.key == key), None)
        if district is None:
            raise Http404
        return district

    def get_overview_base_url(self, request):
        """URL of the chooser route; a district's overview is this plus
        ``<key>/``. ``None`` for a page that has no URL yet (preview)."""
        page_url = self.get_url(request)
        if not page_url:
            return None
        return page_url + self.reverse_subpage("district_chooser")

    def list_districts(self):
        """The districts of the chooser, with only the columns it shows."""
        return list(self.get_districts().only("pk", "key", "name", "kind", "locale_id"))

    def get_district_form_context(self, request, selected=None, districts=None):
        return {
            "districts": list(self.get_districts()) if districts is None else districts,
            "overview_base_url": self.get_overview_base_url(request),
            "selected_district": selected,
        }

    def get_cdn_district_keys(self):
        """Keys of the districts whose overview shows this page's rows."""
        raise NotImplementedError

    def get_cached_paths(self):
        """The page, the district chooser and the overviews it shows."""
        chooser = self.reverse_subpage("district_chooser")
        return ["/", chooser, *(chooser + key + "/" for key in self.get_cdn_district_keys())]

    def get_overview_cdn_paths(self, changed=None):
        """What ``get_cdn_paths()`` of a page with these routes purges."""
        if isinstance(changed, District):
            chooser = self.reverse_subpage("district_chooser")
            return ["/", chooser, f"{chooser}{changed.key}/"]
        if isinstance(changed, Page):
            return ["/"]  # a news item or a related page: the overviews do not show it
        return self.get_cached_paths()

    @path("kreis/", name="district_chooser")
    def district_chooser(self, request):
        key = request.GET.get("district")
        if key is not None:
            district = self.get_district_or_404(key)
            return redirect(self.get_overview_base_url(request) + district.key + "/")
        return self.render(
            request,
            b52_overview=True,
            template=self.overview_template,
            context_overrides=self.get_district_form_context(request),
        )

    @path("kreis/<str:key>/", name="district_overview")
    def district_overview(self, request, key):
        districts = list(self.get_districts())
        district = self.get_district_or_404(key, districts)
        context = self.get_district_form_context(request, selected=district, districts=districts)
        context["overview"] = self.get_overview(district)
        return self.render(
            request, b52_overview=True, template=self.overview_template, context_overrides=context
        )
