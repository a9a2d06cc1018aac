"""The two mails of a submission, rendered when they are sent.

Recipients come from validated fields only (the applicant's e-mail, the
page's ``to_address`` or the Geschäftsstelle's address); names and other
free text never go into a header, so CR/LF in a name cannot inject one.
Neither mail carries attachments; the notification carries no applicant
data, only a link to the submission in the admin.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

from .. import localization
from ..models import B52Settings
from ..pages import localized_page

# Hosts a new Wagtail project names before anyone has set a real one.
PLACEHOLDER_HOSTS = frozenset({"example.com", "www.example.com", "localhost", "127.0.0.1", "[::1]"})


def is_placeholder_url(url):
    """Whether ``url`` is empty or points at a placeholder host (wagtail
    start sets ``WAGTAILADMIN_BASE_URL = "http://example.com"``)."""
    host = urlsplit(url or "").hostname
    return not host or host in PLACEHOLDER_HOSTS or f"[{host}]" in PLACEHOLDER_HOSTS


# The longest mail body the package sends (characters): a form with many
# long answers must not make a mail that servers refuse.
MAX_BODY_LENGTH = 20_000


def bounded(body):
    if len(body) <= MAX_BODY_LENGTH:
        return body
    note = gettext("[… shortened: the complete application is stored under its receipt number.]")
    return body[: MAX_BODY_LENGTH - len(note) - 2].rstrip() + "\n\n" + note


def admin_base_url(page):
    """Where staff reach the admin: ``WAGTAILADMIN_BASE_URL`` when it is set
    to a real host, else the root URL of the site the form page is on."""
    configured = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    if not is_placeholder_url(configured):
        return configured.rstrip("/")
    site = page.get_site()
    if site is not None:
        return site.root_url.rstrip("/")
    return configured.rstrip("/")


def admin_url(submission, page=None):
    page = page or submission.page.specific
    return admin_base_url(page) + reverse("b52_applications_admin:detail", args=[submission.pk])


def _site_settings(page):
    site = page.get_site()
    return B52Settings.for_site(site) if site else None


def _from_address(page):
    return page.from_address or settings.DEFAULT_FROM_EMAIL


def mail_answers(submission, page):
    """``(label, text)`` of the fields editors added, as the admin shows them
    and in the mail's language: yes/no as “Ja”/“Nein”, dates as 01.12.2026;
    an empty answer is “–”."""
    from .views import display_value

    answers = []
    for field in page.get_form_fields():
        if field.clean_name not in submission.form_data:
            continue
        value = display_value(submission.form_data[field.clean_name], field.field_type)
        answers.append((field.label, "–" if value in (None, "") else str(value)))
    return answers


def build_confirmation(submission):
    from .applicant_mail import withdraw_url

    page = submission.page.specific
    site_settings = _site_settings(page)
    with localization.override(page.mail_language()):
        context = {
            "withdraw_url": withdraw_url(submission, page),
            "submission": submission,
            "page": page,
            "call": localized_page(page.call, page.locale_id),
            "attachments": list(submission.attachments.all()),
            "b52": site_settings,
            "extra": mail_answers(submission, page),
        }
        subject = gettext("Confirmation of receipt of your application %(receipt)s") % {
            "receipt": submission.receipt_number
        }
        body = bounded(render_to_string("b52_wagtail/applications/mail/confirmation.txt", context))
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
    with localization.override(page.mail_language()):
        context = {
            "submission": submission,
            "page": page,
            "call": localized_page(page.call, page.locale_id),
            "admin_url": admin_url(submission, page),
            "attachment_count": submission.attachments.count(),
        }
        subject = gettext("New application %(receipt)s") % {"receipt": submission.receipt_number}
        if page.subject:
            # One line: a line break would make Django refuse to send it.
            subject = " ".join(f"{page.subject} ({submission.receipt_number})".split())
        body = bounded(render_to_string("b52_wagtail/applications/mail/notification.txt", context))
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=_from_address(page),
        to=page.notification_recipients(),
    )


def build_written(delivery):
    """A mail written in the admin (or an update to the Geschäftsstelle),
    sent as stored: to the applicant, or the update to the form's recipients."""
    submission = delivery.submission
    page = submission.page.specific
    if delivery.kind == "office_update":
        to, reply_to = page.notification_recipients(), []
    else:
        site_settings = _site_settings(page)
        to = [submission.email]
        office = site_settings.office_email if site_settings else ""
        reply_to = [office] if office else []
    return EmailMessage(
        subject=delivery.subject,
        body=bounded(delivery.body),
        from_email=_from_address(page),
        to=to,
        reply_to=reply_to,
    )


BUILDERS = {"confirmation": build_confirmation, "notification": build_notification}


def send_delivery_mail(delivery):
    """Send the mail of ``delivery``; raises when the mail server fails."""
    if delivery.kind in BUILDERS:
        message = BUILDERS[delivery.kind](delivery.submission)
    else:
        message = build_written(delivery)
    if not message.to:
        raise ValueError("no recipient")
    message.connection = get_connection(fail_silently=False)
    return message.send(fail_silently=False)
