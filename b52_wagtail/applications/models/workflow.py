"""What the review workflow keeps besides the status: staff notes, the
one-time links that ask an applicant for missing documents, and the mail
templates staff edit for the applicant's mails."""

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .submission import ApplicationSubmission


class ApplicationNote(models.Model):
    """A note staff write on an application. The text lives here, not in the
    log: the log says who added a note and when, and names only the receipt
    number (a note may name the applicant)."""

    submission = models.ForeignKey(
        ApplicationSubmission,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="notes",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return str(_("Note on %(receipt)s")) % {"receipt": self.submission}


class DocumentRequest(models.Model):
    """One request for missing documents: the one-time upload link of its
    mail is a signed ``key`` that works until ``expires_at`` and only once."""

    submission = models.ForeignKey(
        ApplicationSubmission,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="document_requests",
    )
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("b52", "requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("request for missing documents")
        verbose_name_plural = _("requests for missing documents")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return str(self.submission)

    def is_open(self, now=None):
        return self.used_at is None and (now or timezone.now()) < self.expires_at


class MailTemplateKind(models.TextChoices):
    REQUEST_DOCUMENTS = "request_documents", _("Request missing documents")
    AWARDED = "awarded", _("Decision: awarded")
    NOT_SELECTED = "not_selected", _("Decision: not selected")


# What a template may use; {upload_link} only in the request for documents.
PLACEHOLDERS = {
    "receipt_number": _("the receipt number"),
    "project_title": _("the project title"),
    "call": _("the title of the award call"),
    "contact_name": _("the contact person"),
    "applicant_name": _("the municipality or working group"),
    "upload_link": _("the one-time upload link (request for documents only)"),
    "upload_deadline": _("the date until which the upload link works"),
}


PLACEHOLDER = re.compile(r"\{(\w+)\}")


def placeholders_in(text):
    """The names of the ``{placeholders}`` in ``text``."""
    return set(PLACEHOLDER.findall(text or ""))


def fill_placeholders(text, values):
    """``text`` with each known ``{name}`` replaced by its value; anything
    else in braces stays as written (no attribute access, no format specs)."""
    return PLACEHOLDER.sub(
        lambda match: str(values[match[1]]) if match[1] in values else match[0], text or ""
    )


class ApplicationMailTemplate(models.Model):
    """The subject and text of a mail staff send to an applicant, with
    ``{placeholders}``; staff edit and check it before each sending."""

    kind = models.CharField(_("kind"), max_length=30, choices=MailTemplateKind.choices)
    language = models.CharField(
        _("language"),
        max_length=10,
        default="de",
        help_text=_("The language code of the form pages it is for, e.g. “de” or “en”."),
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {receipt_number}, {project_title}, {call}, {contact_name}, "
            "{applicant_name}; in the request for documents also {upload_link} and "
            "{upload_deadline}."
        ),
    )

    class Meta:
        verbose_name = _("application mail template")
        verbose_name_plural = _("application mail templates")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language"], name="b52_application_mail_template_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.language})"

    def clean(self):
        errors = {}
        for name in ("subject", "body"):
            unknown = placeholders_in(getattr(self, name)) - set(PLACEHOLDERS)
            if unknown:
                errors[name] = _("Unknown placeholder: %(names)s.") % {
                    "names": ", ".join(sorted(f"{{{n}}}" for n in unknown))
                }
        if errors:
            raise ValidationError(errors)
