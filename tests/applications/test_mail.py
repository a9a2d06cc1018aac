"""Mails go out after commit as tasks; a dead mail server loses nothing."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from b52_wagtail.applications import tasks
from b52_wagtail.applications.models import ApplicationSubmission, MailDelivery

from .backends import FlakyBackend
from .test_form import submit
from .utils import valid_data

pytestmark = pytest.mark.django_db

FLAKY = "tests.applications.backends.FlakyBackend"


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.down = True
    yield
    FlakyBackend.down = False


def run_retry():
    call_command("b52_retry_mail", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_mails_are_sent_only_after_commit(
    client, form_page, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(form_page.url, {**valid_data(district), "attachments": [_pdf()]})
    assert mail.outbox == []
    assert set(MailDelivery.objects.values_list("state", flat=True)) == {"queued"}
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2
    assert set(MailDelivery.objects.values_list("state", flat=True)) == {"sent"}


def _pdf():
    from .utils import pdf

    return pdf()


def test_when_the_mail_server_is_down_the_application_is_kept_and_mailed_later(
    client, form_page, district, mail_server_down, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = submit(
            client, form_page, valid_data(district), capture=django_capture_on_commit_callbacks
        )
    # The applicant sees the receipt; the application is stored.
    assert response.status_code == 200
    assert "B52-2026-0001" in response.content.decode()
    submission = ApplicationSubmission.objects.get()
    assert mail.outbox == []
    deliveries = list(submission.mail_deliveries.order_by("kind"))
    assert [(d.kind, d.state, d.attempts) for d in deliveries] == [
        ("confirmation", "failed", 1),
        ("notification", "failed", 1),
    ]
    assert "SMTPServerDisconnected" in deliveries[0].last_error
    assert deliveries[0].next_attempt_at == start + datetime.timedelta(seconds=60)

    # Not due yet: nothing is tried.
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        run_retry()
    assert MailDelivery.objects.filter(attempts=1).count() == 2

    # Due, but the server is still down: the delay doubles.
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        run_retry()
    delivery = MailDelivery.objects.get(kind="confirmation")
    assert (delivery.state, delivery.attempts) == ("failed", 2)
    assert delivery.next_attempt_at == start + datetime.timedelta(seconds=61 + 120)

    # The server is back: both mails go out, exactly once.
    FlakyBackend.down = False
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        run_retry()
        run_retry()
    assert set(MailDelivery.objects.values_list("state", flat=True)) == {"sent"}
    assert len(mail.outbox) == 2
    confirmation = next(m for m in mail.outbox if m.to == [submission.email])
    assert "B52-2026-0001" in confirmation.body


def test_a_mail_stops_after_the_last_attempt_and_can_be_forced(
    client, form_page, district, mail_server_down, settings, django_capture_on_commit_callbacks
):
    settings.B52_APPLICATION_MAIL_MAX_ATTEMPTS = 2
    submit(client, form_page, valid_data(district), capture=django_capture_on_commit_callbacks)
    later = timezone.now() + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        run_retry()
    delivery = MailDelivery.objects.get(kind="confirmation")
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
    with time_machine.travel(later + datetime.timedelta(days=1), tick=False):
        run_retry()
    assert MailDelivery.objects.get(kind="confirmation").attempts == 2
    FlakyBackend.down = False
    call_command("b52_retry_mail", "--all", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(MailDelivery.objects.values_list("state", flat=True)) == {"sent"}


def test_a_lost_task_is_picked_up_by_the_retry_command(
    client, form_page, district, monkeypatch, django_capture_on_commit_callbacks
):
    class BrokenQueue:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("task broker unavailable")

    monkeypatch.setattr(tasks, "send_application_mail", BrokenQueue())
    response = submit(
        client, form_page, valid_data(district), capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert set(MailDelivery.objects.values_list("state", flat=True)) == {"queued"}
    run_retry()
    assert set(MailDelivery.objects.values_list("state", flat=True)) == {"sent"}
    assert len(mail.outbox) == 2


def test_a_delivery_another_worker_holds_is_not_sent_twice(
    client, form_page, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        submit(client, form_page, valid_data(district))
    delivery = MailDelivery.objects.get(kind="confirmation")
    MailDelivery.objects.filter(pk=delivery.pk).update(state="sending", updated_at=timezone.now())
    assert tasks.deliver(delivery.pk) == "skipped"
    run_retry()
    assert MailDelivery.objects.get(pk=delivery.pk).state == "sending"
    # A send that crashed long ago is retried.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=20), tick=False):
        run_retry()
    assert MailDelivery.objects.get(pk=delivery.pk).state == "sent"
    assert [m.to for m in mail.outbox].count([ApplicationSubmission.objects.get().email]) == 1


def test_spam_creates_no_mail_delivery(client, form_page, district):
    submit(client, form_page, valid_data(district, b52_homepage="x"))
    assert MailDelivery.objects.count() == 0


def test_the_task_module_follows_the_tasks_setting():
    import django_tasks

    assert tasks._task_module() is django_tasks
    assert tasks.send_application_mail.name == "send_application_mail"


def test_a_line_break_in_the_editors_subject_does_not_stop_the_notification(
    client, form_page, district, django_capture_on_commit_callbacks
):
    # The subject is typed by a page editor; Django refuses to send a header
    # with a line break, so the notification would fail on every attempt.
    form_page.subject = "Neue Bewerbung\r\nBcc: evil@example.com"
    form_page.save_revision().publish()
    submit(client, form_page, valid_data(district), capture=django_capture_on_commit_callbacks)
    assert set(MailDelivery.objects.values_list("state", flat=True)) == {"sent"}
    notification = next(m for m in mail.outbox if m.to == ["office@example.org"])
    assert notification.subject == "Neue Bewerbung Bcc: evil@example.com (B52-2026-0001)"
    assert notification.bcc == []
    assert "evil@example.com" not in notification.message()["To"]


def test_an_empty_optional_number_shows_a_dash_not_none(
    client, form_page, district, django_capture_on_commit_callbacks
):
    data = valid_data(district, anzahl_der_beteiligten_akteure="")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, form_page, data)
    confirmation = next(m for m in mail.outbox if m.to == [data["email"]])
    assert "Anzahl der beteiligten Akteure: –" in confirmation.body
    assert "None" not in confirmation.body


def test_a_mail_body_has_a_size_bound(client, call, district, django_capture_on_commit_callbacks):
    from b52_wagtail.applications.mail import MAX_BODY_LENGTH
    from b52_wagtail.applications.models import ApplicationFormField

    from .utils import make_form_page

    page = make_form_page(call, slug="lang", extra_fields=False)
    page.form_fields = [
        ApplicationFormField(label=f"Frage {n}", field_type="multiline", required=False)
        for n in range(6)
    ]
    page.save_revision().publish()
    answers = {f"frage_{n}": "Sehr ausführlich. " * 270 for n in range(6)}
    data = {**valid_data(district, anzahl_der_beteiligten_akteure=None), **answers}
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, page, data)
    assert ApplicationSubmission.objects.get().form_data["frage_5"].startswith("Sehr")
    confirmation = next(m for m in mail.outbox if m.to == [data["email"]])
    assert len(confirmation.body) <= MAX_BODY_LENGTH
    assert confirmation.body.endswith(
        "die vollständige Bewerbung ist unter ihrer Eingangsnummer gespeichert.]"
    )
