"""Fault injection: whatever fails while an application is stored, the
test asserts what is in the database, what is left in the private storage
and what the applicant saw. Runs on SQLite (make test) and on PostgreSQL
(CI), where the transactional tests commit for real."""

import errno
import html

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection
from django.test import Client

from b52_wagtail.applications import tasks
from b52_wagtail.applications.models import (
    AbstractApplicationFormPage,
    ApplicationSubmission,
    Attachment,
    MailDelivery,
)
from b52_wagtail.applications.storage import private_storage

from .utils import assert_nothing_stored, pdf, stored_files, valid_data

NOT_ARRIVED = "Ihre Bewerbung ist nicht angekommen"
SEND_AGAIN = "Bitte senden Sie das Formular in einigen Minuten erneut"


def post(page, data, files=None):
    client = Client(raise_request_exception=False)
    payload = {**data, "attachments": files if files is not None else [pdf()]}
    response = client.post(page.url, payload)
    return response, html.unescape(response.content.decode())


def assert_told_to_send_again(response, content, status=503):
    assert response.status_code == status
    assert NOT_ARRIVED in content
    assert SEND_AGAIN in content
    assert "Server Error" not in content
    if status == 503:
        assert response["Retry-After"] == "60"


def fail_on_second_save(monkeypatch, error, partial=False):
    real_save = private_storage.save
    calls = []

    def save(name, content, *args, **kwargs):
        calls.append(name)
        if len(calls) == 2:
            if partial:
                real_save(name, ContentFile(content.read()[:100]))  # what reached the disk
            raise error
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(private_storage._wrapped, "save", save)


# Before commit: nothing stored, the applicant is told so -----------------------


def test_storage_failing_on_the_second_file_stores_nothing(form_page, district, monkeypatch):
    fail_on_second_save(monkeypatch, OSError("storage unavailable"))
    data = valid_data(district)
    response, content = post(form_page, data, [pdf(), pdf("zwei.pdf")])
    assert_told_to_send_again(response, content)
    assert_nothing_stored()
    # The form comes back with the entries and the same token: sending
    # again stores the application once, with the first receipt number.
    assert "Gesund altern in Salach" in content
    assert f'value="{data["b52_token"]}"' in content
    monkeypatch.undo()
    response, content = post(form_page, data, [pdf(), pdf("zwei.pdf")])
    assert "B52-2026-0001" in content
    assert ApplicationSubmission.objects.get().attachments.count() == 2
    assert len(stored_files()) == 2


def test_a_disk_full_halfway_through_a_file_leaves_no_partial_file(
    form_page, district, monkeypatch
):
    fail_on_second_save(monkeypatch, OSError(errno.ENOSPC, "No space left"), partial=True)
    response, content = post(form_page, valid_data(district), [pdf(), pdf("zwei.pdf")])
    assert_told_to_send_again(response, content)
    assert_nothing_stored()


def test_a_database_error_while_saving_stores_nothing(form_page, district, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise DatabaseError("could not extend file: No space left on device")

    monkeypatch.setattr(MailDelivery, "save", broken_save)
    response, content = post(form_page, valid_data(district))
    assert_told_to_send_again(response, content)
    assert_nothing_stored()


def test_an_unexpected_error_is_a_500_that_still_tells_the_truth(form_page, district, monkeypatch):
    def broken(self, submission):
        raise RuntimeError("a bug in an extension")

    monkeypatch.setattr(AbstractApplicationFormPage, "create_mail_deliveries", broken)
    response, content = post(form_page, valid_data(district))
    assert_told_to_send_again(response, content, status=500)
    assert_nothing_stored()


def test_the_database_gone_while_rendering_the_failure_gives_a_plain_page(
    form_page, district, monkeypatch
):
    """The rate-limit count fails (database away), and so does every
    further query: the answer is a plain page that needs no database."""

    def gone(*args, **kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr("b52_wagtail.applications.models.page.rate_limit_wait", gone)
    monkeypatch.setattr(AbstractApplicationFormPage, "get_context", gone)
    monkeypatch.setattr(AbstractApplicationFormPage, "stored_submission_for", gone)
    response, content = post(form_page, valid_data(district))
    assert_told_to_send_again(response, content)
    assert '<html lang="de">' in content
    assert f'href="{form_page.url}"' in content
    assert_nothing_stored()


def fail_the_submissions_commit(monkeypatch, *, after_committing):
    """Make the commit of the submission's transaction report an error
    (other commits, e.g. the rate-limit counter's, go through). Returns the
    list that records that it happened."""
    real_commit = connection.commit
    real_create = AbstractApplicationFormPage.create_mail_deliveries
    state = {"storing": False}
    reported = []

    def create_mail_deliveries(self, submission):
        state["storing"] = True  # the last step inside the transaction
        return real_create(self, submission)

    def commit():
        if state["storing"] and not reported:
            reported.append(True)
            if after_committing:
                real_commit()
            raise DatabaseError("connection lost during COMMIT")
        return real_commit()

    monkeypatch.setattr(
        AbstractApplicationFormPage, "create_mail_deliveries", create_mail_deliveries
    )
    monkeypatch.setattr(connection, "commit", commit)
    return reported


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_error_at_commit_stores_nothing(form_page, district, monkeypatch):
    failed = fail_the_submissions_commit(monkeypatch, after_committing=False)
    response, content = post(form_page, valid_data(district))
    assert failed
    assert_told_to_send_again(response, content)
    assert_nothing_stored()


# After commit: the applicant gets the receipt, whatever fails -------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_mail_queue_failing_after_commit_still_shows_the_receipt(
    form_page, district, monkeypatch
):
    def queue_down(delivery):
        raise ConnectionError("task queue unreachable")

    monkeypatch.setattr(tasks, "enqueue_delivery", queue_down)
    response, content = post(form_page, valid_data(district))
    assert response.status_code == 200
    assert "B52-2026-0001" in content
    assert ApplicationSubmission.objects.get().receipt_number == "B52-2026-0001"
    assert len(stored_files()) == 1
    # The mails wait as rows for the next worker run.
    assert set(MailDelivery.objects.values_list("state", flat=True)) == {"queued"}
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_landing_page_failing_after_commit_still_shows_the_receipt(
    form_page, district, monkeypatch
):
    def broken(*args, **kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(AbstractApplicationFormPage, "render_landing_page", broken)
    response, content = post(form_page, valid_data(district))
    assert response.status_code == 200
    assert "Ihre Bewerbung ist angekommen" in content
    assert "B52-2026-0001" in content
    assert ApplicationSubmission.objects.count() == 1
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_commit_that_went_through_although_it_reported_an_error_shows_the_receipt(
    form_page, district, monkeypatch
):
    """The connection breaks while the commit is confirmed: the row is
    there, so the applicant is shown the receipt, not told to resend."""
    reported = fail_the_submissions_commit(monkeypatch, after_committing=True)
    response, content = post(form_page, valid_data(district))
    assert reported
    assert response.status_code == 200
    assert "B52-2026-0001" in content
    assert ApplicationSubmission.objects.count() == 1
    # Its file is kept: the row that committed refers to it.
    assert stored_files() == [Attachment.objects.get().file.name]


# The JSON form API answers the same way ----------------------------------------


def test_the_json_api_says_stored_false_on_a_storage_failure(
    client, form_page, district, monkeypatch
):
    fail_on_second_save(monkeypatch, OSError("storage unavailable"))
    response = Client(raise_request_exception=False).post(
        f"/b52/api/forms/{form_page.pk}/",
        {**valid_data(district), "attachments": [pdf(), pdf("zwei.pdf")]},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 503
    body = response.json()
    assert body["stored"] is False
    assert SEND_AGAIN in body["non_field_errors"][0]
    assert_nothing_stored()


def test_any_storage_error_counts_as_temporary(form_page, district, monkeypatch):
    """S3 through django-storages raises botocore's own errors, not OSError."""

    class EndpointConnectionError(Exception):
        pass

    fail_on_second_save(monkeypatch, EndpointConnectionError("Could not connect to the endpoint"))
    response, content = post(form_page, valid_data(district), [pdf(), pdf("zwei.pdf")])
    assert_told_to_send_again(response, content, status=503)
    assert_nothing_stored()


def test_a_cache_that_is_down_does_not_stop_applications(form_page, district, settings):
    settings.CACHES = {
        **settings.CACHES,
        "b52_down": {"BACKEND": "tests.applications.backends.UnreachableCache"},
    }
    settings.B52_APPLICATION_CACHE = "b52_down"
    response, content = post(form_page, valid_data(district))
    assert response.status_code == 200
    assert "B52-2026-0001" in content
