"""Application forms for award calls: the page, its submissions, attachments,
receipt counters and mail deliveries."""

import logging
import uuid

from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.contrib.forms.models import (
    AbstractEmailForm,
    AbstractFormField,
    AbstractFormSubmission,
)
from wagtail.fields import RichTextField
from wagtail.search import index

from ..models import ApplicantType, B52Settings
from ..pages import B52PageMixin, localized_page
from .forms import (
    RESERVED_FIELD_NAMES,
    TOKEN_FIELD,
    ApplicationForm,
    ApplicationFormBuilder,
    closed_message,
)
from .ratelimit import rate_limit_exceeded
from .storage import attachment_upload_to, get_private_storage, private_storage

logger = logging.getLogger(__name__)


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", _("Rejected")
    SPAM = "spam", _("Spam")


class ApplicationFormField(AbstractFormField):
    """A field an editor adds to an application form (besides the fixed ones)."""

    page = ParentalKey(
        "b52_applications.ApplicationFormPage",
        on_delete=models.CASCADE,
        related_name="form_fields",
    )

    class Meta(AbstractFormField.Meta):
        verbose_name = _("additional form field")
        verbose_name_plural = _("additional form fields")

    def clean(self):
        super().clean()
        if (self.clean_name or self.get_field_clean_name()) in RESERVED_FIELD_NAMES:
            raise ValidationError(
                {
                    "label": _(
                        "This label is already used by a fixed field of the application "
                        "form; please choose another one."
                    )
                }
            )


class AbstractApplicationFormPage(B52PageMixin, AbstractEmailForm):
    """The application form of one award call.

    Fixed fields (applicant, district, project, contact, consent,
    attachments) come from :class:`~.forms.ApplicationForm`; editors add
    more in the admin. Submissions are stored by :meth:`process_form_submission`
    in one transaction with their attachments and a receipt number; mails go
    out after commit as tasks. Subclasses re-declare ``template`` and
    ``landing_page_template``, and a subclass with its own fields needs its
    own form-field model (``form_fields`` relation) as with Wagtail's forms.
    """

    call = models.ForeignKey(
        "b52_awards.AwardCallPage",
        verbose_name=_("award call"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The call this form accepts applications for; its period decides when."),
    )
    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link", "document-link", "ol", "ul"],
    )
    thank_you_text = RichTextField(
        _("thank-you text"),
        blank=True,
        features=["bold", "italic", "link", "document-link", "ol", "ul"],
        help_text=_("Shown with the receipt number after a successful submission."),
    )
    reviewer_groups = ParentalManyToManyField(
        Group,
        verbose_name=_("groups that may read the applications"),
        blank=True,
        related_name="+",
        help_text=_(
            "Members of these groups who have the permission to view the applications "
            "of their form pages read the submissions of this form (for example the jury "
            "of this call). Editing the page does not give access to the applications."
        ),
    )

    content_panels = [
        *AbstractEmailForm.content_panels,
        PageChooserPanel("call", page_type="b52_awards.AwardCallPage"),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Additional form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("Notification of the Geschäftsstelle"),
        ),
        FieldPanel(
            "reviewer_groups",
            widget=forms.CheckboxSelectMultiple,
            permission="b52_applications.view_all_applications",
        ),
    ]

    search_fields = [*AbstractEmailForm.search_fields, index.SearchField("intro")]

    form_builder = ApplicationFormBuilder
    base_form_class_for_applications = ApplicationForm

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["call"] = self.get_call()
        # Title and link in the page's language: the call's translation in
        # this page's locale, where there is one (its rules are the call's).
        context["call_page"] = localized_page(context["call"], self.locale_id)
        context["accepts_applications"] = self.accepts_applications()
        if not context["accepts_applications"]:
            context["closed_message"] = closed_message(context["call"])
        context["privacy_policy_page"] = self.get_privacy_policy_page(request)
        return context

    # Extension points -------------------------------------------------

    def get_call(self):
        """The award call whose rules (period, applicant types, KGK) apply,
        or None when it is missing or not live."""
        call = self.call
        if call is None or not call.live:
            return None
        return call

    def accepts_applications(self, at=None):
        call = self.get_call()
        return call is not None and call.accepts_applications(at)

    def get_site_settings(self, request=None):
        if request is not None:
            return B52Settings.for_request(request)
        site = self.get_site()
        return B52Settings.for_site(site) if site else None

    def get_privacy_policy_page(self, request=None):
        site_settings = self.get_site_settings(request)
        page = site_settings.privacy_policy_page if site_settings else None
        if page is None or not page.live:
            return None
        return page

    def get_form_class(self):
        builder = self.form_builder(self.get_form_fields())
        return builder.get_form_class(self.base_form_class_for_applications)

    def get_submission_class(self):
        return ApplicationSubmission

    def get_submissions(self):
        return super().get_submissions().filter(is_spam=False)

    def get_submissions_list_view_class(self):
        from .views import ApplicationSubmissionsListView

        return self.submissions_list_view_class or ApplicationSubmissionsListView

    def get_data_fields(self):
        fields = [
            ("receipt_number", _("Receipt number")),
            ("submit_time", _("Submission date")),
            ("status", _("Status")),
            ("applicant_type", _("Applicant type")),
            ("applicant_name", _("Municipality or working group")),
            ("district", _("District")),
            ("project_title", _("Project title")),
            ("summary", _("Short summary")),
            ("contact_name", _("Contact person")),
            ("email", _("E-mail")),
            ("phone", _("Phone")),
            ("consent_at", _("Consent given at")),
            ("privacy_notice_version", _("Privacy notice version")),
            ("attachments", _("Attachments")),
        ]
        fields += [(field.clean_name, field.label) for field in self.get_form_fields()]
        return fields

    def receipt_prefix(self):
        """The prefix of receipt numbers, e.g. ``B52-2026``. Override to change it."""
        call = self.call
        return f"B52-{call.edition}"

    def next_receipt_number(self, call):
        """The next gap-free receipt number of ``call``.

        Must run inside the submission's transaction: the counter row stays
        locked (``select_for_update``) until commit, so concurrent submissions
        wait for each other and a rolled-back one gives its number back.
        """
        ReceiptCounter.objects.get_or_create(call_id=call.pk)
        counter = ReceiptCounter.objects.select_for_update().get(call_id=call.pk)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return f"{self.receipt_prefix()}-{counter.last_number:04d}"

    # Serving ------------------------------------------------------------

    def serve_page(self, request, *args, **kwargs):
        if request.method == "POST":
            if rate_limit_exceeded(request, self):
                return self.render_rate_limited(request)
            stored = self.stored_submission_for(request.POST.get(TOKEN_FIELD))
            if stored is not None:
                # A resubmitted form (reload, double click, back button):
                # its receipt again, even after the deadline.
                return self.render_landing_page(request, stored, *args, **kwargs)
            form = self.get_form(
                request.POST, request.FILES, page=self, user=request.user, request=request
            )
            if form.is_valid():
                if form.is_spam:
                    submission = self.process_spam(form)
                    return self.render_landing_page(request, submission, *args, **kwargs)
                submission = self.process_form_submission(form)
                return self.render_landing_page(request, submission, *args, **kwargs)
            if form.is_spam:
                # A bot learns nothing from error messages.
                return self.render_landing_page(request, None, *args, **kwargs)
        else:
            form = self.get_form(page=self, user=request.user, request=request)
        context = self.get_context(request)
        context["form"] = form
        return TemplateResponse(request, self.get_template(request), context)

    def stored_submission_for(self, token):
        """The submission already stored from the form with this token."""
        try:
            token = uuid.UUID(str(token))
        except ValueError:
            return None
        return (
            self.get_submission_class()
            .objects.filter(page=self, idempotency_token=token, is_spam=False)
            .first()
        )

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        if form_submission is not None and form_submission.is_spam:
            form_submission = None
        return super().render_landing_page(request, form_submission, *args, **kwargs)

    def render_rate_limited(self, request):
        context = self.get_context(request)
        return TemplateResponse(
            request, "b52_wagtail/applications/rate_limited.html", context, status=429
        )

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        context["form"] = self.get_form(page=self, user=request.user, request=request)
        return context

    # Storing --------------------------------------------------------------

    def submission_values(self, form):
        """Column values of a submission from a valid form. Override to add columns."""
        data = form.cleaned_data
        site_settings = self.get_site_settings(form.request)
        return {
            "page": self,
            "call": self.call,
            "applicant_type": data["applicant_type"],
            "applicant_name": data["applicant_name"],
            "district": data["district"],
            "project_title": data["project_title"],
            "summary": data["summary"],
            "contact_name": data["contact_name"],
            "email": data["email"],
            "phone": data["phone"],
            "consent": True,
            "consent_at": timezone.now(),
            "privacy_notice_version": site_settings.privacy_notice_version if site_settings else "",
            "idempotency_token": data["b52_token"],
            "form_data": form.extra_data(),
        }

    def process_spam(self, form):
        """Keep a flagged row (no files, no receipt, no mail) for the office
        to look at false positives."""
        values = self.submission_values(form)
        values.update(is_spam=True, status=ApplicationStatus.SPAM, idempotency_token=uuid.uuid4())
        return self.get_submission_class().objects.create(**values)

    def process_form_submission(self, form):
        """Store the submission and its files in one transaction, then queue
        the mails after commit. A resubmission of the same form (same
        idempotency token) returns the stored submission."""
        submission_class = self.get_submission_class()
        token = form.cleaned_data["b52_token"]
        existing = submission_class.objects.filter(page=self, idempotency_token=token).first()
        if existing is not None:
            return existing
        storage = private_storage
        written = []
        try:
            with transaction.atomic():
                call = self.call
                receipt_number = self.next_receipt_number(call)
                # Checked again under the counter lock: a double click that
                # waited for the first request finds its submission here.
                existing = submission_class.objects.filter(
                    page=self, idempotency_token=token
                ).first()
                if existing is not None:
                    raise _Duplicate(existing)
                submission = submission_class.objects.create(
                    receipt_number=receipt_number, **self.submission_values(form)
                )
                for order, checked in enumerate(form.cleaned_data["attachments"]):
                    attachment = Attachment(
                        submission=submission,
                        original_name=checked.original_name,
                        size=checked.size,
                        content_type=checked.content_type,
                        sha256=checked.sha256,
                        sort_order=order,
                    )
                    name = attachment_upload_to(attachment, f"x.{checked.extension}")
                    # On the clean-up list before the write: a write that
                    # fails halfway (disk full) leaves no partial file.
                    written.append(name)
                    name = storage.save(name, ContentFile(checked.content))
                    written[-1] = name
                    attachment.file.name = name
                    attachment.save()
                deliveries = self.create_mail_deliveries(submission)
                transaction.on_commit(lambda: enqueue_deliveries(deliveries))
        except _Duplicate as duplicate:
            _delete_files(storage, written)
            return duplicate.submission
        except IntegrityError:
            _delete_files(storage, written)
            existing = submission_class.objects.filter(page=self, idempotency_token=token).first()
            if existing is not None:
                return existing
            raise
        except BaseException:
            _delete_files(storage, written)
            raise
        return submission

    def notification_recipients(self):
        if self.to_address:
            return [address.strip() for address in self.to_address.split(",") if address.strip()]
        site_settings = self.get_site_settings()
        if site_settings and site_settings.office_email:
            return [site_settings.office_email]
        return []

    def create_mail_deliveries(self, submission):
        deliveries = [
            MailDelivery.objects.create(submission=submission, kind=MailDelivery.Kind.CONFIRMATION)
        ]
        if self.notification_recipients():
            deliveries.append(
                MailDelivery.objects.create(
                    submission=submission, kind=MailDelivery.Kind.NOTIFICATION
                )
            )
        return deliveries

    def mail_language(self):
        """The language of both mails: the page's (see ``b52_wagtail.localization``)."""
        return self.get_b52_language()

    def send_mail(self, form):
        """Wagtail's synchronous mail of every field is not used: the mails
        are sent as tasks after commit (see .tasks) and the notification
        carries no applicant data."""


class _Duplicate(Exception):  # noqa: N818
    def __init__(self, submission):
        super().__init__()
        self.submission = submission


def _delete_files(storage, names):
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001  (cleanup must not hide the original error)
            logger.exception("could not delete an attachment after a failed submission")


def enqueue_deliveries(deliveries):
    from .tasks import enqueue_delivery

    for delivery in deliveries:
        enqueue_delivery(delivery)


class ApplicationFormPage(AbstractApplicationFormPage):
    """The default application form page."""

    template = "b52_wagtail/applications/application_form_page.html"
    landing_page_template = "b52_wagtail/applications/application_form_page_landing.html"

    subpage_types = []

    class Meta:
        verbose_name = _("application form")
        verbose_name_plural = _("application forms")


class ApplicationSubmission(AbstractFormSubmission):
    """One application: fixed fields as columns, editor-added fields in
    ``form_data``, attachments in :class:`Attachment`."""

    call = models.ForeignKey(
        "b52_awards.AwardCallPage",
        verbose_name=_("award call"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applicant_type = models.CharField(
        _("applicant type"), max_length=30, choices=ApplicantType.choices
    )
    applicant_name = models.CharField(_("municipality or working group"), max_length=255)
    district = models.ForeignKey(
        "b52_wagtail.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    project_title = models.CharField(_("project title"), max_length=255)
    summary = models.TextField(_("short summary"))
    contact_name = models.CharField(_("contact person"), max_length=255)
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("phone"), max_length=50)
    consent = models.BooleanField(_("consent to the privacy notice"), default=False)
    consent_at = models.DateTimeField(_("consent given at"), null=True)
    privacy_notice_version = models.CharField(
        _("privacy notice version"), max_length=40, blank=True
    )
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.RECEIVED,
        db_index=True,
    )
    is_spam = models.BooleanField(_("spam"), default=False, db_index=True)
    idempotency_token = models.UUIDField(_("form token"), editable=False)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submit_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "idempotency_token"], name="b52_application_unique_token"
            ),
            models.UniqueConstraint(
                fields=["call", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="b52_application_unique_receipt",
            ),
        ]
        permissions = [
            (
                "view_applications",
                "Can view the applications of form pages whose reviewer groups include theirs",
            ),
            ("view_all_applications", "Can view the applications of every form page"),
        ]

    def __str__(self):
        return self.receipt_number or str(_("application (no receipt number)"))

    def extra_answers(self, page):
        """``(label, text)`` of the fields editors added, in the form's order,
        for mails and the admin: an empty answer is “–”, never “None”."""
        answers = []
        for field in page.get_form_fields():
            if field.clean_name not in self.form_data:
                continue
            value = self.form_data[field.clean_name]
            if isinstance(value, list):
                value = ", ".join(str(item) for item in value)
            answers.append((field.label, "–" if value in (None, "") else str(value)))
        return answers

    def get_data(self):
        return {
            **self.form_data,
            "submit_time": self.submit_time,
            "receipt_number": self.receipt_number,
            "status": self.get_status_display(),
            "applicant_type": self.get_applicant_type_display(),
            "applicant_name": self.applicant_name,
            "district": str(self.district),
            "project_title": self.project_title,
            "summary": self.summary,
            "contact_name": self.contact_name,
            "email": self.email,
            "phone": self.phone,
            "consent_at": self.consent_at,
            "privacy_notice_version": self.privacy_notice_version,
            "attachments": ", ".join(a.original_name for a in self.attachments.all()),
        }


class Attachment(models.Model):
    """A file of an application, stored under a generated name in the
    private storage. ``original_name`` is for display only."""

    submission = models.ForeignKey(
        ApplicationSubmission,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(
        _("file"), storage=get_private_storage, upload_to=attachment_upload_to, max_length=255
    )
    original_name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.original_name


class ReceiptCounter(models.Model):
    """The last receipt number given out for a call (one row per call,
    locked while a submission is stored)."""

    call = models.OneToOneField(
        "b52_awards.AwardCallPage",
        verbose_name=_("award call"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("receipt counter")
        verbose_name_plural = _("receipt counters")

    def __str__(self):
        return f"{self.call_id}: {self.last_number}"


class MailDelivery(models.Model):
    """The state of one mail of a submission; the mail is rendered when sent."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation to the applicant")
        NOTIFICATION = "notification", _("Notification of the Geschäftsstelle")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    submission = models.ForeignKey(
        ApplicationSubmission,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="mail_deliveries",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("mail delivery")
        verbose_name_plural = _("mail deliveries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind"], name="b52_mail_delivery_unique_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_state_display()}"
