"""The applicant withdraws through the link in the confirmation mail: a
question, a button, idempotent, not after the procedure has ended."""

import html
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from wagtail.models import PageLogEntry

from b52_wagtail.applications.applicant_mail import withdraw_url
from b52_wagtail.applications.models import ApplicationStatus, ApplicationSubmission

from .test_form import submit
from .test_workflow import PRIVATE, set_status
from .utils import valid_data

pytestmark = pytest.mark.django_db

S = ApplicationStatus
LINK = re.compile(r"https?://\S+/applications/withdraw/[^/\s]+/")


@pytest.fixture
def submission(client, form_page, district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, form_page, valid_data(district))
    return ApplicationSubmission.objects.get()


@pytest.fixture
def link(submission):
    confirmation = next(m for m in mail.outbox if m.to == [submission.email])
    return urlsplit(LINK.search(confirmation.body)[0]).path


def test_the_confirmation_carries_the_withdraw_link(submission, link):
    # Signed tokens carry the second they were made: compare what they sign.
    from b52_wagtail.applications.applicant_mail import WITHDRAW_SALT

    def signed(path):
        prefix, token = path.rstrip("/").rsplit("/", 1)
        return prefix, signing.loads(token, salt=WITHDRAW_SALT)

    assert signed(link) == signed(urlsplit(withdraw_url(submission)).path)
    assert signed(link) == ("/b52/applications/withdraw", submission.pk)


def test_get_asks_and_changes_nothing(client, submission, link):
    response = client.get(link)
    assert response.status_code == 200
    assert response.context["state"] == "open"
    # Not "no-referrer": the browser would send "Origin: null" and the POST fail CSRF.
    assert response["Referrer-Policy"] == "same-origin"
    content = response.content.decode()
    assert '<form method="post">' in content
    assert 'type="submit"' in content
    assert 'lang="de"' in content
    submission.refresh_from_db()
    assert submission.status == S.RECEIVED


def test_post_withdraws_logs_and_tells_the_office(
    client, submission, link, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert response.status_code == 200
    assert response.context["state"] == "withdrawn"
    submission.refresh_from_db()
    assert submission.status == S.WITHDRAWN
    entry = PageLogEntry.objects.get(action="b52_applications.status")
    assert entry.user is None
    assert entry.data["by"] == "applicant" and entry.data["new"] == "withdrawn"
    (notice,) = mail.outbox
    assert notice.to == ["office@example.org"]
    assert "B52-2026-0001" in notice.subject
    for private in PRIVATE:
        assert private not in notice.subject + notice.body

    # Idempotent: again, the same answer and nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(link)
    assert again.status_code == 200
    assert again.context["state"] == "withdrawn"
    assert PageLogEntry.objects.filter(action="b52_applications.status").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("status", [S.INCOMPLETE, S.IN_REVIEW, S.JURY])
def test_an_open_application_can_be_withdrawn(client, submission, link, status):
    set_status(submission, status)
    client.post(link)
    submission.refresh_from_db()
    assert submission.status == S.WITHDRAWN


@pytest.mark.parametrize("status", [S.AWARDED, S.NOT_SELECTED, S.SPAM])
def test_a_final_application_cannot_be_withdrawn(client, submission, link, status):
    set_status(submission, status)
    page = client.get(link)
    assert page.context["state"] == "final"
    assert "<form" not in page.content.decode().split('class="b52 b52-page')[1]
    response = client.post(link)
    assert response.status_code == 200
    assert response.context["state"] == "final"
    submission.refresh_from_db()
    assert submission.status == status
    assert not PageLogEntry.objects.filter(action="b52_applications.status").exists()


def test_a_forged_link_is_refused(client, submission, link):
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = link.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert client.get(forged).status_code == 404
    assert client.post(forged).status_code == 404
    submission.refresh_from_db()
    assert submission.status == S.RECEIVED


def test_the_page_speaks_german(client, submission, link):
    # Needs the compiled catalogue.
    content = html.unescape(client.get(link).content.decode())
    assert "Bewerbung zurückziehen?" in content
    assert "Ja, Bewerbung zurückziehen" in content
