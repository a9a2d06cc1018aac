"""The press release page and its inline parts (contacts, downloads)."""

import datetime
import json
from functools import cached_property

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Prefetch, Q
from django.forms import CheckboxSelectMultiple
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.images import get_image_model, get_image_model_string
from wagtail.images.models import Filter
from wagtail.models import Orderable, Page
from wagtail.search import index

from ... import localization
from ...blocks import BodyStreamBlock
from ...cache import (
    PAGES,
    media_tags,
    snippet_tags,
)
from ...models import (
    B52Settings,
    Contact,
    District,
    Organisation,
    Programme,
)
from ...pages import B52PageMixin, once
from .. import serializers
from .common import (
    _JSON_SCRIPT_ESCAPES,
    CARD_IMAGE_FILTER,
    SHARE_IMAGE_FILTER,
    _first_link,
    _ids,
    _is_prefetched,
    _links,
    _rendition,
)


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
        releases = once(type(self).visible_releases)
        parent_url = once(self.get_parent_url, request)
        neighbours = once(lambda: self.get_neighbours(releases(), parent_url()))
        share_image = once(self.get_share_image)
        context.update(
            {
                "previous_release": lambda: neighbours()[0],
                "next_release": lambda: neighbours()[1],
                "related_releases": once(
                    lambda: self.get_related_releases(releases(), parent_url())
                ),
                "share_image": share_image,
                "share_image_url": once(
                    lambda: request.build_absolute_uri(share_image().url) if share_image() else ""
                ),
                "canonical_url": once(self.get_full_url, request),
                "json_ld": once(lambda: self.get_json_ld(request, share_image())),
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
