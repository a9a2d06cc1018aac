"""Core data shared by every b52_wagtail app: organisations, contacts,
districts, programmes and the site settings of the cooperation."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import TranslatableMixin
from wagtail.search import index


def localized_objects(queryset, locale_id):
    """One object per translation of ``queryset``'s translatable snippets:
    the one in ``locale_id`` where it exists, else the default locale's (in
    the queryset's order). One query."""
    default_language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    objects = list(
        queryset.filter(Q(locale_id=locale_id) | Q(locale__language_code=default_language))
    )
    preferred = {obj.translation_key for obj in objects if obj.locale_id == locale_id}
    return [
        obj for obj in objects if obj.locale_id == locale_id or obj.translation_key not in preferred
    ]


# German dictionary order (DIN 5007-1): an umlaut sorts as its base letter,
# ß as “ss”, case is ignored; the raw text breaks ties. The databases'
# own collations differ (SQLite and PostgreSQL's "C" put “Breisgau” before
# “Böblingen”), so the folding is spelt out and stored as ``name_sort_key``
# on districts and organisations: their default order, on any database and
# in modelcluster's in-memory sorting (which takes field names only).
GERMAN_FOLDING = (
    ("ä", "a"),
    ("ö", "o"),
    ("ü", "u"),
    ("Ä", "a"),
    ("Ö", "o"),
    ("Ü", "u"),
    ("ß", "ss"),
    ("ẞ", "ss"),
)


def german_folded(text):
    """``text`` folded for German order: ``"Böblingen"`` → ``"boblingen"``."""
    folded = str(text or "")
    for letter, replacement in GERMAN_FOLDING:
        folded = folded.replace(letter, replacement)
    return folded.lower()


def german_sort_key(text):
    """The same order in Python: ``sorted(names, key=german_sort_key)``."""
    return (german_folded(text), str(text or ""))


class GermanSortKeyMixin(models.Model):
    """Keeps ``name_sort_key`` (the German-folded ``name``) up to date."""

    name_sort_key = models.CharField(
        _("sort key"), max_length=255, blank=True, editable=False, default=""
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.name_sort_key = german_folded(self.name)[:255]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_sort_key"}
        super().save(*args, **kwargs)


def translations_of(obj):
    """``obj`` and its translations, as a queryset (for ``__in`` filters)."""
    return type(obj).objects.filter(translation_key=obj.translation_key)


class OrganisationKind(models.TextChoices):
    BKK = "bkk", _("Betriebskrankenkasse")
    IKK = "ikk", _("Innungskrankenkasse")
    ERSATZKASSE = "ersatzkasse", _("Ersatzkasse")
    KNAPPSCHAFT = "knappschaft", _("Knappschaft")
    ASSOCIATION = "verband", _("Association (Verband)")
    OTHER = "other", _("Other organisation")


class Organisation(GermanSortKeyMixin, TranslatableMixin, index.Indexed, models.Model):
    """A partner Kasse, a Verband or another organisation."""

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(
        _("short name"),
        max_length=80,
        blank=True,
        help_text=_("For example “vdek” or “IKK classic”."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    is_member = models.BooleanField(
        _("member of the cooperation"),
        default=False,
        help_text=_("Shown among the members on the cooperation page."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("address"), blank=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("short_name"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("is_member"), FieldPanel("sort_order")]),
        FieldPanel("logo"),
        FieldPanel("website"),
        FieldPanel("address"),
        FieldPanel("description"),
    ]

    search_fields = [
        index.SearchField("name"),
        index.SearchField("short_name"),
        index.AutocompleteField("name"),
        index.FilterField("kind"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["sort_order", "name_sort_key", "name"]

    def __str__(self):
        return self.short_name or self.name

    @property
    def display_name(self):
        return self.name


class Contact(TranslatableMixin, index.Indexed, models.Model):
    """A person to contact, e.g. at the bottom of a press release."""

    name = models.CharField(_("name"), max_length=255)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    unit = models.CharField(
        _("unit"),
        max_length=255,
        blank=True,
        help_text=_("For example “Landesvertretung Baden-Württemberg”."),
    )
    role = models.CharField(_("role"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("organisation"),
        FieldRowPanel([FieldPanel("unit"), FieldPanel("role")]),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("unit"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]

    def __str__(self):
        if self.organisation_id:
            return f"{self.name} ({self.organisation})"
        return self.name


class ApplicantType(models.TextChoices):
    """Who may apply for an award (the call chooses which it admits)."""

    MUNICIPALITY = "gemeinde", _("Municipality (Gemeinde)")
    TOWN = "stadt", _("Town or city (Stadt)")
    CITY_DISTRICT = "stadtteil", _("City district of a Stadtkreis (Stadtteil)")
    WORKING_GROUP = "arbeitsgemeinschaft", _("Working group of local actors (Arbeitsgemeinschaft)")


class DistrictKind(models.TextChoices):
    URBAN = "SK", _("Stadtkreis")
    RURAL = "LK", _("Landkreis")


class AdministrativeRegion(models.TextChoices):
    STUTTGART = "stuttgart", _("Regierungsbezirk Stuttgart")
    KARLSRUHE = "karlsruhe", _("Regierungsbezirk Karlsruhe")
    FREIBURG = "freiburg", _("Regierungsbezirk Freiburg")
    TUEBINGEN = "tuebingen", _("Regierungsbezirk Tübingen")


district_key_validator = RegexValidator(
    r"^\d{5}$", _("A district key has exactly five digits, e.g. 08111.")
)


class District(GermanSortKeyMixin, TranslatableMixin, index.Indexed, models.Model):
    """A Stadt- or Landkreis of Baden-Württemberg."""

    key = models.CharField(
        _("district key"),
        max_length=5,
        validators=[district_key_validator],
        help_text=_("Official Kreisschlüssel: the first five digits of the AGS."),
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=2, choices=DistrictKind.choices)
    region = models.CharField(
        _("Regierungsbezirk"), max_length=20, choices=AdministrativeRegion.choices
    )
    has_kgk = models.BooleanField(
        _("has a Kommunale Gesundheitskonferenz"),
        default=False,
        help_text=_("Award calls may require a KGK in the applicant's district."),
    )
    kgk_since = models.DateField(_("KGK since"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("key"), FieldPanel("kind")]),
        FieldPanel("name"),
        FieldPanel("region"),
        MultiFieldPanel(
            [FieldPanel("has_kgk"), FieldPanel("kgk_since")],
            heading=_("Kommunale Gesundheitskonferenz"),
        ),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("kind"),
        index.FilterField("region"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name_sort_key", "name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["key", "locale"], name="b52_district_unique_key"),
        ]

    def __str__(self):
        if self.kind == DistrictKind.URBAN:
            return f"{self.name} ({self.get_kind_display()})"
        if self.name.endswith(("kreis", "Kreis")):
            return self.name
        return f"{self.get_kind_display()} {self.name}"

    def clean(self):
        super().clean()
        if self.kgk_since and not self.has_kgk:
            from django.core.exceptions import ValidationError

            raise ValidationError(
                {"kgk_since": _("A start date only makes sense when the district has a KGK.")}
            )


class Programme(TranslatableMixin, index.Indexed, ClusterableModel):
    """A programme of a cooperation field, e.g. “teamw()rk für Gesundheit und Arbeit”."""

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(pgettext_lazy("b52", "slug"), max_length=255, allow_unicode=False)
    description = models.TextField(_("description"), blank=True)
    coordinator = models.ForeignKey(
        Organisation,
        verbose_name=_("coordinating organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_programmes",
    )
    website = models.URLField(_("website"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("coordinator"),
        FieldPanel("description"),
        FieldPanel("website"),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="b52_programme_unique_slug"),
        ]

    def __str__(self):
        return self.name


@register_setting(icon="group")
class B52Settings(BaseSiteSetting):
    """Name, logo and Geschäftsstelle of the cooperation, per site.

    Templates read it once per request through ``{% b52_settings %}`` or
    ``B52Settings.for_request(request)``, which caches it on the request.
    """

    name = models.CharField(
        _("name of the cooperation"),
        max_length=255,
        default="B 52-Verbändekooperation Baden-Württemberg",
    )
    short_name = models.CharField(_("short name"), max_length=80, default="B 52")
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    office_name = models.CharField(
        _("name of the Geschäftsstelle"),
        max_length=255,
        blank=True,
        help_text=_("For example “Geschäftsstelle beim BKK Landesverband Süd”."),
    )
    office_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("host organisation of the Geschäftsstelle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    office_street = models.CharField(_("street"), max_length=255, blank=True)
    office_postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    office_city = models.CharField(_("city"), max_length=120, blank=True)
    office_phone = models.CharField(_("phone"), max_length=50, blank=True)
    office_email = models.EmailField(_("e-mail"), blank=True)
    default_contact = models.ForeignKey(
        Contact,
        verbose_name=_("default contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    privacy_policy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy policy page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    privacy_notice_version = models.CharField(
        _("version of the privacy notice"),
        max_length=40,
        default="1",
        help_text=_(
            "Change it whenever the privacy notice changes: every application "
            "records the version its applicant consented to."
        ),
    )

    select_related = ["logo", "office_organisation", "default_contact__organisation"]

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("short_name"), FieldPanel("logo")],
            heading=_("Cooperation"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("office_name"),
                FieldPanel("office_organisation"),
                FieldPanel("office_street"),
                FieldRowPanel([FieldPanel("office_postcode"), FieldPanel("office_city")]),
                FieldRowPanel([FieldPanel("office_phone"), FieldPanel("office_email")]),
            ],
            heading=_("Geschäftsstelle"),
        ),
        FieldPanel("default_contact"),
        FieldPanel("privacy_policy_page"),
        FieldPanel("privacy_notice_version"),
    ]

    class Meta:
        verbose_name = _("B 52 settings")
        verbose_name_plural = _("B 52 settings")

    def __str__(self):
        return self.name

    @property
    def office_address_lines(self):
        lines = [self.office_name, self.office_street]
        lines.append(" ".join(part for part in (self.office_postcode, self.office_city) if part))
        return [line for line in lines if line]
