"""The two mails of a submission, rendered when they are sent.

Recipients come from validated fields only (the applicant's e-mail, the
page's ``to_address`` or the Geschäftsstelle's address); names and other
free text never go into a header, so CR/LF in a name cannot inject one.
Neither mail carries attachments; the notification carries no applicant
data, only a link to the submission in the admin.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ..models import B52Settings


def admin_url(submission):
    base = (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").rstrip("/")
    return base + reverse("b52_applications_admin:detail", args=[submission.pk])


def _site_settings(page):
    site = page.get_site()
    return B52Settings.for_site(site) if site else None


def _from_address(page):
    return page.from_address or settings.DEFAULT_FROM_EMAIL


def build_confirmation(submission):
    page = submission.page.specific
    site_settings = _site_settings(page)
    with translation.override(page.mail_language()):
        context = {
            "submission": submission,
            "page": page,
            "call": page.call,
            "attachments": list(submission.attachments.all()),
            "b52": site_settings,
            "extra": [
                (field.label, submission.form_data.get(field.clean_name))
                for field in page.get_form_fields()
                if field.clean_name in submission.form_data
            ],
        }
        subject = gettext("Confirmation of receipt of your application %(receipt)s") % {
            "receipt": submission.receipt_number
        }
        body = render_to_string("b52_wagtail/applications/mail/confirmation.txt", context)
    reply_to = [site_settings.office_email] if site_settings and site_settings.office_email else []
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=_from_address(page),
        to=[submission.email],
        reply_to=reply_to,
    )


def build_notification(submission):
    page = submission.page.specific
    with translation.override(page.mail_language()):
        context = {
            "submission": submission,
            "page": page,
            "call": page.call,
            "admin_url": admin_url(submission),
            "attachment_count": submission.attachments.count(),
        }
        subject = gettext("New application %(receipt)s") % {"receipt": submission.receipt_number}
        if page.subject:
            # One line: a line break would make Django refuse to send it.
            subject = " ".join(f"{page.subject} ({submission.receipt_number})".split())
        body = render_to_string("b52_wagtail/applications/mail/notification.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=_from_address(page),
        to=page.notification_recipients(),
    )


BUILDERS = {"confirmation": build_confirmation, "notification": build_notification}


def send_delivery_mail(delivery):
    """Send the mail of ``delivery``; raises when the mail server fails."""
    message = BUILDERS[delivery.kind](delivery.submission)
    if not message.to:
        raise ValueError("no recipient")
    message.connection = get_connection(fail_silently=False)
    return message.send(fail_silently=False)
