"""The press release index (listing, year archive, filters, search,
feeds) and ``ReleaseListing``, its listing for one request."""

from functools import cached_property

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Cast, Substr
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.images.models import Filter
from wagtail.models import Page
from wagtail.search import index

from ...blocks import RICH_TEXT_FEATURES
from ...cache import (
    PAGES,
    cached_many,
    fragment_key,
    get_fragment,
    media_tags,
    set_fragment,
    snippet_tags,
    tree,
)
from ...conf import b52_settings
from ...models import (
    District,
    Organisation,
    Programme,
    translations_of,
)
from ...pages import B52PageMixin, paginate
from ...templatetags.b52_tags import b52_date
from .common import CARD_IMAGE_FILTER, FEED_FRAGMENT, LISTING_FRAGMENT, _rendition
from .release import AbstractPressReleasePage, PressReleasePage


class AbstractPressReleaseIndexPage(B52PageMixin, RoutablePageMixin, Page):
    """The press releases below it, newest first, with filters, search,
    a year archive (``2025/``) and RSS/Atom feeds (``feed/rss/``, ``feed/atom/``).

    ``get_release_model()`` names the release model it lists; override it
    when a host lists its own subclass."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    page_size = models.PositiveSmallIntegerField(
        _("releases per page"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Empty: the site's default page size."),
    )
    feed_size = models.PositiveSmallIntegerField(
        _("releases in the feeds"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    settings_panels = Page.settings_panels + [
        FieldRowPanel([FieldPanel("page_size"), FieldPanel("feed_size")])
    ]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    api_fields = [APIField("intro")]

    subpage_types = ["b52_press.PressReleasePage"]

    class Meta:
        abstract = True
        verbose_name = _("press release index")
        verbose_name_plural = _("press release indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        url = self.get_url(request)
        context["index_url"] = url
        context["rss_url"] = url + self.reverse_subpage("feed_rss")
        context["atom_url"] = url + self.reverse_subpage("feed_atom")
        context["cache_dependencies"] = self.get_cache_dependencies()
        # The filter form shows snippets, the query and the years (varied on):
        # a new release leaves it warm unless it brings a new year.
        context["filter_dependencies"] = snippet_tags()
        return context

    def get_cache_dependencies(self):
        """What the listing and the feeds show: the releases below (their
        organisations, programmes, districts, images), the filter choices and
        links. Override to add more."""
        return [tree(self), PAGES, *media_tags(), *snippet_tags()]

    # Routes ------------------------------------------------------------------

    def route(self, request, path_components):
        # A release is loaded in one query, instead of Wagtail's generic child
        # lookup followed by ``.specific``. No select_related: a page served
        # from the fragment cache needs none of the related rows, and the joins
        # would make every request pay for what only a cold render uses.
        if self.live and len(path_components) == 1 and not self._is_own_route(path_components):
            release = (
                self.get_release_model()
                .objects.filter(path__startswith=self.path, depth=self.depth + 1)
                .filter(slug=path_components[0])
                .first()
            )
            if release is not None:
                return release.route(request, [])
        return super().route(request, path_components)

    def _is_own_route(self, path_components):
        try:
            self.resolve_subpage("/" + "/".join(path_components) + "/")
        except Http404:
            return False
        return True

    @path("", name="index")
    def index_view(self, request):
        return self.serve_listing(request)

    @re_path(r"^(?P<year>\d{4})/$", name="year")
    def year_view(self, request, year):
        return self.serve_listing(request, int(year))

    @path("feed/rss/", name="feed_rss")
    def rss_view(self, request):
        from ..feeds import PressReleaseFeed

        return self.serve_feed(request, PressReleaseFeed)

    @path("feed/atom/", name="feed_atom")
    def atom_view(self, request):
        from ..feeds import PressReleaseAtomFeed

        return self.serve_feed(request, PressReleaseAtomFeed)

    def serve_listing(self, request, year=None):
        """The listing (``year``: the archive of that year). The template
        caches it (``b52_press_index``); when it is not cached, the listing is
        computed here first, so that a bad page number or year is a 404
        before anything renders and a 404 is never cached."""
        listing = self.get_listing(request, year)
        key = fragment_key(
            request,
            LISTING_FRAGMENT,
            [listing.cache_vary],
            depends=self.get_cache_dependencies(),
        )
        if key is None or get_fragment(request, key) is None:
            listing.check()
        return self.render(request, context_overrides=listing.get_context())

    def serve_feed(self, request, feed_class):
        """The feed, cached per content generation like the page fragments."""
        key = fragment_key(
            request,
            FEED_FRAGMENT,
            [self.pk, feed_class.feed_type.__name__],
            depends=self.get_cache_dependencies(),
        )
        cached = get_fragment(request, key) if key else None
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            return response
        response = feed_class(self)(request)
        if key and response.status_code == 200:
            headers = {
                name: response[name]
                for name in ("Content-Type", "Last-Modified")
                if response.has_header(name)
            }
            set_fragment(request, key, (response.content, headers))
        return response

    # Extension points -------------------------------------------------------

    def get_release_model(self):
        """Override this to list a subclass of ``AbstractPressReleasePage``."""
        return PressReleasePage

    def get_page_size(self):
        return self.page_size or b52_settings.PAGE_SIZE

    def get_filter_form_class(self):
        from ..forms import PressReleaseFilterForm

        return PressReleaseFilterForm

    def get_listing(self, request, year=None):
        """The ``ReleaseListing`` of a request; override to return a subclass."""
        return ReleaseListing(self, request, year)

    # Listing -------------------------------------------------------------

    def get_child_releases(self):
        """Live, public releases below this index, unordered. Built once per
        page instance: ``public()`` reads the view restrictions when built."""
        if not hasattr(self, "_child_releases"):
            self._child_releases = (
                self.get_release_model()
                .visible_releases()
                .filter(path__startswith=self.path, depth=self.depth + 1)
            )
        return self._child_releases

    def get_releases(self):
        """Live, public releases below this index, newest first."""
        return self.get_child_releases().order_by("-release_date", "-pk")

    def get_years(self):
        """Years that have live, public releases below this index, newest
        first (one query, cached on the page instance): a private release
        must not reveal its year in the filter, the archive or the sitemap."""
        if not hasattr(self, "_years"):
            # The year as text from the ISO date: no per-row date function call.
            year = Substr(Cast("release_date", models.CharField()), 1, 4)
            years = (
                self.get_child_releases()
                .annotate(b52_year=year)
                .order_by()
                .values_list("b52_year", flat=True)
                .distinct()
            )
            self._years = sorted((int(value) for value in years), reverse=True)
        return self._years

    def search_releases(self, queryset, query):
        """Restrict ``queryset`` to the hits of a full-text search for ``query``
        (Wagtail search backend; the hits of this index only)."""
        model = self.get_release_model()
        base = model.objects.live().filter(path__startswith=self.path, depth=self.depth + 1)
        hits = base.search(query, order_by_relevance=False)[:1000]
        return queryset.filter(pk__in=[hit.pk for hit in hits])

    def filter_queryset(self, queryset, data):
        # A chosen snippet matches its translations too: a translated release
        # may point at the default locale's version.
        model = self.get_release_model()
        if data.get("year"):
            queryset = queryset.filter(release_date__year=data["year"])
        if data.get("programme"):
            queryset = model.filter_releases(
                queryset, programmes=translations_of(data["programme"])
            )
        if data.get("district"):
            queryset = model.filter_releases(queryset, districts=translations_of(data["district"]))
        if data.get("organisation"):
            queryset = model.filter_releases(
                queryset, organisations=translations_of(data["organisation"])
            )
        if data.get("q"):
            queryset = self.search_releases(queryset, data["q"])
        return queryset

    def get_listing_context(self, request, year=None):
        """The template context of the listing; its values are computed when
        the template first uses them (see ``ReleaseListing``)."""
        return self.get_listing(request, year).get_context()

    def get_cards(self, ids, index_url):
        """The releases with these ids, in this order, with what a card shows
        precomputed: ``card_url``, ``card_image`` (a rendition),
        ``card_organisations`` and ``card_date``."""
        model = self.get_release_model()
        by_id = model.with_card_data(model.objects.filter(pk__in=ids)).in_bulk()
        releases = [by_id[pk] for pk in ids if pk in by_id]
        card_filter = Filter(spec=CARD_IMAGE_FILTER)
        for release in releases:
            release.card_url = f"{index_url}{release.slug}/"
            release.card_image = _rendition(release.lead_image, card_filter)
            release.card_organisations = " · ".join(str(org) for org in release.organisations)
            release.card_date = b52_date(release.release_date)
        return releases

    card_template = "b52_wagtail/press/includes/release_card.html"

    def get_card_dependencies(self, path):
        """What the card of the release at ``path`` shows besides the
        release: its image, organisations and programme."""
        return [f"tree:{path}", *media_tags(), *snippet_tags("Organisation", "Programme")]

    def render_cards(self, request, rows, index_url):
        """The rendered cards of the releases ``rows`` (``(pk, path)``, in
        order). Each card is kept in the fragment cache until its release,
        image or snippets change: after an editor publishes one release, the
        listing is rendered again but only that release's card (three round
        trips to the cache, no query for the others)."""

        def render(positions):
            releases = self.get_cards([rows[position][0] for position in positions], index_url)
            by_id = {release.pk: release for release in releases}
            cards = []
            for position in positions:
                release = by_id.get(rows[position][0])
                context = {"release": release, "heading_level": 3, "request": request}
                cards.append(
                    "" if release is None else render_to_string(self.card_template, context)
                )
            return cards

        items = [((pk, index_url), self.get_card_dependencies(path)) for pk, path in rows]
        return [
            mark_safe(card)  # noqa: S308 (rendered by the card template)
            for card in cached_many(request, "b52_press_card", items, render)
            if card
        ]

    # Full-page caching (b52_wagtail.cdn) -------------------------------------

    def get_feed_paths(self):
        return [self.reverse_subpage("feed_rss"), self.reverse_subpage("feed_atom")]

    def get_cached_paths(self):
        """The listing, the feeds and every year archive."""
        years = [self.reverse_subpage("year", kwargs={"year": y}) for y in self.get_years()]
        return ["/", *self.get_feed_paths(), *years]

    def get_cdn_paths(self, changed=None):
        """For a release: the listing, the feeds and the archive of its year."""
        if isinstance(changed, AbstractPressReleasePage) and changed.release_date:
            year = self.reverse_subpage("year", kwargs={"year": changed.release_date.year})
            return ["/", *self.get_feed_paths(), year]
        return self.get_cached_paths()

    @classmethod
    def cdn_pages_showing(cls, obj):
        # The filter form offers every programme, district and organisation.
        if isinstance(obj, (District, Programme, Organisation)):
            return list(cls.objects.live())
        return super().cdn_pages_showing(obj)

    def get_sitemap_urls(self, request=None):
        """The index, then its year archive pages."""
        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        for year in self.get_years():
            urls.append({"location": base + self.reverse_subpage("year", kwargs={"year": year})})
        return urls


class PressReleaseIndexPage(AbstractPressReleaseIndexPage):
    template = "b52_wagtail/press/press_release_index_page.html"

    class Meta(AbstractPressReleaseIndexPage.Meta):
        verbose_name = _("press release index")
        verbose_name_plural = _("press release indexes")


class ReleaseListing:
    """The listing of a ``PressReleaseIndexPage`` for one request: the filter
    form, the page of releases, the years. Everything is computed on first
    use, so that a listing served from the fragment cache runs no query."""

    # The query parameters the listing reads; the cache key holds their raw
    # values. A request with any other parameter is served from the cache but
    # its own render is not stored (its pagination links would carry them).
    params = ("q", "year", "programme", "district", "organisation", "page")
    filter_params = ("q", "year", "programme", "district", "organisation")

    def __init__(self, index, request, year=None):
        self.index = index
        self.request = request
        self.year = year

    @cached_property
    def index_url(self):
        return self.index.get_url(self.request)

    @cached_property
    def cache_vary(self):
        query = self.request.GET
        known = tuple((name, tuple(query.getlist(name))) for name in self.params if name in query)
        return (self.index.pk, self.year, known)

    @property
    def filter_cache_vary(self):
        """What the filter form shows besides the snippets' names: the
        query, the years that have releases and the index's URL."""
        return (self.cache_vary, tuple(self.index.get_years()), self.index_url)

    @property
    def noindex(self):
        """Filtered, archive and later pages are not for search engines
        (decided from the query string alone, without a query)."""
        query = self.request.GET
        return bool(
            self.year
            or any(query.get(name) for name in self.filter_params)
            or query.get("page", "1") not in ("", "1")
        )

    def check(self):
        """Raise Http404 for a year without releases or a page out of range."""
        if self.year is not None and self.year not in self.index.get_years():
            raise Http404
        return self.page_obj

    @cached_property
    def filter_form(self):
        form_class = self.index.get_filter_form_class()
        return form_class(
            self.request.GET, index=self.index, archive_year=self.year, request=self.request
        )

    @cached_property
    def filter_data(self):
        data = self.filter_form.get_filter_data()
        if self.year:
            data["year"] = self.year
        return data

    @cached_property
    def page_obj(self):
        queryset = self.index.filter_queryset(self.index.get_releases(), self.filter_data)
        # Paginate over ids and paths (a narrow sort), then load the page's
        # releases or their cached cards.
        return paginate(
            self.request, queryset.values_list("pk", "path"), self.index.get_page_size()
        )

    @cached_property
    def releases(self):
        """The page's releases (with card data; a host's template may use
        them instead of ``cards``)."""
        return self.index.get_cards([pk for pk, _path in self.page_obj.object_list], self.index_url)

    @cached_property
    def cards(self):
        """The page's releases as rendered cards (see ``render_cards``)."""
        return self.index.render_cards(
            self.request, list(self.page_obj.object_list), self.index_url
        )

    @cached_property
    def years(self):
        return [
            (year, self.index_url + self.index.reverse_subpage("year", kwargs={"year": year}))
            for year in self.index.get_years()
        ]

    def is_cacheable(self):
        """Whether this render may be stored: only known parameters, every
        value valid, and no search (search terms are too many to cache)."""
        if any(name not in self.params for name in self.request.GET):
            return False
        return not self.filter_form.errors and not self.request.GET.get("q")

    def get_context(self):
        return {
            "listing": self,
            "archive_year": self.year,
            "noindex": self.noindex,
            "filter_form": lambda: self.filter_form,
            "filter_errors": lambda: self.filter_form.get_error_messages(),
            "is_filtered": lambda: any(value for value in self.filter_data.values()),
            "years": lambda: self.years,
            "page_obj": lambda: self.page_obj,
            "releases": lambda: self.releases,
            "cards": lambda: self.cards,
        }
