"""The application form: fixed fields every application needs, plus the
fields editors add (built by Wagtail's FormBuilder)."""

import time
import unicodedata
import uuid

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db.models import Exists, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import BaseForm, FormBuilder
from wagtail.coreutils import get_supported_content_language_variant

from ..conf import b52_settings
from ..forms import OptionsSelect
from ..models import ApplicantType, District
from ..templatetags.b52_tags import b52_datetime
from .uploads import InspectionBudget, check_uploads

TOKEN_SALT = "b52_wagtail.applications.token"  # noqa: S105  (a salt name, not a secret)
HONEYPOT_FIELD = "b52_homepage"
TOKEN_FIELD = "b52_token"  # noqa: S105  (a field name, not a secret)
# Posted by forms rendered before the render time moved into the token; ignored.
RENDERED_FIELD = "b52_rendered"
RESERVED_FIELD_NAMES = frozenset(
    {
        "applicant_type",
        "applicant_name",
        "district",
        "project_title",
        "summary",
        "contact_name",
        "email",
        "phone",
        "consent",
        "attachments",
        "submit_time",
        "receipt_number",
        "status",
        "consent_at",
        "privacy_notice_version",
        TOKEN_FIELD,
        RENDERED_FIELD,
        HONEYPOT_FIELD,
        "csrfmiddlewaretoken",
    }
)
RESERVED_HIDDEN_FIELDS = frozenset({TOKEN_FIELD, RENDERED_FIELD, HONEYPOT_FIELD})
ACCEPT = ".pdf,.docx,.odt,.jpg,.jpeg,.png,.webp"
# Bounds of the fields editors add (single-line text: Wagtail's 255).
MAX_MULTILINE_LENGTH = 5000
NUMBER_MAX_DIGITS = 12
NUMBER_DECIMAL_PLACES = 2
NUMBER_LIMIT = 10**9
# Characters no single-line answer may hold (a line break in a name could
# end up in a mail header or a CSV line); multi-line text keeps \t \n \r.
CONTROL_CHARACTERS = {chr(code) for code in range(32)} | {"\x7f", "\x85", "\u2028", "\u2029"}
MULTILINE_ALLOWED = {"\t", "\n", "\r"}

phone_validator = RegexValidator(
    r"^\+?[0-9 ()/.\-]{5,40}$",
    _("Please enter a phone number using digits, spaces and + ( ) / - only."),
)


def mint_token(now=None):
    """A form token: a fresh UUID and the time it was issued, signed with
    ``SECRET_KEY``. The server issues it with the form; it identifies the
    one submission of that form (idempotency) and dates the render."""
    issued = time.time() if now is None else now
    return signing.Signer(salt=TOKEN_SALT).sign(f"{uuid.uuid4().hex}:{issued:.3f}")


def parse_token(value):
    """``(uuid, issued_at)`` of a token this server issued, else None."""
    try:
        payload = signing.Signer(salt=TOKEN_SALT).unsign(str(value or ""))
        hex_value, issued = payload.split(":")
        return uuid.UUID(hex=hex_value), float(issued)
    except (signing.BadSignature, ValueError):
        return None


def token_uuid(value):
    """The UUID of a token this server issued (expired or not), else None."""
    parsed = parse_token(value)
    return parsed[0] if parsed else None


# Django's own German messages address the reader informally; the form
# speaks to municipalities, so it says "Sie".
MESSAGES = {
    "required": _("Please fill in this field."),
    "max_length": _(
        "Please shorten this to at most %(limit_value)d characters (it has %(show_value)d)."
    ),
    "invalid_choice": _("Please choose one of the options offered."),
    "max_digits": _("Please enter a number with at most %(max)s digits."),
    "max_decimal_places": _("Please enter at most %(max)s digits after the decimal point."),
    "max_whole_digits": _("Please enter a number with at most %(max)s digits."),
    "max_value": _("Please enter a number of at most %(limit_value)s."),
    "min_value": _("Please enter a number of at least %(limit_value)s."),
}
INVALID_MESSAGES = {
    forms.EmailField: _("Please enter a valid e-mail address, for example name@gemeinde.de."),
    forms.DecimalField: _("Please enter a number."),
    forms.DateField: _("Please enter a valid date, for example 31.12.2026."),
    forms.DateTimeField: _("Please enter a valid date and time."),
    forms.URLField: _("Please enter a valid web address, for example https://www.gemeinde.de."),
}


def nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def closed_message(call, now=None):
    """Why ``call`` accepts no applications now, in words for the applicant."""
    if call is None:
        return gettext("This form does not accept applications.")
    now = now or timezone.now()
    if call.application_start and now < call.application_start:
        return gettext("Applications can be submitted from %(start)s.") % {
            "start": b52_datetime(call.application_start)
        }
    if call.deadline:
        return gettext(
            "The application period ended on %(deadline)s. Applications can no longer be submitted."
        ) % {"deadline": b52_datetime(call.deadline)}
    return gettext("This call does not accept applications at the moment.")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """One or more files, each checked by :func:`.uploads.check_upload`;
    the count, the total size and the total cost of inspecting them are
    limited too. Cleans to a list of :class:`.uploads.CheckedFile`."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files:
            if self.required:
                raise ValidationError(
                    _("Please attach your application documents."), code="required"
                )
            return []
        max_files = b52_settings.APPLICATION_MAX_FILES
        if len(files) > max_files:
            raise ValidationError(
                _("Please attach at most %(limit)d files (you chose %(count)d)."),
                code="too_many_files",
                params={"limit": max_files, "count": len(files)},
            )
        max_total = b52_settings.APPLICATION_MAX_TOTAL_SIZE
        if sum(upload.size or 0 for upload in files) > max_total:
            raise ValidationError(
                _("The files are too large together: at most %(limit)s in total."),
                code="total_too_large",
                params={"limit": filesizeformat(max_total)},
            )
        # One budget for all files of this validation: what inspecting them
        # may cost is bounded in total, not only per file.
        return check_uploads(files, InspectionBudget.from_settings())


class ApplicationForm(BaseForm):
    """The fixed part of every application form.

    ``page`` is the :class:`~.models.AbstractApplicationFormPage`; the rules
    of its award call (period, applicant types, KGK) are asked from the
    call. Attributes after validation: ``is_spam`` (honeypot filled or
    posted too fast: the view pretends success and sends nothing).
    """

    applicant_type = forms.ChoiceField(label=_("Who is applying?"), choices=())
    applicant_name = forms.CharField(
        label=_("Municipality or working group"),
        max_length=255,
        help_text=_("Name of the Gemeinde, Stadt, Stadtteil or Arbeitsgemeinschaft."),
    )
    district = forms.ModelChoiceField(
        label=_("Stadt- or Landkreis"),
        queryset=District.objects.none(),
        widget=OptionsSelect,
        empty_label=_("Please choose"),
        help_text=_("The district responsible for the applicant."),
    )
    project_title = forms.CharField(label=_("Project title"), max_length=255)
    summary = forms.CharField(label=_("Short summary"), widget=forms.Textarea(attrs={"rows": 8}))
    contact_name = forms.CharField(label=_("Contact person"), max_length=255)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The confirmation of receipt is sent to this address."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=50, validators=[phone_validator])
    attachments = AttachmentsField(label=_("Attachments"))
    consent = forms.BooleanField(
        label=_("I agree that my data is processed for this application."),
        error_messages={"required": _("Please agree to the privacy notice.")},
    )
    b52_token = forms.CharField(widget=forms.HiddenInput, required=False)
    b52_homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    fixed_field_order = [
        "applicant_type",
        "applicant_name",
        "district",
        "project_title",
        "summary",
        "contact_name",
        "email",
        "phone",
    ]
    final_field_order = ["attachments", "consent"]

    def __init__(self, *args, **kwargs):
        self.request = kwargs.pop("request", None)
        super().__init__(*args, **kwargs)
        if self.is_bound and hasattr(self.data, "lists"):
            # Every text is stored in NFC, and length limits count NFC
            # characters (an "ä" typed as a + combining diaeresis is one).
            data = self.data.copy()
            for key, values in self.data.lists():
                data.setlist(key, [nfc(value) for value in values])
            self.data = data
        self.is_spam = False
        self.order_fields(
            self.fixed_field_order
            + [name for name in self.fields if name not in RESERVED_FIELD_NAMES]
            + self.final_field_order
        )
        self.setup_fixed_fields()
        self.setup_messages()
        if not self.is_bound:
            self.initial.setdefault(TOKEN_FIELD, mint_token())
        self.set_described_by()

    def setup_fixed_fields(self):
        page = self.page
        call = page.get_call() if page is not None else None
        types = self.fields["applicant_type"]
        types.choices = [("", gettext("Please choose")), *ApplicantType.choices]
        if call is not None:
            # Only admitted types are offered; the choice is still checked
            # against the call on the server.
            types.widget.choices = [("", gettext("Please choose"))] + [
                (value, label)
                for value, label in ApplicantType.choices
                if call.admits_applicant_type(value)
            ]
        self.fields["district"].queryset = self.district_queryset()
        max_length = b52_settings.APPLICATION_SUMMARY_MAX_LENGTH
        summary = self.fields["summary"]
        summary.max_length = max_length
        summary.validators.append(MaxLengthValidator(max_length))
        summary.widget.attrs["maxlength"] = str(max_length)
        summary.help_text = gettext("At most %(limit)d characters.") % {"limit": max_length}
        self.fields["attachments"].widget.attrs["accept"] = ACCEPT
        self.fields["attachments"].help_text = gettext(
            "Your Bewerbungsbogen and further documents as PDF, DOCX, ODT, JPEG, PNG or WebP: "
            "at most %(count)d files, %(size)s per file, %(total)s in total."
        ) % {
            "count": b52_settings.APPLICATION_MAX_FILES,
            "size": filesizeformat(b52_settings.APPLICATION_MAX_FILE_SIZE),
            "total": filesizeformat(b52_settings.APPLICATION_MAX_TOTAL_SIZE),
        }
        privacy_page = page.get_privacy_policy_page(self.request) if page is not None else None
        if privacy_page is not None:
            self.fields["consent"].label = format_html(
                gettext(
                    "I agree that my data is processed for this application as described "
                    "in the {link_start}privacy notice{link_end}."
                ),
                link_start=format_html('<a href="{}">', privacy_page.get_url(self.request)),
                link_end=mark_safe("</a>"),  # noqa: S308
            )
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"

    def setup_messages(self):
        default_required = forms.Field.default_error_messages["required"]
        for field in self.fields.values():
            for code, message in MESSAGES.items():
                # Keep messages a field was given on purpose (e.g. consent).
                if code != "required" or field.error_messages.get(code) is default_required:
                    field.error_messages[code] = message
            for field_class, message in INVALID_MESSAGES.items():
                if isinstance(field, field_class):
                    field.error_messages["invalid"] = message

    def district_queryset(self):
        """The districts of the page's locale, or of the default locale when
        that has none: one query (the fallback is a subquery, not a probe)."""
        districts = District.objects.all()
        locale_id = getattr(self.page, "locale_id", None)
        default = Q(
            locale__language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        if not locale_id:
            return districts.filter(default).order_by("name_sort_key", "name")
        has_own = Exists(District.objects.filter(locale_id=locale_id))
        return districts.filter(Q(locale_id=locale_id) | (default & ~has_own)).order_by(
            "name_sort_key", "name"
        )

    def set_described_by(self):
        for name, field in self.fields.items():
            ids = []
            if field.help_text:
                ids.append(f"id_{name}_help")
            if self.is_bound and name in self.errors:
                ids.append(f"id_{name}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            self.set_described_by()

    # Field rules ----------------------------------------------------------

    def clean_applicant_type(self):
        value = self.cleaned_data["applicant_type"]
        call = self.page.get_call()
        if call is not None and not call.admits_applicant_type(value):
            raise ValidationError(
                _("This call does not admit applications from a %(type)s."),
                code="type_not_admitted",
                params={"type": ApplicantType(value).label},
            )
        return value

    def clean_district(self):
        district = self.cleaned_data["district"]
        call = self.page.get_call()
        if call is not None and not call.is_district_eligible(district):
            raise ValidationError(
                _(
                    "%(district)s has no Kommunale Gesundheitskonferenz. This call only "
                    "admits applicants from districts with a KGK."
                ),
                code="no_kgk",
                params={"district": str(district)},
            )
        return district

    def clean_email(self):
        email = self.cleaned_data["email"]
        local, _at, domain = email.rpartition("@")
        return f"{local}@{domain.lower()}"

    def clean(self):
        cleaned_data = super().clean()
        self.is_spam = self.looks_like_spam()
        self.strip_control_characters(cleaned_data)
        page = self.page
        if page is not None and not page.accepts_applications():
            self.add_error(None, self.closed_message())
        parsed = parse_token(self.data.get(TOKEN_FIELD))
        cleaned_data[TOKEN_FIELD] = parsed[0] if parsed else None
        if parsed and time.time() - parsed[1] > b52_settings.APPLICATION_TOKEN_MAX_AGE:
            # Open for too long: a person gets a fresh form token and sends
            # again; nothing is stored under the old one.
            self.add_error(
                None,
                _(
                    "This form was opened too long ago. Please check your entries, "
                    "select your attachments again and send the form once more."
                ),
            )
            if hasattr(self.data, "_mutable"):
                self.data = self.data.copy()
                self.data[TOKEN_FIELD] = mint_token()
        return cleaned_data

    def strip_control_characters(self, cleaned_data):
        """No control characters in what is stored: in a single-line answer
        each becomes a space (a line break pasted into a name must not reach
        a mail header or a CSV line), multi-line answers keep only tab and
        line breaks. The application is still accepted."""
        for name, value in list(cleaned_data.items()):
            if not isinstance(value, str) or name in RESERVED_HIDDEN_FIELDS:
                continue
            multiline = isinstance(self.fields[name].widget, forms.Textarea)
            allowed = MULTILINE_ALLOWED if multiline else set()
            if (CONTROL_CHARACTERS - allowed) & set(value):
                cleaned = "".join(
                    " " if char in CONTROL_CHARACTERS and char not in allowed else char
                    for char in value
                )
                cleaned_data[name] = cleaned if multiline else " ".join(cleaned.split())

    def closed_message(self):
        return closed_message(self.page.get_call())

    def looks_like_spam(self):
        """Honeypot filled, a token this server did not issue, or sent
        sooner than ``B52_APPLICATION_MIN_SECONDS`` after it was issued."""
        if self.data.get(HONEYPOT_FIELD):
            return True
        parsed = parse_token(self.data.get(TOKEN_FIELD))
        if parsed is None:
            return True
        return time.time() - parsed[1] < b52_settings.APPLICATION_MIN_SECONDS

    # Output ---------------------------------------------------------------

    def extra_data(self):
        """Values of the fields editors added, for ``form_data``."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in RESERVED_FIELD_NAMES and name in self.fields
        }

    def extra_bound_fields(self):
        """The visible fields editors added, in their order."""
        return [
            self[name]
            for name in self.fields
            if name not in RESERVED_FIELD_NAMES and not self[name].is_hidden
        ]

    # Short names in the error summary for fields whose label is a sentence.
    summary_labels = {"consent": _("Consent to the privacy notice")}

    def error_summary(self):
        """(anchor, label, message) for every error, in the order of the form.
        The label ends with its separator: a colon, unless it is a question
        or a sentence of its own (“Wer bewirbt sich?”)."""
        items = [("", "", str(message)) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            if name in self.errors and name not in {TOKEN_FIELD, RENDERED_FIELD, HONEYPOT_FIELD}:
                # The consent label holds a link: no link inside the summary's link.
                label = strip_tags(str(self.summary_labels.get(name, field.label))).strip()
                if not label.endswith(("?", "!", ".", ":")):
                    label += ":"
                for message in self.errors[name]:
                    items.append((f"id_{name}", label, message))
        return items

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT_FIELD]


class ApplicationFormBuilder(FormBuilder):
    """Wagtail's FormBuilder on top of :class:`ApplicationForm`; editor fields
    whose name clashes with a fixed field are left out, and every field an
    editor adds has a bound: text by length, numbers by digits and range."""

    def create_multiline_field(self, field, options):
        options["max_length"] = MAX_MULTILINE_LENGTH
        return super().create_multiline_field(field, options)

    def create_email_field(self, field, options):
        options["max_length"] = 254
        return super().create_email_field(field, options)

    def create_url_field(self, field, options):
        options["max_length"] = 2000
        return super().create_url_field(field, options)

    def create_number_field(self, field, options):
        return forms.DecimalField(
            max_digits=NUMBER_MAX_DIGITS,
            decimal_places=NUMBER_DECIMAL_PLACES,
            min_value=-NUMBER_LIMIT,
            max_value=NUMBER_LIMIT,
            **options,
        )

    @property
    def formfields(self):
        fields = super().formfields
        for name in list(fields):
            if name in RESERVED_FIELD_NAMES:
                del fields[name]
        return fields

    def get_form_class(self, base_class=ApplicationForm):
        return type("ApplicationForm", (base_class,), self.formfields)
