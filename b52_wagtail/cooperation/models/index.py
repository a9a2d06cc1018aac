"""The cooperation page: self-description, members and fields."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from b52_wagtail.cache import PAGES, media_tags, model_tag, snippet_tags, tree
from b52_wagtail.models import (
    B52Settings,
    District,
    Organisation,
    OrganisationKind,
    Programme,
)
from b52_wagtail.pages import B52PageMixin, once

from ..blocks import CooperationStreamBlock
from .common import json_ld
from .field import (
    AbstractCooperationFieldPage,
    CooperationFieldPage,
    CooperationResponsibility,
    DistrictOverview,
    district_keys,
    field_page_models,
)
from .overview import DistrictOverviewMixin

# The order and headings of the member groups on the cooperation page.
MEMBER_GROUPS = [
    (OrganisationKind.BKK, _("Company health insurance funds (BKK)")),
    (OrganisationKind.IKK, _("Guild health insurance funds (IKK)")),
    (OrganisationKind.ERSATZKASSE, _("Substitute health insurance funds (Ersatzkassen)")),
    (OrganisationKind.KNAPPSCHAFT, _("Knappschaft")),
    (OrganisationKind.ASSOCIATION, _("Associations (Verbände)")),
    (OrganisationKind.OTHER, _("Other organisations")),
]


class AbstractCooperationIndexPage(B52PageMixin, DistrictOverviewMixin, Page):
    """The cooperation's self-description, its members, its Geschäftsstelle
    and its fields. Subclasses re-declare ``template``."""

    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("A short lead paragraph above the body.")
    )
    body = StreamField(CooperationStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    api_fields = [APIField("intro"), APIField("body")]

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if kwargs.get("b52_overview"):
            return context
        # Callables, called inside the cached fragments (see the field page).
        members = once(self.get_members)
        context["member_groups"] = once(lambda: self.group_members(members()))
        context["field_cards"] = once(
            lambda: [
                {"page": field_page, "url": field_page.get_url(request)}
                for field_page in self.get_field_pages()
            ]
        )
        context["structured_data"] = once(
            lambda: json_ld(self.get_structured_data(request, members()))
        )
        context["cache_dependencies"] = self.get_cache_dependencies()
        districts = once(self.list_districts)
        context.update(self.get_district_form_context(request, districts=districts))
        return context

    def get_cache_dependencies(self):
        """What the page shows: its fields (and, through district overview
        blocks, every field page model), the core snippets, images,
        documents, links. Override to add more."""
        fields = [model_tag(model) for model in field_page_models()]
        return [tree(self), PAGES, *fields, *media_tags(), *snippet_tags()]

    def get_members(self):
        """Member organisations, with their logos' renditions prefetched."""
        return list(
            Organisation.objects.filter(is_member=True, locale_id=self.locale_id)
            .select_related("logo")
            .prefetch_related("logo__renditions")
        )

    def group_members(self, members):
        """``[(heading, [organisation, …]), …]`` in the order of ``MEMBER_GROUPS``."""
        groups = {kind: [] for kind, _label in MEMBER_GROUPS}
        for organisation in members:
            groups.setdefault(organisation.kind, []).append(organisation)
        return [(label, groups[kind]) for kind, label in MEMBER_GROUPS if groups[kind]]

    def get_field_pages(self):
        """The fields shown as teasers: live, public child field pages."""
        return CooperationFieldPage.objects.child_of(self).live().public().order_by("path")

    def get_overview(self, district):
        field_pages = CooperationFieldPage.objects.live().public().descendant_of(self)
        return DistrictOverview.for_pages(district, field_pages)

    def get_cdn_district_keys(self):
        field_pages = CooperationFieldPage.objects.live().public().descendant_of(self)
        return district_keys(CooperationResponsibility.objects.filter(page__in=field_pages))

    def get_cdn_paths(self, changed=None):
        if isinstance(changed, AbstractCooperationFieldPage):
            # Its teaser here, its rows in the overviews of its districts.
            chooser = self.reverse_subpage("district_chooser")
            return ["/", *(chooser + key + "/" for key in changed.get_cdn_district_keys())]
        return self.get_overview_cdn_paths(changed)

    @classmethod
    def cdn_pages_showing(cls, obj):
        if isinstance(obj, AbstractCooperationFieldPage):
            return list(cls.objects.live().ancestor_of(obj))
        if isinstance(obj, (District, Organisation, Programme)):
            # Members, the district chooser and the overviews' rows.
            return list(cls.objects.live())
        return super().cdn_pages_showing(obj)

    def get_structured_data(self, request, members):
        """schema.org ``Organization`` of the cooperation (JSON-LD)."""
        site_settings = B52Settings.for_request(request)
        data = {
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": site_settings.name,
            "alternateName": site_settings.short_name,
        }
        url = self.get_full_url(request)
        if url:
            data["url"] = url
        if site_settings.office_street or site_settings.office_city:
            data["address"] = {
                "@type": "PostalAddress",
                "streetAddress": site_settings.office_street,
                "postalCode": site_settings.office_postcode,
                "addressLocality": site_settings.office_city,
                "addressCountry": "DE",
            }
        if site_settings.office_email:
            data["email"] = site_settings.office_email
        if site_settings.office_phone:
            data["telephone"] = site_settings.office_phone
        data["member"] = [
            {"@type": "Organization", "name": organisation.name}
            | ({"url": organisation.website} if organisation.website else {})
            for organisation in members
        ]
        return data


class CooperationIndexPage(AbstractCooperationIndexPage):
    template = "b52_wagtail/cooperation/cooperation_index_page.html"

    class Meta:
        verbose_name = _("cooperation page")
        verbose_name_plural = _("cooperation pages")
