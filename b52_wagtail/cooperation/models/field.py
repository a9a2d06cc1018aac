"""The cooperation field page (Kooperationsfeld), its inline parts and the
district overview of its responsibility rows."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from b52_wagtail import cdn, localization
from b52_wagtail.cache import PAGES, media_tags, model_tag, snippet_tags, tree
from b52_wagtail.content import latest_news, news_sources
from b52_wagtail.models import (
    Contact,
    District,
    Organisation,
    Programme,
)
from b52_wagtail.pages import B52PageMixin, once

from ...serializers import (
    ContactField,
    DistrictField,
    OrganisationField,
    PageLinkField,
    ProgrammeField,
)
from ..blocks import CooperationStreamBlock
from .common import rows
from .overview import DistrictOverviewMixin


def field_page_models():
    """Every concrete model of a cooperation field page."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if issubclass(model, AbstractCooperationFieldPage) and not model._meta.proxy
    ]


class DistrictOverview:
    """The responsibilities (“Federführung”) of cooperation fields in one
    district, and whether the district has a Kommunale Gesundheitskonferenz.
    A fixed number of queries, whatever the number of rows."""

    def __init__(self, district, responsibilities):
        self.district = district
        self.responsibilities = list(responsibilities)

    @classmethod
    def for_pages(cls, district, field_pages):
        rows = (
            CooperationResponsibility.objects.filter(districts=district, page__in=field_pages)
            .select_related("programme", "organisation", "page")
            .order_by("page__path", "sort_order", "pk")
        )
        return cls(district, rows)

    @classmethod
    def for_site(cls, district, site=None):
        """The overview across every live, public field page of ``site``
        (of every site when it is ``None``)."""
        field_pages = CooperationFieldPage.objects.live().public()
        if site is not None:
            field_pages = field_pages.in_site(site)
        return cls.for_pages(district, field_pages)


def district_keys(responsibilities):
    """Keys of the districts of ``responsibilities``, one query."""
    through = CooperationResponsibility.districts.through
    if not isinstance(responsibilities, models.QuerySet):
        # In-memory rows of a page being published (modelcluster).
        responsibilities = [row.pk for row in responsibilities if row.pk]
    return sorted(
        set(
            through.objects.filter(cooperationresponsibility__in=responsibilities).values_list(
                "district__key", flat=True
            )
        )
    )


class FundingPhaseStatus(models.TextChoices):
    UPCOMING = "upcoming", _("upcoming")
    CURRENT = "current", _("current")
    ENDED = "ended", _("ended")


class AbstractCooperationFieldProgramme(Orderable):
    programme = models.ForeignKey(
        "b52_wagtail.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("programme")]

    api_fields = [APIField("programme", serializer=ProgrammeField())]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("programme of the field")
        verbose_name_plural = _("programmes of the field")


class AbstractCooperationResponsibility(Orderable, ClusterableModel):
    """One row of the responsibilities table: a partner leads (“Federführung”)
    a programme, or the field itself, in some districts."""

    programme = models.ForeignKey(
        "b52_wagtail.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the lead applies to the cooperation field as a whole."),
    )
    organisation = models.ForeignKey(
        "b52_wagtail.Organisation",
        verbose_name=_("lead organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    districts = ParentalManyToManyField(
        "b52_wagtail.District", verbose_name=_("districts"), related_name="+"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("programme"), FieldPanel("organisation")]),
        FieldPanel("districts", widget=forms.CheckboxSelectMultiple),
        FieldPanel("note"),
    ]

    api_fields = [
        APIField("programme", serializer=ProgrammeField()),
        APIField("organisation", serializer=OrganisationField()),
        APIField("districts", serializer=DistrictField(many=True)),
        APIField("note"),
    ]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("lead responsibility")
        verbose_name_plural = _("lead responsibilities")

    def __str__(self):
        return f"{self.organisation}: {self.programme or self.page}"


class AbstractCooperationFieldContact(Orderable):
    contact = models.ForeignKey(
        "b52_wagtail.Contact",
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("contact")]

    api_fields = [APIField("contact", serializer=ContactField())]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")


class AbstractCooperationFundingPhase(Orderable):
    programme = models.ForeignKey(
        "b52_wagtail.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(
        _("title"), max_length=255, help_text=_("For example “Neue Förderphase”.")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("programme"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("note"),
    ]

    api_fields = [
        APIField("title"),
        APIField("programme", serializer=ProgrammeField()),
        APIField("start_date"),
        APIField("end_date"),
        APIField("note"),
    ]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("funding phase")
        verbose_name_plural = _("funding phases")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date lies before the start date.")})

    def get_status(self, today=None):
        today = today or localization.localdate()
        if self.start_date and today < self.start_date:
            return FundingPhaseStatus.UPCOMING
        if self.end_date and self.end_date < today:
            return FundingPhaseStatus.ENDED
        return FundingPhaseStatus.CURRENT

    @property
    def status(self):
        return self.get_status()


class AbstractCooperationRelatedPage(Orderable):
    related_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("related_page")]

    api_fields = [APIField("related_page", serializer=PageLinkField())]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("related page")
        verbose_name_plural = _("related pages")


class AbstractCooperationFieldPage(B52PageMixin, DistrictOverviewMixin, Page):
    """A Kooperationsfeld. The concrete page adds the inline rows under the
    related names ``programme_links``, ``responsibilities``,
    ``funding_phases``, ``contact_links`` and ``related_pages``; a subclass
    of this base defines its own inline models with the same names (see
    ``AbstractCooperationResponsibility`` and friends) and re-declares
    ``template``."""

    teaser = models.TextField(
        _("teaser"),
        max_length=500,
        blank=True,
        help_text=_("One or two sentences for the list of fields on the cooperation page."),
    )
    body = StreamField(CooperationStreamBlock(), verbose_name=_("body"), blank=True)
    organisations = ParentalManyToManyField(
        "b52_wagtail.Organisation",
        verbose_name=_("participating organisations"),
        blank=True,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("teaser"),
        FieldPanel("body"),
        FieldPanel("organisations", widget=forms.CheckboxSelectMultiple),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("teaser"),
        index.SearchField("body"),
        index.RelatedFields("organisations", [index.SearchField("name")]),
    ]

    api_fields = [
        APIField("teaser"),
        APIField("body"),
        APIField("organisations", serializer=OrganisationField(many=True)),
    ]

    # How many of the newest releases of the field's programmes to show.
    news_limit = 3

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if kwargs.get("b52_overview"):
            return context
        # Each value is a callable that the template calls on first use,
        # inside its cached fragments ({% b52_cache %}): a page served from
        # the cache runs none of these queries.
        programmes = once(
            lambda: [
                link.programme
                for link in rows(self.programme_links, select=["programme__coordinator"])
            ]
        )
        context.update(
            {
                "programmes": programmes,
                "responsibilities": once(
                    lambda: rows(
                        self.responsibilities,
                        select=["programme", "organisation"],
                        prefetch=["districts"],
                    )
                ),
                "organisations": once(lambda: list(self.organisations.all())),
                "funding_phases": once(lambda: rows(self.funding_phases, select=["programme"])),
                "contacts": once(
                    lambda: [
                        link.contact
                        for link in rows(self.contact_links, select=["contact__organisation"])
                    ]
                ),
                "related_pages": once(self.get_related_pages),
                "latest_news": once(lambda: self.get_latest_news(request, programmes())),
                "cache_dependencies": self.get_cache_dependencies(),
                "related_dependencies": self.get_related_dependencies(),
            }
        )
        districts = once(self.list_districts)
        context.update(self.get_district_form_context(request, districts=districts))
        return context

    def get_cache_dependencies(self):
        """What the page shows apart from its related content: itself, the
        core snippets, images and documents, links. Override to add more."""
        return [tree(self), PAGES, *media_tags(), *snippet_tags()]

    def get_related_dependencies(self):
        """What the related content shows: chosen pages and the news of every
        registered news source (any change of one of their pages)."""
        news = [model_tag(model) for model in news_sources() if hasattr(model, "_meta")]
        return [tree(self), PAGES, model_tag(Programme), *news]

    def get_related_pages(self):
        """The related pages chosen by editors that are live and public."""
        links = list(self.related_pages.all())
        if not links:
            return []
        visible = Page.objects.live().public().in_bulk([link.related_page_id for link in links])
        return [visible[link.related_page_id] for link in links if link.related_page_id in visible]

    def get_latest_news(self, request, programmes):
        """``[{"page": …, "url": …, "date": …}, …]``: the newest news (press
        releases, when the press app is installed) about the field's
        programmes, from every source registered in ``b52_wagtail.content``."""
        if not programmes:
            return []
        items = latest_news(
            programmes=[p.pk for p in programmes], limit=self.news_limit, request=request
        )
        return [
            {
                "page": item,
                "url": item.get_url(request),
                "date": getattr(item, item.b52_news_date_field),
            }
            for item in items
        ]

    def get_overview(self, district):
        return DistrictOverview.for_pages(district, type(self).objects.filter(pk=self.pk))

    # Full-page caching (b52_wagtail.cdn) ---------------------------------

    def get_cdn_district_keys(self):
        return district_keys(self.responsibilities.all())

    def get_cdn_paths(self, changed=None):
        return self.get_overview_cdn_paths(changed)

    # The phases' dates, not the time of the request, make the moments: the
    # list is cached with the page (b52_wagtail.cdn.clock_changes).
    clock_changes_depend_on_now = False

    def get_clock_changes(self, now):
        """Funding phases turn current at their start and ended after their
        last day (midnight, Europe/Berlin)."""
        changes = []
        for phase in self.funding_phases.all():
            if phase.start_date:
                changes.append(cdn.start_of_day(phase.start_date))
            if phase.end_date:
                changes.append(cdn.start_of_day(phase.end_date + datetime.timedelta(days=1)))
        return changes

    @classmethod
    def cdn_pages_showing(cls, obj):
        pages = cls.objects.live()
        if isinstance(obj, District):
            return list(pages)  # every field page offers the district chooser
        if isinstance(obj, Programme):
            condition = (
                models.Q(programme_links__programme=obj)
                | models.Q(responsibilities__programme=obj)
                | models.Q(funding_phases__programme=obj)
            )
        elif isinstance(obj, Organisation):
            condition = models.Q(organisations=obj) | models.Q(responsibilities__organisation=obj)
        elif isinstance(obj, Contact):
            condition = models.Q(contact_links__contact=obj)
        elif isinstance(obj, Page):
            condition = models.Q(related_pages__related_page=obj)
            programme_id = getattr(obj, "programme_id", None)
            if programme_id and getattr(obj, "b52_news_date_field", None):
                # A news item (a press release) of one of the field's programmes.
                condition |= models.Q(programme_links__programme_id=programme_id)
        else:
            return []
        return list(pages.filter(pk__in=cls.objects.filter(condition).values("pk")))


class CooperationFieldPage(AbstractCooperationFieldPage):
    template = "b52_wagtail/cooperation/cooperation_field_page.html"

    content_panels = AbstractCooperationFieldPage.content_panels + [
        InlinePanel("programme_links", heading=_("Programmes"), label=_("Programme")),
        InlinePanel(
            "responsibilities",
            heading=_("Lead responsibilities (Federführung)"),
            label=_("Lead responsibility"),
        ),
        InlinePanel("funding_phases", heading=_("Funding phases"), label=_("Funding phase")),
        InlinePanel("contact_links", heading=_("Contacts"), label=_("Contact")),
        InlinePanel(
            "related_pages",
            heading=_("Related content"),
            label=_("Related page"),
            help_text=_("The newest press releases of the field's programmes appear on their own."),
        ),
    ]

    search_fields = AbstractCooperationFieldPage.search_fields + [
        index.RelatedFields(
            "programme_links",
            [index.RelatedFields("programme", [index.SearchField("name")])],
        ),
    ]

    api_fields = AbstractCooperationFieldPage.api_fields + [
        APIField("programme_links"),
        APIField("responsibilities"),
        APIField("funding_phases"),
        APIField("contact_links"),
        APIField("related_pages"),
    ]

    class Meta:
        verbose_name = _("cooperation field")
        verbose_name_plural = _("cooperation fields")


class CooperationFieldProgramme(AbstractCooperationFieldProgramme):
    page = ParentalKey(CooperationFieldPage, related_name="programme_links")


class CooperationResponsibility(AbstractCooperationResponsibility):
    page = ParentalKey(CooperationFieldPage, related_name="responsibilities")


class CooperationFieldContact(AbstractCooperationFieldContact):
    page = ParentalKey(CooperationFieldPage, related_name="contact_links")


class CooperationFundingPhase(AbstractCooperationFundingPhase):
    page = ParentalKey(CooperationFieldPage, related_name="funding_phases")


class CooperationRelatedPage(AbstractCooperationRelatedPage):
    page = ParentalKey(CooperationFieldPage, related_name="related_pages")
