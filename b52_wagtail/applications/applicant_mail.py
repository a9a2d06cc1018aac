"""Mails staff write in the admin (the request for missing documents, the
decision) and the short updates to the Geschäftsstelle, queued as
:class:`~.models.MailDelivery` rows with their subject and text and sent by
the mail tasks (:mod:`.tasks`) after commit, with their retries.

Also the signed links these mails carry: the one-time upload link and the
withdraw link of the confirmation mail.
"""

import json
from functools import cache
from pathlib import Path

from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

from .. import localization
from ..pages import localized_page
from ..templatetags.b52_tags import b52_date
from .history import MAIL_ACTION, log_application
from .mail import admin_url
from .models import ApplicationMailTemplate, MailDelivery
from .models.workflow import fill_placeholders

DEFAULT_TEMPLATES = Path(__file__).parent / "data" / "mail_templates.json"

WITHDRAW_SALT = "b52_applications.withdraw"
DOCUMENTS_SALT = "b52_applications.documents"


@cache
def default_templates():
    """The package's defaults (``data/mail_templates.json``), by ``(kind, language)``."""
    with DEFAULT_TEMPLATES.open(encoding="utf-8") as handle:
        return {(item["kind"], item["language"]): item for item in json.load(handle)}


def template_for(kind, language):
    """``(subject, body)`` of the template of ``kind`` in ``language``: the
    one staff edited, else the package's default in that language; a
    language with neither gets the German template."""
    defaults = default_templates()
    codes = tuple(dict.fromkeys((language, "de")))
    edited = {
        template.language: template
        for template in ApplicationMailTemplate.objects.filter(kind=kind, language__in=codes)
    }
    for code in codes:
        if template := edited.get(code):
            return template.subject, template.body
        if (kind, code) in defaults:
            return defaults[kind, code]["subject"], defaults[kind, code]["body"]
    raise LookupError(f"no mail template of kind {kind!r}")


def placeholder_values(submission, **extra):
    page = submission.page.specific
    call = localized_page(page.call, page.locale_id) if page.call_id else None
    return {
        "receipt_number": submission.receipt_number,
        "project_title": submission.project_title,
        "call": (call or page).title,
        "contact_name": submission.contact_name,
        "applicant_name": submission.applicant_name,
        **extra,
    }


def compose(submission, kind, **extra):
    """The filled-in ``(subject, body)`` of template ``kind`` for ``submission``,
    in the language of its form page."""
    page = submission.page.specific
    subject, body = template_for(kind, page.mail_language())
    values = placeholder_values(submission, **extra)
    return fill_placeholders(subject, values), fill_placeholders(body, values)


def queue_mail(submission, kind, subject, body, *, user=None):
    """Store a written mail and send it after commit; logs who queued it."""
    from .tasks import enqueue_deliveries

    delivery = MailDelivery.objects.create(
        submission=submission,
        kind=kind,
        # One line: a line break in a subject makes Django refuse to send it.
        subject=" ".join(subject.split())[:255],
        body=body,
    )
    log_application(submission, MAIL_ACTION, user=user, kind=kind, delivery_id=delivery.pk)
    transaction.on_commit(lambda: enqueue_deliveries([delivery]), robust=True)
    return delivery


def notify_office(submission, event):
    """Tell the Geschäftsstelle what the applicant did (``event``:
    ``"documents"`` or ``"withdrawn"``): the receipt number and a link to
    the admin, no applicant data. Nothing without a recipient."""
    page = submission.page.specific
    if not page.notification_recipients():
        return None
    with localization.override(page.mail_language()):
        context = {"submission": submission, "event": event, "admin_url": admin_url(submission)}
        if event == "documents":
            subject = gettext("Documents arrived for application %(receipt)s")
        else:
            subject = gettext("Application %(receipt)s was withdrawn")
        subject = subject % {"receipt": submission.receipt_number}
        body = render_to_string("b52_wagtail/applications/mail/office_update.txt", context)
    return queue_mail(submission, MailDelivery.Kind.OFFICE_UPDATE, subject, body)


# Links ------------------------------------------------------------------


def public_url(page, path):
    site = page.get_site()
    root = site.root_url.rstrip("/") if site is not None else ""
    return root + path


def withdraw_token(submission):
    return signing.dumps(submission.pk, salt=WITHDRAW_SALT)


def withdraw_url(submission, page=None):
    page = page or submission.page.specific
    return public_url(page, reverse("b52_applications:withdraw", args=[withdraw_token(submission)]))


def documents_token(document_request):
    return signing.dumps(str(document_request.key), salt=DOCUMENTS_SALT)


def documents_url(document_request, page=None):
    page = page or document_request.submission.page.specific
    return public_url(
        page, reverse("b52_applications:documents", args=[documents_token(document_request)])
    )


def format_deadline(value, page):
    with localization.override(page.mail_language()):
        return b52_date(value)
