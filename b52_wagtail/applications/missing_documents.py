"""Missing documents: staff ask for them in a mail with a one-time upload
link (:func:`create_request`), the applicant uploads them on a public page
(:func:`upload_documents`) through the same checks as the form, or staff
attach the applicant's reply in the admin (:func:`store_attachments`).

The link is the signed key of a :class:`~.models.DocumentRequest`: it works
until the date staff chose, once, and only while the application is
“incomplete”. Using it attaches the files, logs, sets the application back
to “in review” and tells the Geschäftsstelle.
"""

import contextlib
import datetime
import logging

from django import forms
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.views.decorators.http import require_http_methods

from .. import localization
from ..conf import b52_settings
from ..pages import layout_context
from .applicant_mail import DOCUMENTS_SALT, notify_office
from .forms import ACCEPT, AttachmentsField
from .history import DOCUMENTS_ACTION, LINK_ACTION, log_application
from .models import ApplicationStatus, Attachment, DocumentRequest
from .storage import attachment_upload_to, private_storage
from .workflow import TransitionRefused, change_status

logger = logging.getLogger(__name__)

DEFAULT_VALIDITY = datetime.timedelta(days=14)
MAX_VALIDITY = datetime.timedelta(days=90)
# A signed link older than this is refused whatever the row says.
MAX_TOKEN_AGE = MAX_VALIDITY + datetime.timedelta(days=1)


def create_request(submission, expires_at, *, user=None):
    """A new upload link for ``submission``; earlier open ones stop working."""
    now = timezone.now()
    DocumentRequest.objects.filter(submission=submission, used_at__isnull=True).update(
        expires_at=now
    )
    document_request = DocumentRequest.objects.create(
        submission=submission, created_by=user, expires_at=expires_at
    )
    log_application(
        submission,
        LINK_ACTION,
        user=user,
        request_id=document_request.pk,
        until=localization.localtime(expires_at).strftime("%d.%m.%Y %H:%M"),
    )
    return document_request


def store_attachments(submission, checked_files):
    """Store checked files (:class:`.uploads.CheckedFile`) as attachments of
    ``submission`` after its existing ones; returns their count. Call inside
    a transaction. Files written before a failure are deleted again (after a
    later rollback, ``b52_orphan_files`` finds them)."""
    start = (submission.attachments.aggregate(n=Max("sort_order"))["n"] or 0) + 1
    written = []
    try:
        for offset, checked in enumerate(checked_files):
            attachment = Attachment.from_checked(submission, checked, start + offset)
            name = attachment_upload_to(attachment, f"x.{checked.extension}")
            written.append(name)
            written[-1] = private_storage.save(name, ContentFile(checked.content))
            attachment.file.name = written[-1]
            attachment.save()
    except BaseException:
        for name in written:
            try:
                private_storage.delete(name)
            except Exception:  # noqa: BLE001  (cleanup must not hide the original error)
                logger.exception("could not delete an attachment after a failed upload")
        raise
    return len(written)


def files_help_text():
    return gettext(
        "PDF, DOCX, ODT, JPEG, PNG or WebP: at most %(count)d files, %(size)s per file, "
        "%(total)s in total."
    ) % {
        "count": b52_settings.APPLICATION_MAX_FILES,
        "size": filesizeformat(b52_settings.APPLICATION_MAX_FILE_SIZE),
        "total": filesizeformat(b52_settings.APPLICATION_MAX_TOTAL_SIZE),
    }


class DocumentsForm(forms.Form):
    """The files of a reply: the form's checks (:class:`.forms.AttachmentsField`)."""

    attachments = AttachmentsField(label=pgettext_lazy("b52", "Documents"))

    def __init__(self, *args, public=False, **kwargs):
        super().__init__(*args, **kwargs)
        # The public page names the help and error ids itself; Wagtail's
        # admin fields (``formattedfield``) do it their own way.
        self.public = public
        field = self.fields["attachments"]
        field.widget.attrs["accept"] = ACCEPT
        field.help_text = files_help_text()
        if public and not self.is_bound:
            self.set_described_by()

    def set_described_by(self):
        """The help and the error under the field (``includes/field_messages.html``)."""
        bound = self["attachments"]
        ids = [f"{bound.auto_id}_help"]
        if self.is_bound and self.errors.get("attachments"):
            ids.append(f"{bound.auto_id}_error")
        self.fields["attachments"].widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self):
        super().full_clean()
        if self.public and self.is_bound:
            self.set_described_by()


def accept_documents(submission, checked_files, *, user=None, by=None):
    """Attach the files, log, and put an incomplete application back into
    review (inside the caller's transaction)."""
    count = store_attachments(submission, checked_files)
    data = {"count": count}
    if by:
        data["by"] = by
    log_application(submission, DOCUMENTS_ACTION, user=user, **data)
    if submission.status == ApplicationStatus.INCOMPLETE:
        # Changed meanwhile: the files are attached all the same.
        with contextlib.suppress(TransitionRefused):
            change_status(submission, ApplicationStatus.IN_REVIEW, user=user, by=by)
    return count


# Public page --------------------------------------------------------------


def request_for_token(token):
    """The :class:`DocumentRequest` of a signed link, or None."""
    try:
        key = signing.loads(token, salt=DOCUMENTS_SALT, max_age=MAX_TOKEN_AGE)
    except signing.BadSignature:
        return None
    return (
        DocumentRequest.objects.select_related("submission__page").filter(key=key).first()
        if isinstance(key, str)
        else None
    )


def link_state(document_request, now=None):
    """``"open"``, or why the link does not work: ``"invalid"``, ``"used"``,
    ``"expired"`` or ``"closed"`` (the application is no longer incomplete)."""
    if document_request is None:
        return "invalid"
    if document_request.used_at is not None:
        return "used"
    if not document_request.is_open(now):
        return "expired"
    if document_request.submission.status != ApplicationStatus.INCOMPLETE:
        return "closed"
    return "open"


def claim(document_request):
    """Mark the link used, once: one conditional UPDATE, so of two uploads
    at the same time exactly one gets through."""
    now = timezone.now()
    return bool(
        DocumentRequest.objects.filter(
            pk=document_request.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
    )


@require_http_methods(["GET", "HEAD", "POST"])
def upload_documents(request, token):
    """The applicant's page behind the one-time link, in the language of the
    form page: a file field, the same checks as the form, a confirmation."""
    document_request = request_for_token(token)
    page = document_request.submission.page.specific if document_request is not None else None
    state = link_state(document_request)
    form = None
    status = 200
    uploaded = 0
    with localization.override(localization.page_language(page)):
        if state == "open":
            if request.method == "POST":
                form = DocumentsForm(request.POST, request.FILES, public=True)
                if form.is_valid():
                    submission = document_request.submission
                    with transaction.atomic():
                        if claim(document_request):
                            uploaded = accept_documents(
                                submission, form.cleaned_data["attachments"], by="applicant"
                            )
                    if uploaded:
                        transaction.on_commit(lambda: notify_office(submission, "documents"))
                        state = "done"
                    else:
                        state = "used"
                else:
                    status = 400
            else:
                form = DocumentsForm(public=True)
        if state in ("invalid", "used", "expired", "closed"):
            status = 404 if state == "invalid" else 410
        context = {
            "state": state,
            "form": form,
            "submission": document_request.submission if document_request else None,
            "expires_at": document_request.expires_at if document_request else None,
            "uploaded": uploaded,
            **layout_context(page),
        }
        response = TemplateResponse(
            request, "b52_wagtail/applications/documents.html", context, status=status
        )
        response["Cache-Control"] = "private, no-store"
        # The token in the URL goes to no other site; "no-referrer" would make
        # the browser send "Origin: null" and Django refuse the POST (CSRF).
        response["Referrer-Policy"] = "same-origin"
        return localization.render_response(response)
