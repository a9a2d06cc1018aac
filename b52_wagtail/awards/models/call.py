"""The award call page, its admin form and its inline parts (patrons, jury
members, documents). Copying a call to the next edition lives in
:mod:`.edition`."""

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ... import cdn, localization
from ...blocks import BodyStreamBlock
from ...cache import PAGES, media_tags, model_tag, snippet_tags, tree
from ...conf import b52_settings
from ...forms import LocalDateTimeFormMixin
from ...models import ApplicantType, Contact
from ...pages import B52PageMixin, once
from ...serializers import PageLinkField
from ..panels import StartHerePageChooserPanel
from .common import (
    DEFAULT_AWARD_NAME,
    DEFAULT_PRIZE_MONEY,
    ApplicantTypesField,
    all_applicant_types,
    format_deadline,
    format_euro,
    showcase_models,
)
from .edition import NextEditionMixin


class CallStatus(models.TextChoices):
    """Where a call stands; computed from the clock, never stored."""

    ANNOUNCED = "announced", _("Announced")
    OPEN = "open", _("Open for applications")
    CLOSING_SOON = "closing_soon", _("Closing soon")
    CLOSED = "closed", _("Closed")
    DECIDED = "decided", _("Winners announced")


class CallDocumentKind(models.TextChoices):
    CALL_TEXT = "ausschreibung", _("Call text (Ausschreibungstext)")
    APPLICATION_SHEET = "bewerbungsbogen", _("Application sheet (Bewerbungsbogen)")
    FLYER = "flyer", _("Flyer")
    PRESENTATION = "praesentation", _("Presentation")
    OTHER = "other", _("Other document")


class AwardCallForm(LocalDateTimeFormMixin, WagtailAdminPageForm):
    """Dates may stay empty on a draft (a copied edition has none), but a
    call is only published with its application period. Both dates are typed
    and shown in Berlin time, whatever the host's or the editor's time zone."""

    local_datetime_fields = ("application_start", "deadline")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_datetime_help_texts()

    def set_datetime_help_texts(self):
        """The help under both dates names the zone and shows an example in
        the format the admin's date picker writes and reads (the host's
        ``WAGTAIL_DATETIME_FORMAT``): a date typed otherwise is replaced by
        the picker before the form is sent."""
        texts = {
            "application_start": (
                gettext("%(zone)s, typed as %(example)s. Required to publish."),
                datetime.datetime(2022, 10, 1, 0, 0),
            ),
            "deadline": (
                gettext(
                    "The last minute in which applications are accepted (%(zone)s), "
                    "typed as %(example)s. Required to publish."
                ),
                datetime.datetime(2022, 11, 30, 23, 59),
            ),
        }
        for name, (text, example) in texts.items():
            field = self.fields.get(name)
            if field is None:
                continue
            widget_format = getattr(field.widget, "format", None) or getattr(
                field, "display_format", "%Y-%m-%d %H:%M"
            )
            field.help_text = text % {
                "zone": localization.zone_label(),
                "example": example.strftime(widget_format),
            }

    def clean(self):
        cleaned_data = super().clean()
        start = cleaned_data.get("application_start")
        deadline = cleaned_data.get("deadline")
        if start and deadline and deadline <= start:
            self.add_error("deadline", _("The deadline must be after the start of applications."))
        if self.data.get("action-publish"):
            for name in ("application_start", "deadline"):
                if not cleaned_data.get(name) and name not in self.errors:
                    self.add_error(name, _("Required to publish the call."))
        return cleaned_data


class AbstractAwardCallPage(B52PageMixin, NextEditionMixin, Page):
    """One yearly call for the award.

    Status, deadline checks and eligibility live here so that the
    applications app (which links its form page to a call) asks the call.
    The deadline is the last accepted *minute*: see :meth:`closes_at`.
    Subclasses re-declare ``template``.
    """

    award_name = models.CharField(_("award name"), max_length=255, default=DEFAULT_AWARD_NAME)
    edition = models.PositiveSmallIntegerField(
        _("edition (year)"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The year of the call, e.g. 2022."),
    )
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("A short summary shown at the top and in listings."),
    )
    body = StreamField(BodyStreamBlock(), verbose_name=_("body"), blank=True)
    prize_money = models.DecimalField(
        _("prize money per winner (EUR)"),
        max_digits=9,
        decimal_places=2,
        default=DEFAULT_PRIZE_MONEY,
        validators=[MinValueValidator(Decimal("0"))],
    )
    one_prize_per_district = models.BooleanField(
        _("at most one prize per district"),
        default=True,
        help_text=_("When set, a showcase of this call refuses two winners in one district."),
    )
    applicant_types = ApplicantTypesField(
        _("who may apply"),
        default=all_applicant_types,
        blank=False,
    )
    requires_kgk = models.BooleanField(
        _("requires a Kommunale Gesundheitskonferenz"),
        default=True,
        help_text=_("Only applicants whose district has set up a KGK are eligible."),
    )
    application_start = models.DateTimeField(
        _("applications open"),
        null=True,
        blank=True,
        help_text=_("Europe/Berlin time. Required to publish."),
    )
    deadline = models.DateTimeField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_(
            "The last minute in which applications are accepted (Europe/Berlin time), "
            "e.g. 30.11.2022 23:59. Required to publish."
        ),
    )
    application_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("application form page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The page with the online application form, if there is one."),
    )
    contact = models.ForeignKey(
        "b52_wagtail.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("award_name"), FieldPanel("edition")]),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("application_start"), FieldPanel("deadline")]),
                StartHerePageChooserPanel("application_page", start_at="self"),
            ],
            heading=_("Application period"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("prize_money"),
                FieldPanel("one_prize_per_district"),
                FieldPanel("applicant_types"),
                FieldPanel("requires_kgk"),
            ],
            heading=_("Rules"),
        ),
        FieldPanel("body"),
        InlinePanel("call_documents", heading=_("Call documents"), label=_("Document")),
        InlinePanel("patrons", heading=_("Patrons"), label=_("Patron")),
        InlinePanel("jury_members", heading=_("Jury"), label=_("Jury member")),
        FieldPanel("contact"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("award_name"),
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("edition"),
        index.FilterField("deadline"),
    ]

    api_fields = [
        APIField("award_name"),
        APIField("edition"),
        APIField("intro"),
        APIField("body"),
        APIField("prize_money"),
        APIField("one_prize_per_district"),
        APIField("applicant_types"),
        APIField("requires_kgk"),
        APIField("application_start"),
        APIField("deadline"),
        APIField("status"),
        APIField("application_page", serializer=PageLinkField()),
        APIField("contact"),
        APIField("call_documents"),
        APIField("patrons"),
        APIField("jury_members"),
    ]

    base_form_class = AwardCallForm

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        # The showcase, the application page and the documents are callables
        # that the template calls inside its cached fragments ({% b52_cache %}),
        # so a page served from the cache runs no query for them. The status
        # costs no query while the call is open.
        context = super().get_context(request, *args, **kwargs)
        context["status"] = self.get_status()
        context["accepting"] = self.accepts_applications()
        context["badge"] = self.get_badge()
        context["showcase"] = once(self.get_showcase)
        context["application_page"] = once(self.get_application_page)
        context["call_documents"] = once(self.get_call_documents)
        context["header_dependencies"] = self.get_header_dependencies()
        context["cache_dependencies"] = self.get_cache_dependencies()
        return context

    def get_application_page(self):
        """The live, public application form page in this call's language
        (see ``localized_page``), or None. One query."""
        if not self.application_page_id:
            return None
        public = Page.objects.live().public().filter(pk=OuterRef("pk"))
        candidates = Page.objects.filter(pk=self.application_page_id)
        if localization.i18n_enabled():
            translation_key = Page.objects.filter(pk=self.application_page_id).values(
                "translation_key"
            )[:1]
            candidates = Page.objects.filter(
                Q(pk=self.application_page_id)
                | Q(translation_key=Subquery(translation_key), locale_id=self.locale_id, live=True)
            )
        candidates = list(candidates.annotate(b52_visible=Exists(public)))
        page = next((p for p in candidates if p.locale_id == self.locale_id), None)
        page = page or next((p for p in candidates if p.pk == self.application_page_id), None)
        if page is None or not page.b52_visible:
            return None
        return page

    def get_call_documents(self):
        """The call's documents with their files, in one query."""
        documents = self.call_documents.all()
        if isinstance(documents, models.QuerySet):
            documents = documents.select_related("document")
        return list(documents)

    def get_header_dependencies(self):
        """What the header (status, links to the form and the winners) shows."""
        return [tree(self), PAGES, *(model_tag(model) for model in showcase_models())]

    def get_cache_dependencies(self):
        """What the rest of the page (facts, body, documents, people, contact)
        shows. Override this when a subclass shows more."""
        return [tree(self), PAGES, *media_tags(), *snippet_tags("Contact", "Organisation")]

    # -- the clock -------------------------------------------------------

    @property
    def closes_at(self):
        """The first instant at which applications are refused.

        ``deadline`` names the last accepted minute: a deadline of
        30.11.2022 23:59 (Berlin) accepts a POST at 23:59:59 and refuses
        one at 00:00:00 on 1 December. Seconds stored in ``deadline`` are
        ignored. ``None`` while the deadline is not set.
        """
        if self.deadline is None:
            return None
        return self.deadline.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)

    def accepts_applications(self, at=None):
        """True iff ``application_start <= at < closes_at``.

        ``at`` defaults to now. A call without both dates accepts nothing.
        """
        if self.application_start is None or self.deadline is None:
            return False
        at = at or timezone.now()
        return self.application_start <= at < self.closes_at

    def days_left(self, at=None):
        """Calendar days (Europe/Berlin) from ``at`` to the deadline's day:
        0 on the deadline day. Calendar days stay right across DST."""
        if self.deadline is None:
            return None
        at = at or timezone.now()
        return (localization.localdate(self.deadline) - localization.localdate(at)).days

    def is_decided(self):
        """True when a live winner showcase links to this call.

        Listings may set ``_b52_decided`` to avoid one query per call."""
        if not hasattr(self, "_b52_decided"):
            self._b52_decided = any(
                model.objects.live().filter(call_id=self.pk).exists() for model in showcase_models()
            )
        return self._b52_decided

    def get_status(self, at=None):
        """The :class:`CallStatus` at ``at`` (default: now).

        - ANNOUNCED: the dates are not set, or ``at`` is before the start;
        - OPEN: applications are accepted;
        - CLOSING_SOON: accepted, and the deadline's day is at most
          ``B52_CLOSING_SOON_DAYS`` calendar days away;
        - CLOSED: the deadline minute has passed;
        - DECIDED: closed (or undated) and a live showcase links to the call.
        """
        at = at or timezone.now()
        closes_at = self.closes_at
        if (closes_at is None or at >= closes_at) and self.is_decided():
            return CallStatus.DECIDED
        if closes_at is not None and at >= closes_at:
            return CallStatus.CLOSED
        if self.accepts_applications(at):
            if self.days_left(at) <= b52_settings.CLOSING_SOON_DAYS:
                return CallStatus.CLOSING_SOON
            return CallStatus.OPEN
        return CallStatus.ANNOUNCED

    @property
    def status(self):
        return self.get_status()

    def get_badge(self, at=None):
        """Label and detail of the status badge in the active language,
        e.g. ``{"label": "Bewerbungsschluss naht", "detail": "noch 3 Tage"}``."""
        at = at or timezone.now()
        status = self.get_status(at)
        details = []
        if status == CallStatus.ANNOUNCED:
            if self.application_start:
                details.append(
                    gettext("Applications from %(date)s")
                    % {"date": format_deadline(self.application_start)}
                )
            else:
                details.append(gettext("Dates to be announced"))
        elif status in (CallStatus.OPEN, CallStatus.CLOSING_SOON):
            days = self.days_left(at)
            if days == 0:
                details.append(gettext("last day"))
            else:
                details.append(
                    ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
                )
            details.append(gettext("Deadline: %(date)s") % {"date": format_deadline(self.deadline)})
        elif status == CallStatus.CLOSED:
            details.append(
                gettext("Applications closed on %(date)s")
                % {"date": format_deadline(self.deadline)}
            )
        return {
            "status": status,
            "modifier": status.value.replace("_", "-"),
            "label": status.label,
            "detail": " · ".join(details),
        }

    # -- rules -----------------------------------------------------------

    def is_district_eligible(self, district):
        """Whether applicants from ``district`` may apply to this call."""
        if district is None:
            return False
        return not self.requires_kgk or bool(district.has_kgk)

    def admits_applicant_type(self, value):
        """Whether the call admits the :class:`ApplicantType` ``value``."""
        return str(value) in (self.applicant_types or [])

    def get_applicant_types_display(self):
        labels = dict(ApplicantType.choices)
        return [labels[value] for value in self.applicant_types or [] if value in labels]

    # -- full-page caching (b52_wagtail.cdn) -----------------------------

    def get_clock_changes(self, now):
        """The start, the first closing-soon day, the deadline and, while
        applications are accepted, the midnights at which the days left change."""
        changes = [self.application_start, self.closes_at]
        if self.deadline is not None:
            soon = localization.localdate(self.deadline) - datetime.timedelta(
                days=b52_settings.CLOSING_SOON_DAYS
            )
            changes.append(cdn.start_of_day(soon))
        if self.accepts_applications(now):
            changes.extend(cdn.berlin_midnights(now))
        return changes

    @classmethod
    def cdn_pages_showing(cls, obj):
        from .showcase import AbstractWinnerShowcasePage  # here: .showcase imports this module

        pages = list(super().cdn_pages_showing(obj))
        if isinstance(obj, Contact):
            pages.extend(cls.objects.live().filter(contact=obj))
        elif isinstance(obj, AbstractWinnerShowcasePage) and obj.call_id:
            # The showcase turns the call "decided" and is linked from it.
            pages.extend(cls.objects.live().filter(pk=obj.call_id))
        elif isinstance(obj, Page):
            # The call links to its form page while that is live.
            pages.extend(cls.objects.live().filter(application_page_id=obj.pk))
        return pages

    @property
    def prize_money_display(self):
        return format_euro(self.prize_money)

    @property
    def application_start_display(self):
        return format_deadline(self.application_start)

    @property
    def deadline_display(self):
        return format_deadline(self.deadline)

    def get_showcase(self):
        """The live, public showcase of this call's winners, or ``None``."""
        for model in showcase_models():
            showcase = model.objects.live().public().filter(call_id=self.pk).first()
            if showcase is not None:
                return showcase
        return None

    def get_json_ld(self, request=None):
        """schema.org ``Event`` for the application period."""
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": f"{self.award_name} {self.edition}",
            "description": self.intro or self.title,
            "url": self.get_full_url(request),
            "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
            "location": {"@type": "VirtualLocation", "url": self.get_full_url(request)},
        }
        if self.application_start:
            data["startDate"] = localization.isoformat(self.application_start)
        if self.deadline:
            data["endDate"] = localization.isoformat(self.deadline)
        return data


class AwardCallPage(AbstractAwardCallPage):
    template = "b52_wagtail/awards/award_call_page.html"

    class Meta:
        verbose_name = _("award call")
        verbose_name_plural = _("award calls")


class AwardCallPatron(Orderable):
    page = ParentalKey(AwardCallPage, on_delete=models.CASCADE, related_name="patrons")
    name = models.CharField(_("name"), max_length=255, blank=True)
    role = models.CharField(
        _("role"),
        max_length=255,
        help_text=_("For example “Präsident des Städtetags Baden-Württemberg”."),
    )

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("role")])]
    api_fields = [APIField("name"), APIField("role")]

    class Meta(Orderable.Meta):
        verbose_name = _("patron")
        verbose_name_plural = _("patrons")

    def __str__(self):
        return ", ".join(part for part in (self.name, self.role) if part)


class AwardCallJuryMember(Orderable):
    page = ParentalKey(AwardCallPage, on_delete=models.CASCADE, related_name="jury_members")
    name = models.CharField(_("name"), max_length=255, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255)

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("organisation")])]
    api_fields = [APIField("name"), APIField("organisation")]

    class Meta(Orderable.Meta):
        verbose_name = _("jury member")
        verbose_name_plural = _("jury members")

    def __str__(self):
        return self.label

    @property
    def label(self):
        return ", ".join(part for part in (self.name, self.organisation) if part)


class AwardCallDocument(Orderable):
    page = ParentalKey(AwardCallPage, on_delete=models.CASCADE, related_name="call_documents")
    kind = models.CharField(
        _("kind"), max_length=20, choices=CallDocumentKind.choices, default=CallDocumentKind.OTHER
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(
        _("link text"), max_length=255, blank=True, help_text=_("Empty: the kind of document.")
    )

    panels = [FieldRowPanel([FieldPanel("kind"), FieldPanel("title")]), FieldPanel("document")]
    api_fields = [APIField("kind"), APIField("title"), APIField("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("call document")
        verbose_name_plural = _("call documents")

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        return self.title or self.get_kind_display()
