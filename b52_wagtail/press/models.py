"""Press releases: ``PressReleaseIndexPage`` (listing, year archive, filters,
search, RSS/Atom feeds) and ``PressReleasePage``.

Each page type is an abstract base plus a concrete default. A host that adds
fields subclasses the abstract base, re-declares ``template`` and, for a
release model, declares its own contact and download orderables with the
related names ``contact_items`` and ``download_items``.
"""

import datetime
import json
from functools import cache, cached_property, partial
from typing import NamedTuple

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Cast, Substr
from django.forms import CheckboxSelectMultiple
from django.http import Http404, HttpResponse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model, get_image_model_string
from wagtail.images.models import Filter
from wagtail.models import Orderable, Page
from wagtail.search import index

from .. import localization
from ..blocks import RICH_TEXT_FEATURES, BodyStreamBlock
from ..cache import (
    PAGES,
    fragment_key,
    get_fragment,
    media_tags,
    set_fragment,
    snippet_tags,
    tree,
)
from ..conf import b52_settings
from ..models import (
    B52Settings,
    Contact,
    District,
    Organisation,
    Programme,
    translations_of,
)
from ..pages import B52PageMixin, paginate
from ..templatetags.b52_tags import b52_date
from . import serializers

# Rendition filter specs used by the templates; the listing prefetches the
# card's so that images cost no query per card.
CARD_IMAGE_FILTER = "fill-480x270"
LEAD_IMAGE_FILTER = "width-960"
SHARE_IMAGE_FILTER = "fill-1200x630"

# Names of the cached fragments ({% b52_cache %} and the feeds).
LISTING_FRAGMENT = "b52_press_index"
FEED_FRAGMENT = "b52_press_feed"

# Characters that must not appear raw inside <script> (as django.utils.html.json_script).
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


class AbstractPressReleasePage(B52PageMixin, Page):
    """A press release. Subclass it to add fields; re-declare ``template`` and
    the ``contact_items``/``download_items`` orderables on the subclass."""

    kicker = models.CharField(
        _("kicker"),
        max_length=120,
        blank=True,
        help_text=_("A short line above the title, for example the programme or topic."),
    )
    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    release_date = models.DateField(
        _("release date"),
        default=localization.localdate,
        db_index=True,
        help_text=_("The date of the press release (not the date of the event)."),
    )
    event_date = models.DateField(
        _("event date"),
        null=True,
        blank=True,
        help_text=_("When the event the release reports on took place."),
    )
    event_place = models.CharField(
        _("event place"),
        max_length=255,
        blank=True,
        help_text=_("For example “Stuttgart” or “online”. Shown in the dateline."),
    )
    teaser = models.TextField(
        _("teaser"),
        blank=True,
        help_text=_("Two or three sentences for listings, feeds and search engines."),
    )
    lead_image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_alt = models.CharField(
        _("alternative text of the lead image"),
        max_length=255,
        blank=True,
        help_text=_("Describe the image for people who cannot see it. Empty: the image's title."),
    )
    lead_image_caption = models.CharField(
        _("caption of the lead image"), max_length=255, blank=True
    )
    body = StreamField(BodyStreamBlock(), verbose_name=_("body"), blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The organisation that issues the release (Federführung)."),
    )
    partner_organisations = ParentalManyToManyField(
        Organisation,
        verbose_name=_("partner organisations"),
        blank=True,
        related_name="+",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    districts = ParentalManyToManyField(
        District,
        verbose_name=_("districts concerned"),
        blank=True,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("kicker"),
        FieldPanel("subtitle"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("release_date"), FieldPanel("event_date")]),
                FieldPanel("event_place"),
            ],
            heading=_("Dates"),
        ),
        FieldPanel("teaser"),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_alt"),
                FieldPanel("lead_image_caption"),
            ],
            heading=_("Lead image"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("lead_organisation"),
                FieldPanel("partner_organisations", widget=CheckboxSelectMultiple),
                FieldPanel("programme"),
                FieldPanel("districts", widget=CheckboxSelectMultiple),
            ],
            heading=_("Organisations, programme and districts"),
        ),
        InlinePanel("contact_items", label=_("Contacts")),
        InlinePanel("download_items", label=_("Downloads")),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("kicker"),
        index.SearchField("subtitle"),
        index.SearchField("teaser"),
        index.SearchField("event_place"),
        index.SearchField("body"),
        index.FilterField("release_date"),
        index.FilterField("programme"),
        index.FilterField("lead_organisation"),
        index.RelatedFields("lead_organisation", [index.SearchField("name")]),
        index.RelatedFields("programme", [index.SearchField("name")]),
        index.RelatedFields("districts", [index.SearchField("name")]),
    ]

    api_fields = [
        APIField("kicker"),
        APIField("subtitle"),
        APIField("release_date"),
        APIField("event_date"),
        APIField("event_place"),
        APIField("teaser"),
        APIField("body"),
        APIField("lead_image", serializer=serializers.ImageField()),
        APIField("lead_image_alt"),
        APIField("lead_organisation", serializer=serializers.OrganisationField()),
        APIField(
            "partner_organisations",
            serializer=serializers.OrganisationField(many=True),
        ),
        APIField("programme", serializer=serializers.ProgrammeField()),
        APIField("districts", serializer=serializers.DistrictField(many=True)),
        APIField("contacts", serializer=serializers.ContactItemsField(source="contact_items")),
        APIField("downloads", serializer=serializers.DownloadItemsField(source="download_items")),
    ]

    parent_page_types = ["b52_press.PressReleaseIndexPage"]
    subpage_types = []

    # The core's news-source registry (b52_wagtail.content) orders by this.
    b52_news_date_field = "release_date"

    class Meta:
        abstract = True
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")

    def get_context(self, request, *args, **kwargs):
        # Nothing here queries the database: each value is a callable that the
        # template calls on first use, inside its cached fragments
        # ({% b52_cache %}), so a page served from the cache runs none of them.
        context = super().get_context(request, *args, **kwargs)
        releases = _once(type(self).visible_releases)
        parent_url = _once(self.get_parent_url, request)
        neighbours = _once(lambda: self.get_neighbours(releases(), parent_url()))
        share_image = _once(self.get_share_image)
        context.update(
            {
                "previous_release": lambda: neighbours()[0],
                "next_release": lambda: neighbours()[1],
                "related_releases": _once(
                    lambda: self.get_related_releases(releases(), parent_url())
                ),
                "share_image": share_image,
                "share_image_url": _once(
                    lambda: request.build_absolute_uri(share_image().url) if share_image() else ""
                ),
                "canonical_url": _once(self.get_full_url, request),
                "json_ld": _once(lambda: self.get_json_ld(request, share_image())),
                "cache_dependencies": self.get_cache_dependencies(),
            }
        )
        return context

    def get_cache_dependencies(self):
        """What the cached fragments show: the releases under the same index
        (neighbours, related releases), the core snippets, images, documents
        and links. Override to add more."""
        index = f"tree:{self.path[: -self.steplen]}"
        return [index, PAGES, *media_tags(), *snippet_tags()]

    def get_parent_url(self, request):
        """The URL of the index above (this page's URL without its slug), or
        None when it cannot be derived."""
        url = self.get_url(request) or ""
        return url[: -len(self.slug) - 1] if url.endswith(f"/{self.slug}/") else None

    # Querysets -----------------------------------------------------------

    @classmethod
    def visible_releases(cls):
        """Live, public releases of this model (drafts and pages under a view
        restriction never appear)."""
        return cls.objects.live().public()

    @classmethod
    def with_card_data(cls, queryset):
        """Everything a release card shows, in a fixed number of queries."""
        images = get_image_model().objects.prefetch_renditions(CARD_IMAGE_FILTER)
        return (
            queryset.defer_streamfields()
            .select_related("lead_organisation", "programme")
            .prefetch_related(Prefetch("lead_image", queryset=images), "partner_organisations")
        )

    @classmethod
    def filter_releases(cls, queryset, *, programmes=None, districts=None, organisations=None):
        """Narrow ``queryset`` to releases of any of the given programmes AND
        any of the given districts AND any of the given organisations (lead or
        partner); ``None`` means no condition. Ids or objects."""
        if programmes is not None:
            queryset = queryset.filter(programme__in=_ids(programmes))
        if districts is not None:
            queryset = queryset.filter(
                pk__in=cls.objects.filter(districts__in=_ids(districts)).values("pk")
            )
        if organisations is not None:
            queryset = queryset.filter(cls.organisation_q(organisations))
        return queryset

    @classmethod
    def organisation_q(cls, organisations):
        ids = _ids(organisations)
        return Q(lead_organisation__in=ids) | Q(
            pk__in=cls.objects.filter(partner_organisations__in=ids).values("pk")
        )

    @classmethod
    def b52_news_queryset(cls, programmes=None, districts=None, organisations=None):
        """Live, public releases concerning any of the given programmes,
        districts or organisations, newest first (see ``b52_wagtail.content``)."""
        queryset = cls.visible_releases()
        conditions = Q()
        if programmes is not None:
            conditions |= Q(programme__in=_ids(programmes))
        if districts is not None:
            conditions |= Q(pk__in=cls.objects.filter(districts__in=_ids(districts)).values("pk"))
        if organisations is not None:
            conditions |= cls.organisation_q(organisations)
        if conditions:
            queryset = queryset.filter(conditions)
        return cls.with_card_data(queryset).order_by("-release_date", "-pk")

    def sibling_q(self):
        return Q(path__startswith=self.path[: -self.steplen], depth=self.depth)

    @classmethod
    def cdn_pages_showing(cls, obj):
        """Releases that show ``obj``: its programme, districts, organisations
        or contacts, or, for a release, the two releases that link to it as
        their neighbours (see ``b52_wagtail.cdn``)."""
        pages = cls.visible_releases()
        if isinstance(obj, District):
            return list(pages.filter(pk__in=cls.objects.filter(districts=obj).values("pk")))
        if isinstance(obj, Programme):
            return list(pages.filter(programme=obj))
        if isinstance(obj, Organisation):
            return list(pages.filter(cls.organisation_q([obj])))
        if isinstance(obj, Contact):
            return list(pages.filter(contact_items__contact=obj).distinct())
        if isinstance(obj, AbstractPressReleasePage) and obj.release_date:
            siblings = pages.filter(obj.sibling_q()).exclude(pk=obj.pk)
            date, pk = obj.release_date, obj.pk
            older = siblings.filter(Q(release_date__lt=date) | Q(release_date=date, pk__lt=pk))
            newer = siblings.filter(Q(release_date__gt=date) | Q(release_date=date, pk__gt=pk))
            return [
                page
                for page in (
                    older.order_by("-release_date", "-pk").first(),
                    newer.order_by("release_date", "pk").first(),
                )
                if page is not None
            ]
        return []

    def get_neighbours(self, releases, parent_url):
        """The previous (older) and next (newer) release under the same index,
        as ``ReleaseLink``s."""
        siblings = releases.filter(self.sibling_q())
        date, pk = self.release_date, self.pk
        previous = siblings.filter(Q(release_date__lt=date) | Q(release_date=date, pk__lt=pk))
        following = siblings.filter(Q(release_date__gt=date) | Q(release_date=date, pk__gt=pk))
        return (
            _first_link(previous.order_by("-release_date", "-pk"), parent_url),
            _first_link(following.order_by("release_date", "pk"), parent_url),
        )

    def get_related_releases(self, releases, parent_url, limit=3):
        """Other releases under the same index of the same programme or of a
        district concerned, newest first, as ``ReleaseLink``s."""
        conditions = Q()
        if self.programme_id:
            conditions |= Q(programme_id=self.programme_id)
        district_ids = [district.pk for district in self.district_list]
        if district_ids:
            conditions |= Q(
                pk__in=type(self).objects.filter(districts__in=district_ids).values("pk")
            )
        if not conditions:
            return []
        related = (
            releases.filter(self.sibling_q())
            .filter(conditions)
            .exclude(pk=self.pk)
            .order_by("-release_date", "-pk")
        )
        return _links(related[:limit], parent_url)

    # Presentation --------------------------------------------------------

    @cached_property
    def district_list(self):
        return list(self.districts.all())

    @cached_property
    def contact_list(self):
        items = self.contact_items.all()
        if not _is_prefetched(self, "contact_items"):
            items = items.select_related("contact__organisation")
        return [item.contact for item in items]

    @cached_property
    def download_list(self):
        items = self.download_items.all()
        if not _is_prefetched(self, "download_items"):
            items = items.select_related("document")
        return list(items)

    @property
    def organisations(self):
        """Lead organisation first, then the partners (as the cards show them)."""
        lead = self.lead_organisation
        partners = [org for org in self.partner_organisations.all() if org != lead]
        return ([lead] if lead else []) + partners

    @property
    def lead_image_alt_text(self):
        if self.lead_image_alt:
            return self.lead_image_alt
        return self.lead_image.title if self.lead_image else ""

    def get_share_image(self):
        return _rendition(self.lead_image, Filter(spec=SHARE_IMAGE_FILTER))

    def get_description(self):
        return self.search_description or self.teaser or self.subtitle

    def get_first_pdf(self):
        """The first PDF among the downloads (the feeds' enclosure), or None."""
        for item in self.download_list:
            if item.document.file_extension.lower() == "pdf":
                return item
        return None

    def get_json_ld_data(self, request, share_image=None):
        """The schema.org ``NewsArticle`` of this release. Override to add properties."""
        site_settings = B52Settings.for_request(request)
        publisher = {"@type": "Organization", "name": site_settings.name}
        if site_settings.logo_id:
            logo = site_settings.logo.get_rendition("height-120")
            publisher["logo"] = {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(logo.url),
            }
        if self.lead_organisation:
            author = {"@type": "Organization", "name": self.lead_organisation.name}
            if self.lead_organisation.website:
                author["url"] = self.lead_organisation.website
        else:
            author = {"@type": "Organization", "name": site_settings.name}
        url = self.get_full_url(request)
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title[:110],
            "datePublished": self.release_date.isoformat(),
            "author": author,
            "publisher": publisher,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "url": url,
            "inLanguage": get_language() or localization.page_language(self),
        }
        if self.last_published_at:
            data["dateModified"] = localization.isoformat(self.last_published_at)
        if self.subtitle:
            data["alternativeHeadline"] = self.subtitle
        description = self.get_description()
        if description:
            data["description"] = description
        if share_image is not None:
            data["image"] = [request.build_absolute_uri(share_image.url)]
        districts = [district.name for district in self.district_list]
        if districts:
            data["contentLocation"] = [
                {"@type": "AdministrativeArea", "name": name} for name in districts
            ]
        if self.event_place:
            data["locationCreated"] = {"@type": "Place", "name": self.event_place}
        return data

    def get_json_ld(self, request, share_image=None):
        """The JSON-LD as a string that is safe inside a <script> element."""
        text = json.dumps(
            self.get_json_ld_data(request, share_image), cls=DjangoJSONEncoder, ensure_ascii=False
        )
        return mark_safe(text.translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308

    def get_feed_pubdate(self):
        return datetime.datetime.combine(self.release_date, datetime.time(8), localization.zone())


class PressReleasePage(AbstractPressReleasePage):
    template = "b52_wagtail/press/press_release_page.html"

    class Meta(AbstractPressReleasePage.Meta):
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")


class AbstractPressReleaseContact(Orderable):
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("contact")]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return str(self.contact)


class PressReleaseContact(AbstractPressReleaseContact):
    page = ParentalKey(PressReleasePage, on_delete=models.CASCADE, related_name="contact_items")


class AbstractPressReleaseDownload(Orderable):
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(
        _("link text"),
        max_length=255,
        blank=True,
        help_text=_("For example “Pressemitteilung als Download”. Empty: the document's title."),
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("download")
        verbose_name_plural = _("downloads")

    def __str__(self):
        return self.title or str(self.document)

    @property
    def display_title(self):
        return self.title or self.document.title


class PressReleaseDownload(AbstractPressReleaseDownload):
    page = ParentalKey(PressReleasePage, on_delete=models.CASCADE, related_name="download_items")


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
        from .feeds import PressReleaseFeed

        return self.serve_feed(request, PressReleaseFeed)

    @path("feed/atom/", name="feed_atom")
    def atom_view(self, request):
        from .feeds import PressReleaseAtomFeed

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
        from .forms import PressReleaseFilterForm

        return PressReleaseFilterForm

    def get_listing(self, request, year=None):
        """The ``ReleaseListing`` of a request; override to return a subclass."""
        return ReleaseListing(self, request, year)

    # Listing -------------------------------------------------------------

    def get_releases(self):
        """Live, public releases below this index, newest first."""
        model = self.get_release_model()
        return (
            model.visible_releases()
            .filter(path__startswith=self.path, depth=self.depth + 1)
            .order_by("-release_date", "-pk")
        )

    def get_years(self):
        """Years that have live, public releases below this index, newest
        first (one query, cached on the page instance): a private release
        must not reveal its year in the filter, the archive or the sitemap."""
        if not hasattr(self, "_years"):
            model = self.get_release_model()
            # The year as text from the ISO date: no per-row date function call.
            year = Substr(Cast("release_date", models.CharField()), 1, 4)
            years = (
                model.visible_releases()
                .filter(path__startswith=self.path, depth=self.depth + 1)
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
        return form_class(self.request.GET, index=self.index, archive_year=self.year)

    @cached_property
    def filter_data(self):
        data = self.filter_form.get_filter_data()
        if self.year:
            data["year"] = self.year
        return data

    @cached_property
    def page_obj(self):
        queryset = self.index.filter_queryset(self.index.get_releases(), self.filter_data)
        # Paginate over the ids (a narrow sort), then load the page's releases.
        return paginate(
            self.request, queryset.values_list("pk", flat=True), self.index.get_page_size()
        )

    @cached_property
    def releases(self):
        return self.index.get_cards(list(self.page_obj.object_list), self.index_url)

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
        }


class ReleaseLink(NamedTuple):
    """A release in a navigation list (previous/next, related)."""

    title: str
    url: str
    release_date: datetime.date


LINK_FIELDS = ("pk", "title", "slug", "url_path", "release_date")


def _links(queryset, parent_url):
    """``ReleaseLink``s from a narrow query. Siblings' URLs are their index's
    URL plus their slug; without it, Wagtail builds them from the page."""
    rows = list(queryset.values(*LINK_FIELDS))
    if parent_url is not None:
        return [
            ReleaseLink(r["title"], f"{parent_url}{r['slug']}/", r["release_date"]) for r in rows
        ]
    pages = Page.objects.in_bulk([row["pk"] for row in rows])
    return [ReleaseLink(r["title"], pages[r["pk"]].url, r["release_date"]) for r in rows]


def _once(func, *args):
    """A callable that calls ``func(*args)`` once and then returns its result."""
    return cache(partial(func, *args))


def _first_link(queryset, parent_url):
    links = _links(queryset[:1], parent_url)
    return links[0] if links else None


def _rendition(image, image_filter):
    """A rendition from the prefetched ones (or the database), without
    Wagtail's cache write of ``get_rendition()`` for every image."""
    if image is None:
        return None
    try:
        return image.find_existing_rendition(image_filter)
    except ObjectDoesNotExist:
        return image.get_rendition(image_filter)


def _is_prefetched(instance, name):
    return name in getattr(instance, "_prefetched_objects_cache", {})


def _ids(values):
    """Primary keys from a mix of model instances and ids (a queryset is
    passed on as a subquery)."""
    if values is None:
        return None
    if isinstance(values, models.QuerySet):
        return values.values("pk")
    if isinstance(values, models.Model | int | str):
        values = [values]
    return [value.pk if isinstance(value, models.Model) else value for value in values]
