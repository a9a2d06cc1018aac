"""The winner showcase of one call: the page, its admin form and its
winners."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
)
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ...blocks import BodyStreamBlock
from ...cache import PAGES, media_tags, model_tag, snippet_tags, tree
from ...models import ApplicantType, District
from ...pages import B52PageMixin
from ...serializers import PageLinkField
from ..panels import StartHerePageChooserPanel
from .call import AbstractAwardCallPage
from .common import call_models, format_euro


class WinnerShowcaseForm(WagtailAdminPageForm):
    """Refuses two winners in one district when the call gives at most one
    prize per district."""

    def clean(self):
        cleaned_data = super().clean()
        call = cleaned_data.get("call")
        formset = self.formsets.get("winners")
        if call is None or formset is None or not call.one_prize_per_district:
            return cleaned_data
        formset.is_valid()  # cleans the inline forms
        seen = Counter()
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not data.get("district"):
                continue
            district = data["district"]
            seen[district.pk] += 1
            if seen[district.pk] > 1:
                form.add_error(
                    "district",
                    _(
                        "This call gives at most one prize per district: "
                        "%(district)s already has a winner."
                    )
                    % {"district": district},
                )
        if any(count > 1 for count in seen.values()):
            self.add_error(
                None,
                _("At most one prize per district: choose a different district for each winner."),
            )
        return cleaned_data


class AbstractWinnerShowcasePage(B52PageMixin, Page):
    """The winners of one call (one year). Subclasses re-declare ``template``."""

    call = models.ForeignKey(
        "b52_awards.AwardCallPage",
        verbose_name=_("award call"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ceremony_date = models.DateField(_("date of the award ceremony"), null=True, blank=True)
    ceremony_place = models.CharField(_("place of the ceremony"), max_length=255, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        StartHerePageChooserPanel(
            "call", page_type="b52_awards.AwardCallPage", start_at="grandparent"
        ),
        FieldRowPanel([FieldPanel("ceremony_date"), FieldPanel("ceremony_place")]),
        FieldPanel("intro"),
        InlinePanel("winners", heading=_("Winners"), label=_("Winner"), min_num=1),
        FieldPanel("body"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.RelatedFields(
            "winners",
            [
                index.SearchField("municipality"),
                index.SearchField("project_title"),
                index.SearchField("description"),
            ],
        ),
        index.FilterField("call"),
    ]

    api_fields = [
        APIField("call", serializer=PageLinkField()),
        APIField("year"),
        APIField("ceremony_date"),
        APIField("ceremony_place"),
        APIField("intro"),
        APIField("body"),
        APIField("winners"),
    ]

    base_form_class = WinnerShowcaseForm

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        # Evaluated inside the cached fragments only (the winners are a lazy
        # queryset, the call is loaded on first use).
        context = super().get_context(request, *args, **kwargs)
        context["winners"] = self.get_winners()
        context["cache_dependencies"] = self.get_cache_dependencies()
        return context

    def get_cache_dependencies(self):
        """What the page shows: itself, its call (any call model), the
        winners' districts and images, and links. Override to add more."""
        calls = [model_tag(model) for model in call_models()]
        snippets = snippet_tags("District", "Contact", "Organisation")
        return [tree(self), PAGES, *calls, *media_tags(), *snippets]

    @property
    def year(self):
        return self.call.edition if self.call_id else None

    def get_winners(self):
        return (
            self.winners.all()
            .select_related("district", "image")
            .prefetch_related("image__renditions")
        )

    @classmethod
    def cdn_pages_showing(cls, obj):
        pages = list(super().cdn_pages_showing(obj))
        if isinstance(obj, District):
            pages.extend(cls.objects.live().filter(winners__district=obj).distinct())
        elif isinstance(obj, AbstractAwardCallPage):
            pages.extend(cls.objects.live().filter(call_id=obj.pk))
        return pages

    def get_json_ld(self, request=None):
        """schema.org ``Event`` for the award ceremony."""
        call = self.call
        name = gettext("Award ceremony %(award)s %(year)s") % {
            "award": call.award_name if call else "",
            "year": self.year or "",
        }
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": name.strip(),
            "description": self.intro or self.title,
            "url": self.get_full_url(request),
        }
        if self.ceremony_date:
            data["startDate"] = self.ceremony_date.isoformat()
        if self.ceremony_place:
            data["location"] = {"@type": "Place", "name": self.ceremony_place}
        return data


class WinnerShowcasePage(AbstractWinnerShowcasePage):
    template = "b52_wagtail/awards/winner_showcase_page.html"

    class Meta:
        verbose_name = _("winner showcase")
        verbose_name_plural = _("winner showcases")


class Winner(Orderable):
    """One winning municipality of a showcase."""

    page = ParentalKey(WinnerShowcasePage, on_delete=models.CASCADE, related_name="winners")
    municipality = models.CharField(
        _("municipality"), max_length=255, help_text=_("For example “Gemeinde Salach”.")
    )
    applicant_type = models.CharField(
        _("applicant type"), max_length=30, choices=ApplicantType.choices, blank=True
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    project_title = models.CharField(_("project title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("alternative text"),
        max_length=255,
        blank=True,
        help_text=_("Describe the image for people who cannot see it."),
    )
    link = models.URLField(_("link"), blank=True)
    prize_amount = models.DecimalField(
        _("prize amount (EUR)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the prize money of the call."),
    )

    panels = [
        FieldRowPanel([FieldPanel("municipality"), FieldPanel("applicant_type")]),
        FieldPanel("district"),
        FieldPanel("project_title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("image"), FieldPanel("image_alt")]),
        FieldRowPanel([FieldPanel("link"), FieldPanel("prize_amount")]),
    ]
    api_fields = [
        APIField("municipality"),
        APIField("applicant_type"),
        APIField("district"),
        APIField("project_title"),
        APIField("description"),
        APIField("image"),
        APIField("image_alt"),
        APIField("link"),
        APIField("prize_amount"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("winner")
        verbose_name_plural = _("winners")

    def __str__(self):
        return f"{self.municipality}: {self.project_title}"

    def clean(self):
        super().clean()
        if self.image_id and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Describe the image for screen readers.")})

    def get_prize_amount(self):
        if self.prize_amount is not None:
            return self.prize_amount
        page = self.page
        return page.call.prize_money if page and page.call_id else None

    @property
    def prize_amount_display(self):
        return format_euro(self.get_prize_amount())
