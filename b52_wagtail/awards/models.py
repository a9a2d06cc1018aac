"""The B 52-Förderpreis: award calls, winner showcases and the winners archive."""

import datetime
from collections import Counter
from decimal import Decimal

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.api import APIField
from wagtail.coreutils import find_available_slug
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .. import cdn, localization
from ..blocks import BodyStreamBlock
from ..cache import PAGES, media_tags, model_tag, snippet_tags, tree
from ..conf import b52_settings
from ..forms import LocalDateTimeFormMixin
from ..models import ApplicantType, Contact, District
from ..pages import B52PageMixin
from ..serializers import PageLinkField
from ..templatetags.b52_tags import b52_datetime

DEFAULT_AWARD_NAME = "B 52-Förderpreis „Gesunde Kommune“"
DEFAULT_PRIZE_MONEY = Decimal("5200")


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


def all_applicant_types():
    return [choice.value for choice in ApplicantType]


def format_euro(value):
    """Money in the active language's form: “5.200 €” (de), “€5,200” (en)."""
    if value is None:
        return ""
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    amount = formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return gettext("€%(amount)s") % {"amount": amount}


def format_deadline(value):
    """An aware datetime in Berlin time: “30. November 2022, 23:59 Uhr”."""
    return b52_datetime(value)


class ApplicantTypesField(models.JSONField):
    """A list of :class:`~b52_wagtail.models.ApplicantType` values, stored as
    JSON (works on SQLite and PostgreSQL), edited as checkboxes."""

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=ApplicantType.choices,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            initial=self.get_default,
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = set(ApplicantType.values)
        if not isinstance(value, list) or not set(value) <= allowed:
            raise ValidationError(_("Choose applicant types from the list."), code="invalid_choice")


class AwardCallForm(LocalDateTimeFormMixin, WagtailAdminPageForm):
    """Dates may stay empty on a draft (a copied edition has none), but a
    call is only published with its application period. Both dates are typed
    and shown in Berlin time, whatever the host's or the editor's time zone."""

    local_datetime_fields = ("application_start", "deadline")

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


class AbstractAwardCallPage(B52PageMixin, Page):
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
                PageChooserPanel("application_page"),
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
        context["showcase"] = _once(self.get_showcase)
        context["application_page"] = _once(self.get_application_page)
        context["call_documents"] = _once(self.get_call_documents)
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

    # -- next edition ----------------------------------------------------

    def get_next_edition_sibling(self):
        """A call for ``edition + 1`` next to this one, if there is one."""
        for model in call_models():
            page = model.objects.sibling_of(self).filter(edition=self.edition + 1).first()
            if page is not None:
                return page
        return None

    @staticmethod
    def _next_year_text(text, old, new):
        return text.replace(str(old), str(new)) if str(old) in text else f"{text} {new}"

    def create_next_edition(self, user=None, copy_application_page=True):
        """Copy this call to a draft call for the next year, next to it.

        Texts, documents, patrons and jury are copied (Wagtail's
        ``Page.copy`` copies child relations); the application period is
        cleared. The linked application page is copied beside the original,
        as a draft, and every foreign key of the copy that points to this
        call is pointed to the new call, so the awards app needs no
        knowledge of the applications app. Override this to copy more.
        """
        parent = self.get_parent()
        edition = self.edition + 1
        title = self._next_year_text(self.title, self.edition, edition)
        slug = find_available_slug(
            parent, self._next_year_text(self.slug, self.edition, edition).replace(" ", "-")
        )
        new_call = self.copy(
            to=parent,
            update_attrs={
                "title": title,
                "draft_title": title,
                "slug": slug,
                "edition": edition,
                "application_start": None,
                "deadline": None,
                "application_page": None,
                "seo_title": "",
                "first_published_at": None,
                "last_published_at": None,
            },
            copy_revisions=False,
            keep_live=False,
            user=user,
        ).specific
        source_form = self.application_page.specific if self.application_page_id else None
        if copy_application_page and source_form is not None:
            form_parent = source_form.get_parent()
            may_add = user is None or form_parent.permissions_for_user(user).can_add_subpage()
            if may_add:
                update_attrs = {
                    field.name: new_call
                    for field in source_form._meta.concrete_fields
                    if field.many_to_one
                    and isinstance(field.related_model, type)
                    and issubclass(field.related_model, AbstractAwardCallPage)
                    and getattr(source_form, field.attname) == self.pk
                }
                form_title = self._next_year_text(source_form.title, self.edition, edition)
                update_attrs.update(
                    title=form_title,
                    draft_title=form_title,
                    slug=find_available_slug(
                        form_parent,
                        self._next_year_text(source_form.slug, self.edition, edition),
                    ),
                    first_published_at=None,
                    last_published_at=None,
                )
                new_form = source_form.copy(
                    to=form_parent,
                    update_attrs=update_attrs,
                    copy_revisions=False,
                    keep_live=False,
                    user=user,
                ).specific
                new_form.save_revision(user=user, log_action=False)
                new_call.application_page = new_form
                new_call.save(update_fields=["application_page"], clean=False)
        new_call.save_revision(user=user, log_action=False)
        return new_call

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


def _once(function):
    """A callable that calls ``function`` on first use and remembers the result."""
    result = []

    def call():
        if not result:
            result.append(function())
        return result[0]

    return call


def call_models():
    """Every concrete model of an award call (the default and host subclasses)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, AbstractAwardCallPage) and not model._meta.proxy
    ]


def showcase_models():
    """Every concrete model of a winner showcase."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, AbstractWinnerShowcasePage) and not model._meta.proxy
    ]


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
        PageChooserPanel("call", page_type="b52_awards.AwardCallPage"),
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
        districts = sorted({w.district for w in winners}, key=lambda d: (d.name, d.kind))

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
            "district_table": sorted(table.items(), key=lambda item: (item[0].name, item[0].kind)),
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


class AbstractAwardIndexPage(B52PageMixin, Page):
    """The award's section page: the current call first, then earlier calls.
    Subclasses re-declare ``template``."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    api_fields = [APIField("intro"), APIField("body")]

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        calls = self.get_calls()
        self._b52_shown_calls = calls
        context["calls"] = calls
        context["current_call"] = calls[0] if calls else None
        # The calls' badges follow the clock and stay live; the archives and
        # the texts come from the fragment cache.
        context["archives"] = _once(self.get_archives)
        context["cache_dependencies"] = [
            tree(self),
            PAGES,
            *media_tags(),
            *snippet_tags("Contact", "Organisation"),
        ]
        return context

    def get_calls(self):
        """Live, public calls below this page, newest edition first, each
        with its decided flag set (one query for all)."""
        calls = []
        for model in call_models():
            calls.extend(model.objects.live().public().descendant_of(self))
        calls.sort(key=lambda call: (-call.edition, call.path))
        decided = set()
        for model in showcase_models():
            decided.update(
                model.objects.live()
                .filter(call_id__in=[call.pk for call in calls])
                .values_list("call_id", flat=True)
            )
        for call in calls:
            call._b52_decided = call.pk in decided
        return calls

    def get_clock_changes(self, now):
        calls = getattr(self, "_b52_shown_calls", None)
        if calls is None:
            calls = self.get_calls()
        return [moment for call in calls for moment in call.get_clock_changes(now)]

    @classmethod
    def cdn_pages_showing(cls, obj):
        listed = (AbstractAwardCallPage, AbstractWinnerShowcasePage, AbstractWinnerArchivePage)
        if isinstance(obj, listed):
            return list(cls.objects.live().ancestor_of(obj))
        return super().cdn_pages_showing(obj)

    def get_archives(self):
        return [
            page
            for model in apps.get_models()
            if issubclass(model, AbstractWinnerArchivePage)
            for page in model.objects.live().public().descendant_of(self)
        ]


class AwardIndexPage(AbstractAwardIndexPage):
    template = "b52_wagtail/awards/award_index_page.html"

    class Meta:
        verbose_name = _("award section")
        verbose_name_plural = _("award sections")
