"""Attachments on S3-compatible storage (moto's server standing in for the
bucket): stored privately, delivered only through the permission-checked
download view, and no storage URL ever reaches a visitor or the staff."""

import html
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from b52_wagtail.applications.models import ApplicationSubmission, Attachment, MailDelivery
from b52_wagtail.applications.storage import PrivateURLError, private_storage
from b52_wagtail.models import District
from tests.applications.utils import pdf, pdf_bytes

from .forms import upload_form
from .services import bucket_keys, listening
from .settings import private_s3
from .utils import applicant, application_page, open_form, send_application

pytestmark = pytest.mark.django_db

PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}


@pytest.fixture(autouse=True)
def quick_applicants(settings):
    # A test fills in the form faster than the spam check allows a person.
    settings.B52_APPLICATION_MIN_SECONDS = 0


@pytest.fixture
def page(db):
    return application_page()


@pytest.fixture
def district(db):
    return District.objects.get(key="08117")


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_superuser("office", "office@example.org", "pw")
    client = Client()
    client.force_login(user)
    return client


def storage_traces():
    """Strings that would give the bucket away in a page or a header."""
    host = settings.S3_ENDPOINT.split("://", 1)[1]
    return [host, settings.S3_BUCKET, "X-Amz", "amazonaws"]


def assert_no_storage_url(response):
    text = response.content.decode() if not response.streaming else ""
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    for trace in storage_traces():
        assert trace not in text, trace
        assert trace not in headers, trace


def anonymous_get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310  (the local emulator)
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_an_attachment_is_stored_as_a_private_object_in_the_bucket(page, district, stack):
    s3, bucket = stack["s3"], stack["bucket"]
    content = pdf_bytes(pages=2)

    response = send_application(applicant(), page, district, [pdf("Bogen Salach.pdf", content)])

    assert response.status_code == 200
    submission = ApplicationSubmission.objects.get()
    assert submission.receipt_number in response.content.decode()
    attachment = Attachment.objects.get(submission=submission)
    assert attachment.original_name == "Bogen Salach.pdf"
    # The object in the bucket, under the generated name, byte for byte.
    assert bucket_keys(s3, bucket) == [attachment.file.name]
    stored = s3.get_object(Bucket=bucket, Key=attachment.file.name)["Body"].read()
    assert stored == content
    # Private: only the owner has a grant, and a visitor who guesses the
    # object's address is refused by the storage itself.
    grants = s3.get_object_acl(Bucket=bucket, Key=attachment.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert not {grant["Grantee"].get("URI") for grant in grants} & PUBLIC_GRANTEES
    assert anonymous_get(f"{settings.S3_ENDPOINT}/{bucket}/{attachment.file.name}") == 403
    # The package's storage really is S3 here, and it has no URLs at all.
    assert type(private_storage._wrapped).__name__ == "S3Storage"
    with pytest.raises(PrivateURLError):
        private_storage.url(attachment.file.name)


def test_the_staff_download_streams_the_file_through_the_view(page, district, staff, stack):
    content = pdf_bytes(pages=3)
    send_application(applicant(), page, district, [pdf("Bogen Salach.pdf", content)])
    attachment = Attachment.objects.get()
    url = reverse("b52_applications:attachment", args=[attachment.pk])

    response = staff.get(url)

    assert response.status_code == 200
    assert response.streaming  # read from the bucket while it is sent, not a redirect
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="Bogen_Salach.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert_no_storage_url(response)
    # A visitor is sent to the login, a signed-in user without permission refused.
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("wagtailadmin_login"))
    someone = Client()
    someone.force_login(get_user_model().objects.create_user("someone", password="pw"))
    assert someone.get(url).status_code == 403


def test_no_page_shows_a_storage_url(page, district, staff, django_capture_on_commit_callbacks):
    visitor = applicant()
    form = visitor.get(page.url)
    with django_capture_on_commit_callbacks(execute=True):  # the mails go out after commit
        landing = send_application(visitor, page, district, [pdf()])
    assert landing.status_code == 200
    submission = ApplicationSubmission.objects.get()
    pages = {
        "form": form,
        "landing page": landing,
        "call": Client().get(page.get_parent().url),
        "admin detail": staff.get(reverse("b52_applications_admin:detail", args=[submission.pk])),
        "admin listing": staff.get(reverse("wagtailforms:list_submissions", args=[page.pk])),
        "CSV export": staff.get(
            reverse("wagtailforms:list_submissions", args=[page.pk]), {"export": "csv"}
        ),
        "download": staff.get(
            reverse("b52_applications:attachment", args=[submission.attachments.get().pk])
        ),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert_no_storage_url(response)
    # The staff's pages link the attachment to the download view.
    detail = pages["admin detail"].content.decode()
    assert reverse("b52_applications:attachment", args=[submission.attachments.get().pk]) in detail
    assert "bewerbungsbogen.pdf" in detail
    # Neither does a mail (confirmation and notification).
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = message.body + "".join(
            str(content) for content, _ in getattr(message, "alternatives", [])
        )
        for trace in storage_traces():
            assert trace not in text, trace


def free_port():
    port = 5399
    while listening(port):
        port += 1
    return port


def broken_storage(kind):
    """``STORAGES["b52_private"]`` whose writes fail: a bucket that does not
    exist, or an endpoint where nothing listens (S3 down)."""
    from botocore.config import Config

    if kind == "no such bucket":
        return private_s3(bucket="b52-stack-missing")
    # Fail at once instead of botocore's retries with backoff.
    quick = Config(connect_timeout=1, retries={"max_attempts": 1})
    return private_s3(endpoint_url=f"http://127.0.0.1:{free_port()}", client_config=quick)


@pytest.mark.parametrize("kind", ["no such bucket", "S3 unreachable"])
def test_a_failed_write_to_s3_stores_nothing_and_tells_the_applicant(
    page, district, settings, stack, kind, django_capture_on_commit_callbacks
):
    working = settings.STORAGES
    settings.STORAGES = {**working, "b52_private": broken_storage(kind)}
    person = applicant()
    form = open_form(person, page)

    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        response = send_application(person, page, district, [pdf("Bogen Salach.pdf")], form=form)

    # Temporary: the applicant may send the same form again later.
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    text = html.unescape(response.content.decode())
    # The form again, headed by what happened, in German.
    assert "Ihre Bewerbung ist nicht angekommen" in text
    assert "Bitte senden Sie das Formular in einigen Minuten erneut" in text
    form_again = upload_form(text)
    assert ApplicationSubmission.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert MailDelivery.objects.count() == 0
    assert after_commit == []  # no mail task was queued
    assert mail.outbox == []
    assert bucket_keys(stack["s3"], stack["bucket"]) == []
    assert_no_storage_url(response)

    # S3 is back: the person selects the file again and sends the form they
    # were shown; it gets the first receipt number (the failed attempt gave
    # its number back).
    settings.STORAGES = working
    with django_capture_on_commit_callbacks(execute=True):
        again = send_application(
            person, page, district, [pdf("Bogen Salach.pdf")], form=(page.url, form_again[1])
        )
    assert again.status_code == 200
    assert len(mail.outbox) == 2  # the confirmation and the notification
    submission = ApplicationSubmission.objects.get()
    assert submission.receipt_number in again.content.decode()
    assert submission.receipt_number.endswith("-0001")
    assert bucket_keys(stack["s3"], stack["bucket"]) == [submission.attachments.get().file.name]
