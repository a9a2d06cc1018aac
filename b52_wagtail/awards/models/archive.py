"""The winners archive: every winner of the showcases below it."""

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
)
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ...blocks import BodyStreamBlock
from ...models import District, german_sort_key
from ...pages import B52PageMixin
from .common import showcase_models
from .showcase import AbstractWinnerShowcasePage, Winner


class AbstractWinnerArchivePage(B52PageMixin, Page):
    """All winners across the years of the showcases below this page,
    filterable by year and district. Subclasses re-declare ``template``."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    api_fields = [APIField("intro"), APIField("body")]

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.get_archive(request))
        return context

    def get_showcases(self):
        """Live, public showcases below this page with their calls."""
        showcases = []
        for model in showcase_models():
            showcases.extend(
                model.objects.live()
                .public()
                .descendant_of(self)
                .select_related("call")
                .order_by("-call__edition", "path")
            )
        return showcases

    def get_archive(self, request):
        """Every winner of the showcases below, filtered by ``?year=`` and
        ``?district=`` (district key). A value that matches no year or
        district with winners raises 404. Four queries whatever the number
        of years and winners."""
        showcases = [s for s in self.get_showcases() if s.call_id]
        by_id = {showcase.pk: showcase for showcase in showcases}
        winners = list(
            Winner.objects.filter(page_id__in=by_id)
            .select_related("district", "image")
            .prefetch_related("image__renditions")
            .order_by("sort_order", "pk")
        )
        for winner in winners:
            # Reuse the loaded showcase (and its call) instead of a query.
            winner.page = by_id[winner.page_id]
        winners.sort(key=lambda w: (-w.page.call.edition, w.page.path, w.sort_order or 0))

        years = sorted({s.call.edition for s in showcases}, reverse=True)
        districts = sorted(
            {w.district for w in winners}, key=lambda d: (german_sort_key(d.name), d.kind)
        )

        year = self._parse_filter(request.GET.get("year"), {str(y): y for y in years})
        district = self._parse_filter(request.GET.get("district"), {d.key: d for d in districts})
        selected = [
            w
            for w in winners
            if (year is None or w.page.call.edition == year)
            and (district is None or w.district_id == district.pk)
        ]
        table = {}
        for winner in selected:
            table.setdefault(winner.district, []).append(winner)
        return {
            "winners": selected,
            "all_winners_count": len(winners),
            "municipality_count": len({(w.municipality, w.district_id) for w in winners}),
            "first_year": min(years) if years else None,
            "years": years,
            "districts": districts,
            "selected_year": year,
            "selected_district": district,
            "district_table": sorted(
                table.items(), key=lambda item: (german_sort_key(item[0].name), item[0].kind)
            ),
            "showcases": showcases,
            "is_filtered": year is not None or district is not None,
        }

    @classmethod
    def cdn_pages_showing(cls, obj):
        if isinstance(obj, AbstractWinnerShowcasePage):
            return list(cls.objects.live().ancestor_of(obj))
        if isinstance(obj, District):
            return list(cls.objects.live())
        return super().cdn_pages_showing(obj)

    @staticmethod
    def _parse_filter(raw, known):
        if raw is None or raw == "":
            return None
        if raw not in known:
            raise Http404
        return known[raw]


class WinnerArchivePage(AbstractWinnerArchivePage):
    template = "b52_wagtail/awards/winner_archive_page.html"

    subpage_types = ["b52_awards.WinnerShowcasePage"]

    class Meta:
        verbose_name = _("winners archive")
        verbose_name_plural = _("winners archives")
