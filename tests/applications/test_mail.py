"""Mails go out after commit as tasks; a dead mail server loses nothing."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db.models import F
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
    # A send whose lease (B52_APPLICATION_MAIL_LEASE) ran out long ago is retried.
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


# The lease: a worker that died while sending ----------------------------------

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
LEASE = datetime.timedelta(seconds=300)  # the default B52_APPLICATION_MAIL_LEASE


def queued_application(client, form_page, district, monkeypatch, **overrides):
    """An application stored while the task queue refused its mails."""

    class DownQueue:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("task broker unavailable")

    data = valid_data(district, **overrides)
    with monkeypatch.context() as patch:
        patch.setattr(tasks, "send_application_mail", DownQueue())
        submit(client, form_page, data)
    return ApplicationSubmission.objects.get(email=data["email"])


def stuck_sending(delivery, since):
    """The delivery as a worker leaves it when it dies in the SMTP send."""
    MailDelivery.objects.filter(pk=delivery.pk).update(
        state="sending", attempts=F("attempts") + 1, updated_at=since
    )


def test_the_lease_is_a_setting_and_one_worker_reclaims_an_expired_one(
    client, form_page, district, monkeypatch, settings
):
    settings.B52_APPLICATION_MAIL_LEASE = 60
    assert datetime.timedelta(seconds=60) == tasks.STALE_SENDING
    submission = queued_application(client, form_page, district, monkeypatch)
    delivery = submission.mail_deliveries.get(kind="confirmation")
    claimed = timezone.now()
    stuck_sending(delivery, claimed)

    with time_machine.travel(claimed + datetime.timedelta(seconds=59), tick=False):
        assert tasks.deliver(delivery.pk) == "skipped"
        assert tasks.watch_application_mail.call(delivery.pk) == "skipped"
    assert mail.outbox == []
    with time_machine.travel(claimed + datetime.timedelta(seconds=61), tick=False):
        assert tasks.deliver(delivery.pk) == "sent"
        assert tasks.deliver(delivery.pk) == "skipped"
        assert tasks.watch_application_mail.call(delivery.pk) == "skipped"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert [m.to for m in mail.outbox] == [[submission.email]]


def test_the_sweep_of_a_task_run_costs_one_query_when_nothing_is_due(
    client, form_page, district, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submit(client, form_page, valid_data(district), capture=django_capture_on_commit_callbacks)
    assert set(MailDelivery.objects.values_list("state", flat=True)) == {"sent"}
    with CaptureQueriesContext(connection) as queries:
        assert tasks.sweep() == {}
    assert len(queries) == 1
    assert "b52_applications_maildelivery" in queries[0]["sql"]


def test_one_task_run_sends_at_most_ten_other_mails(
    client, form_page, district, monkeypatch, settings
):
    settings.B52_APPLICATION_RATE_LIMIT = 0
    for number in range(8):
        queued_application(
            client, form_page, district, monkeypatch, email=f"person{number}@example.org"
        )
    assert MailDelivery.objects.filter(state="queued").count() == 16
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6), tick=False):
        assert tasks.sweep() == {"sent": 10}
        assert MailDelivery.objects.filter(state="queued").count() == 6
        assert tasks.sweep() == {"sent": 6}
    assert len(mail.outbox) == 16
    assert len({(tuple(m.to), m.subject) for m in mail.outbox}) == 16


def test_queued_mails_younger_than_the_lease_are_left_to_their_task(
    client, form_page, district, monkeypatch
):
    queued_application(client, form_page, district, monkeypatch)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=4), tick=False):
        assert tasks.sweep() == {}
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6), tick=False):
        assert tasks.sweep() == {"sent": 2}
    assert len(mail.outbox) == 2


def test_while_the_mail_server_is_down_a_task_run_sweeps_nothing_and_a_sweep_stops_early(
    client, form_page, district, mail_server_down, settings, django_capture_on_commit_callbacks
):
    settings.B52_APPLICATION_RATE_LIMIT = 0
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit(client, form_page, valid_data(district, email="eins@example.org"))
        first = ApplicationSubmission.objects.get(email="eins@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            for delivery in first.mail_deliveries.all():
                tasks.enqueue_delivery(delivery)
    assert set(first.mail_deliveries.values_list("attempts", flat=True)) == {1}

    # Due again, but the server is still down: the new application's own
    # mail fails, so its task tries nobody else's (each try could hang).
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        submit(
            client,
            form_page,
            valid_data(district, email="zwei@example.org"),
            capture=django_capture_on_commit_callbacks,
        )
        assert sorted(first.mail_deliveries.values_list("attempts", flat=True)) == [1, 1]
        # A sweep stops at its first failure.
        assert tasks.sweep() == {"failed": 1}
        assert sorted(first.mail_deliveries.values_list("attempts", flat=True)) == [1, 2]
    assert mail.outbox == []

    # The server is back: the next application's task sends every due mail, once.
    FlakyBackend.down = False
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        submit(
            client,
            form_page,
            valid_data(district, email="drei@example.org"),
            capture=django_capture_on_commit_callbacks,
        )
    assert set(MailDelivery.objects.values_list("state", flat=True)) == {"sent"}
    assert len(mail.outbox) == 6
    assert sorted(m.to[0] for m in mail.outbox if m.to != ["office@example.org"]) == [
        "drei@example.org",
        "eins@example.org",
        "zwei@example.org",
    ]


def test_a_worker_that_died_on_the_last_attempt_leaves_the_mail_failed_for_retry_all(
    client, form_page, district, monkeypatch, settings
):
    settings.B52_APPLICATION_MAIL_MAX_ATTEMPTS = 2
    submission = queued_application(client, form_page, district, monkeypatch)
    delivery = submission.mail_deliveries.get(kind="confirmation")
    MailDelivery.objects.filter(pk=delivery.pk).update(attempts=1)
    stuck_sending(delivery, timezone.now())
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6), tick=False):
        assert tasks.sweep() == {"failed": 1, "sent": 1}  # the notification goes out
        assert tasks.watch_application_mail.call(delivery.pk) == "skipped"
        run_retry()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
    assert "lease expired" in delivery.last_error
    assert [m.to for m in mail.outbox] == [["office@example.org"]]
    call_command("b52_retry_mail", "--all", stdout=open("/dev/null", "w"))  # noqa: SIM115
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 3)
    assert [m.to for m in mail.outbox][-1] == [submission.email]


# The watchdog (backends that defer tasks) ---------------------------------------


def deferred_watchdogs(delivery):
    backend = tasks.watch_application_mail.get_backend()
    return [
        result.task.run_after
        for result in backend.results
        if result.task.name == "watch_application_mail" and result.args == [delivery.pk]
    ]


def test_a_watchdog_is_enqueued_after_the_lease_with_every_send_task(
    client, form_page, district, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    settings.B52_APPLICATION_MAIL_LEASE = 120
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit(client, form_page, valid_data(district), capture=django_capture_on_commit_callbacks)
    backend = tasks.send_application_mail.get_backend()
    names = [(result.task.name, result.task.run_after) for result in backend.results]
    due = start + datetime.timedelta(seconds=120) + tasks.WATCHDOG_MARGIN
    assert sorted(names, key=str) == sorted(
        [
            ("watch_application_mail", due),
            ("send_application_mail", None),
            ("watch_application_mail", due),
            ("send_application_mail", None),
        ],
        key=str,
    )
    # The send tasks were lost (nobody ran them): the watchdogs send.
    assert set(MailDelivery.objects.values_list("state", flat=True)) == {"queued"}
    with time_machine.travel(due, tick=False):
        for delivery in MailDelivery.objects.all():
            assert tasks.watch_application_mail.call(delivery.pk) == "sent"
    assert len(mail.outbox) == 2


def test_the_watchdog_of_a_send_still_in_its_lease_waits_for_the_lease(
    client, form_page, district, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    submit(client, form_page, valid_data(district), capture=django_capture_on_commit_callbacks)
    delivery = MailDelivery.objects.get(kind="confirmation")
    claimed = timezone.now() + datetime.timedelta(minutes=4)  # the worker started late
    stuck_sending(delivery, claimed)
    with time_machine.travel(claimed + datetime.timedelta(minutes=1), tick=False):
        assert tasks.watch_application_mail.call(delivery.pk) == "skipped"
    assert deferred_watchdogs(delivery)[-1] == (
        claimed + datetime.timedelta(seconds=300) + tasks.WATCHDOG_MARGIN
    )
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sending", 1)
    assert mail.outbox == []


def test_a_failed_mail_is_retried_by_a_deferred_task_and_watched_after_its_retry(
    client, form_page, district, settings, mail_server_down, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit(client, form_page, valid_data(district), capture=django_capture_on_commit_callbacks)
        delivery = MailDelivery.objects.get(kind="confirmation")
        assert tasks.send_application_mail.call(delivery.pk) == "failed"
    retry_at = start + datetime.timedelta(seconds=60)
    backend = tasks.send_application_mail.get_backend()
    retries = [
        result.task.run_after
        for result in backend.results
        if result.task.name == "send_application_mail" and result.task.run_after
    ]
    assert retries == [retry_at]
    assert deferred_watchdogs(delivery)[-1] == retry_at + LEASE + tasks.WATCHDOG_MARGIN

    # Not due yet: the watchdog leaves it; the retry task was lost, so the
    # watchdog sends it when it is due.
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        assert tasks.watch_application_mail.call(delivery.pk) == "skipped"
    FlakyBackend.down = False
    with time_machine.travel(retry_at + LEASE + tasks.WATCHDOG_MARGIN, tick=False):
        assert tasks.watch_application_mail.call(delivery.pk) == "sent"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


class SlowBackend(EmailBackend):
    """A send that takes longer than the lease: meanwhile the watchdog finds
    the lease expired and a second worker sends the mail. Then the slow send
    ends: accepted by the server, or timed out."""

    delivery_id = None
    inside = False
    times_out = False

    def send_messages(self, messages):
        if not SlowBackend.inside:
            SlowBackend.inside = True
            later = timezone.now() + LEASE + datetime.timedelta(minutes=1)
            with time_machine.travel(later, tick=False):
                assert tasks.watch_application_mail.call(SlowBackend.delivery_id) == "sent"
            if SlowBackend.times_out:
                raise TimeoutError("timed out")
        return super().send_messages(messages)


@pytest.mark.parametrize(("times_out", "mails"), [(False, 2), (True, 1)])
def test_a_send_that_outlives_its_lease_does_not_overwrite_its_successor(
    client, form_page, district, monkeypatch, settings, caplog, times_out, mails
):
    """Why the lease must be longer than the slowest send: a second worker
    takes the mail over, so it goes out twice if the slow send succeeds too.
    Either way the slow worker only logs: the state stays its successor's
    “sent” (a timed-out slow send does not make it “failed” and send it again)."""
    submission = queued_application(client, form_page, district, monkeypatch)
    delivery = submission.mail_deliveries.get(kind="confirmation")
    settings.EMAIL_BACKEND = "tests.applications.test_mail.SlowBackend"
    monkeypatch.setattr(SlowBackend, "delivery_id", delivery.pk)
    monkeypatch.setattr(SlowBackend, "inside", False)
    monkeypatch.setattr(SlowBackend, "times_out", times_out)
    with caplog.at_level("WARNING", logger="b52_wagtail.applications.tasks"):
        tasks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert "outlived its lease" in caplog.text
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=7), tick=False):
        run_retry()
    assert [m.to for m in mail.outbox if m.to != ["office@example.org"]] == [
        [submission.email]
    ] * mails


def test_the_retry_command_says_what_it_did(client, form_page, district, monkeypatch, settings):
    from io import StringIO

    settings.B52_LANGUAGE = "en"
    queued_application(client, form_page, district, monkeypatch)
    output = StringIO()
    call_command("b52_retry_mail", stdout=output)
    assert output.getvalue() == "Application mails: Sent: 2.\n"
    output = StringIO()
    call_command("b52_retry_mail", stdout=output)
    assert output.getvalue() == "Application mails: nothing due.\n"


def test_a_task_queue_gets_the_mails_of_an_application_in_one_commit(
    client, form_page, district, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """With a backend that queues tasks (a database queue in production),
    the two mails and their watchdogs are written in one transaction, each
    in a savepoint: a task the queue refuses leaves the others queued."""
    from django.db import DatabaseError, connection
    from django_tasks.backends.dummy import DummyBackend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    enqueued, original = [], DummyBackend.enqueue

    def enqueue(self, task, args, kwargs):
        enqueued.append((task.name, len(connection.savepoint_ids)))
        if len(enqueued) == 2:
            raise DatabaseError("could not serialize access to the queue table")
        return original(self, task, args, kwargs)

    monkeypatch.setattr(DummyBackend, "enqueue", enqueue)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(form_page.url, {**valid_data(district), "attachments": [_pdf()]})
    assert response.status_code == 200
    outside = len(connection.savepoint_ids)
    for callback in callbacks:
        callback()
    names = [name for name, _depth in enqueued]
    assert names == [
        "watch_application_mail",
        "send_application_mail",  # refused
        "watch_application_mail",
        "send_application_mail",
    ]
    # One transaction around all (a savepoint here, inside the test's own),
    # one savepoint around each task.
    assert {depth for _name, depth in enqueued} == {outside + 2}
    assert set(MailDelivery.objects.values_list("state", flat=True)) == {"queued"}
    assert mail.outbox == []  # queued, not sent in the request
