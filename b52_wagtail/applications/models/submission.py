"""Submissions of application forms: the application, its attachments and
the state of its mails."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.models import AbstractFormSubmission

from ...models import ApplicantType
from ..storage import attachment_upload_to, get_private_storage


class ApplicationStatus(models.TextChoices):
    """The workflow of an application (allowed transitions: ``workflow.py``)."""

    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    INCOMPLETE = "incomplete", _("Incomplete")
    JURY = "jury", _("Forwarded to the jury")
    AWARDED = "awarded", _("Awarded")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SPAM = "spam", _("Spam")


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
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the applicant's personal data was erased on request (Art. 17 GDPR)."),
    )
    idempotency_token = models.UUIDField(_("form token"), editable=False)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submit_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "idempotency_token"], name="b52_application_unique_token"
            ),
            # Unique across the whole install (every site, every form).
            models.UniqueConstraint(
                fields=["receipt_number"],
                condition=~Q(receipt_number=""),
                name="b52_application_unique_receipt_number",
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
    warnings = models.JSONField(
        _("warnings"),
        default=list,
        blank=True,
        help_text=_("What the upload check found and let through (e.g. active PDF content)."),
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.original_name

    @classmethod
    def from_checked(cls, submission, checked, sort_order):
        """An unsaved attachment of ``submission`` for a file the upload
        checks passed (``uploads.CheckedFile``); the file is written apart."""
        return cls(
            submission=submission,
            warnings=list(getattr(checked, "warnings", ())),
            original_name=checked.original_name,
            size=checked.size,
            content_type=checked.content_type,
            sha256=checked.sha256,
            sort_order=sort_order,
        )


class MailDelivery(models.Model):
    """The state of one mail of a submission; the mail is rendered when sent."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation to the applicant")
        NOTIFICATION = "notification", _("Notification of the Geschäftsstelle")
        REQUEST_DOCUMENTS = "request_documents", _("Request for missing documents")
        DECISION = "decision", _("Decision to the applicant")
        OFFICE_UPDATE = "office_update", _("Update to the Geschäftsstelle")

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
    subject = models.CharField(
        _("subject"),
        max_length=255,
        blank=True,
        help_text=_("Of a mail written in the admin; empty for the mails rendered when sent."),
    )
    body = models.TextField(_("text"), blank=True)
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
                fields=["submission", "kind"],
                condition=Q(kind__in=["confirmation", "notification"]),
                name="b52_mail_delivery_unique_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_state_display()}"
