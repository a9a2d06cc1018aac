"""Mail that cannot get stuck: a worker killed in the middle of a send.

The kill is real: a worker process (tests/applications/killed_worker.py)
picks up the send task, hangs inside the SMTP send and gets SIGKILL. After
``B52_APPLICATION_MAIL_LEASE`` the next ordinary task run sends the mail,
without anyone running a command: the watchdog task with a backend that
defers tasks, the sweep of every send task with the ImmediateBackend. The
subprocess shares the test database: on PostgreSQL directly (the data is
committed), on in-memory SQLite through a file copy that is copied back
after the kill."""

import contextlib
import datetime
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone

from b52_wagtail.applications import tasks
from b52_wagtail.applications.models import ApplicationSubmission, MailDelivery

from .test_form import submit
from .utils import valid_data

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_rate_limit"),
]

ROOT = Path(__file__).resolve().parents[2]
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
LEASE = datetime.timedelta(seconds=300)


@contextlib.contextmanager
def shared_database(tmp_path):
    """A DATABASE_URL another process can open for the test database."""
    settings = connection.settings_dict
    if connection.vendor != "sqlite":
        user = quote(settings["USER"] or "", safe="")
        password = quote(settings["PASSWORD"] or "", safe="")
        host, port = settings["HOST"] or "localhost", settings["PORT"] or 5432
        yield f"postgres://{user}:{password}@{host}:{port}/{settings['NAME']}"
        return
    copy = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(copy)) as target:
        connection.connection.backup(target)
    yield f"sqlite:///{copy}"
    with contextlib.closing(sqlite3.connect(copy)) as source:
        source.backup(connection.connection)


def kill_worker_mid_send(delivery, tmp_path, *, accepted=False):
    """Start a worker that picks up the send task of ``delivery``, wait until
    it hangs inside the SMTP send, SIGKILL it. Returns the mails the SMTP
    server had accepted when the worker died."""
    marker = tmp_path / "worker-hangs"
    env = {
        **os.environ,
        "B52_WORKER_MARKER": str(marker),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": os.pathsep.join(path for path in sys.path if path),
    }
    env.pop("B52_WORKER_ACCEPT", None)
    if accepted:
        env["B52_WORKER_ACCEPT"] = "1"
    with shared_database(tmp_path) as url:
        env["DATABASE_URL"] = url
        command = [sys.executable, "-m", "tests.applications.killed_worker", str(delivery.pk)]
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 120
            while not marker.exists():
                if process.poll() is not None:
                    pytest.fail(f"the worker ended on its own: {process.stderr.read().decode()}")
                if time.monotonic() > deadline:
                    pytest.fail("the worker never reached the SMTP send")
                time.sleep(0.05)
            process.send_signal(signal.SIGKILL)
            assert process.wait(timeout=30) == -signal.SIGKILL
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
            process.stderr.close()
    accepted_file = Path(f"{marker}.accepted")
    if not accepted_file.exists():
        return []
    return [json.loads(line) for line in accepted_file.read_text().splitlines()]


@contextlib.contextmanager
def task_queue_down(monkeypatch):
    """The queue refuses every task: the application is stored, its mails wait."""

    class DownQueue:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("task broker unavailable")

    with monkeypatch.context() as patch:
        patch.setattr(tasks, "send_application_mail", DownQueue())
        yield


def sent_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def confirmation_of(submission):
    return MailDelivery.objects.get(submission=submission, kind="confirmation")


@pytest.mark.real_clock  # the killed worker is a subprocess
def test_a_mail_whose_worker_was_killed_goes_out_with_the_next_application(
    client, form_page, district, tmp_path, monkeypatch
):
    """ImmediateBackend (no deferred tasks): the task run of a later
    application sweeps the stuck mail once its lease has run out."""
    first = valid_data(district, email="erste@gemeinde.example")
    with task_queue_down(monkeypatch):
        assert submit(client, form_page, first).status_code == 200
    stuck = confirmation_of(ApplicationSubmission.objects.get(email=first["email"]))

    assert kill_worker_mid_send(stuck, tmp_path) == []

    stuck.refresh_from_db()
    assert (stuck.state, stuck.attempts) == ("sending", 1)
    assert mail.outbox == []
    started = stuck.updated_at  # when the killed worker claimed it

    # Within the lease the worker might still be sending: nobody touches it.
    with time_machine.travel(started + LEASE - datetime.timedelta(minutes=1), tick=False):
        submit(client, form_page, valid_data(district, email="zweite@gemeinde.example"))
    assert len(sent_to("zweite@gemeinde.example")) == 1
    stuck.refresh_from_db()
    assert (stuck.state, stuck.attempts) == ("sending", 1)
    assert sent_to(first["email"]) == []

    # After the lease the next application's mail task sends it, exactly once.
    with time_machine.travel(started + LEASE + datetime.timedelta(minutes=1), tick=False):
        submit(client, form_page, valid_data(district, email="dritte@gemeinde.example"))
        assert len(sent_to(first["email"])) == 1
        stuck.refresh_from_db()
        assert (stuck.state, stuck.attempts) == ("sent", 2)
        assert stuck.last_error == ""
        # The notification of the first application, whose task was lost, too.
        notification = MailDelivery.objects.get(submission=stuck.submission_id, kind="notification")
        assert (notification.state, notification.attempts) == ("sent", 1)
        assert len(mail.outbox) == 6

        # A second sweep and the watchdog find nothing left to send.
        assert tasks.sweep() == {}
        assert tasks.watch_application_mail.call(stuck.pk) == "skipped"
        assert tasks.retry_due() == {}
    assert len(sent_to(first["email"])) == 1
    assert len(mail.outbox) == 6
    assert "B52-2026-0001" in sent_to(first["email"])[0].body


def deferred(backend, name):
    return [result for result in backend.results if result.task.name == name]


def run_due_tasks(backend, now, done):
    """What a worker of a deferring backend does at ``now``: run every task
    whose time has come, once."""
    outcome = []
    for result in list(backend.results):
        if result.id in done:
            continue
        if result.task.run_after is None or result.task.run_after <= now:
            done.add(result.id)
            outcome.append((result.task.name, result.task.call(*result.args, **result.kwargs)))
    return outcome


@pytest.mark.real_clock  # the killed worker is a subprocess
def test_with_a_deferring_backend_the_watchdog_sends_the_mail_of_a_killed_worker(
    client, form_page, district, tmp_path, settings
):
    settings.TASKS = DUMMY
    backend = tasks.send_application_mail.get_backend()
    data = valid_data(district)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit(client, form_page, data)
    submission = ApplicationSubmission.objects.get()
    stuck = confirmation_of(submission)
    notification = MailDelivery.objects.get(submission=submission, kind="notification")

    # Every delivery got its send task and a watchdog due after the lease.
    watchdogs = deferred(backend, "watch_application_mail")
    assert sorted(result.args[0] for result in watchdogs) == [stuck.pk, notification.pk]
    assert {result.task.run_after for result in watchdogs} == {
        start + LEASE + tasks.WATCHDOG_MARGIN
    }
    sends = deferred(backend, "send_application_mail")
    assert [result.task.run_after for result in sends] == [None, None]

    # One worker takes the confirmation's task and is killed in the send;
    # another sends the notification.
    kill_worker_mid_send(stuck, tmp_path)
    done = {result.id for result in sends}
    assert tasks.send_application_mail.call(notification.pk) == "sent"
    stuck.refresh_from_db()
    assert (stuck.state, stuck.attempts) == ("sending", 1)
    assert sent_to(data["email"]) == []

    # The watchdogs' time: the confirmation goes out once, the notification's
    # watchdog does nothing.
    later = timezone.now() + LEASE + tasks.WATCHDOG_MARGIN
    with time_machine.travel(later, tick=False):
        outcome = run_due_tasks(backend, later, done)
    assert sorted(outcome) == [
        ("watch_application_mail", "sent"),
        ("watch_application_mail", "skipped"),
    ]
    stuck.refresh_from_db()
    assert (stuck.state, stuck.attempts) == ("sent", 2)
    assert len(sent_to(data["email"])) == 1
    assert len(mail.outbox) == 2

    # The watchdog armed a successor before it sent (in case it died too);
    # that one and a late duplicate find nothing to do.
    successor = deferred(backend, "watch_application_mail")[-1]
    assert successor.id not in done
    much_later = later + LEASE + tasks.WATCHDOG_MARGIN
    with time_machine.travel(much_later, tick=False):
        assert run_due_tasks(backend, much_later, done) == [("watch_application_mail", "skipped")]
        assert tasks.watch_application_mail.call(stuck.pk) == "skipped"
    assert len(mail.outbox) == 2


@pytest.mark.real_clock  # the killed worker is a subprocess
def test_the_one_double_send_the_smtp_server_accepted_and_the_worker_died(
    client, form_page, district, tmp_path, monkeypatch
):
    """Documented limit (docs/operations.md): the worker is killed after the
    SMTP server accepted the mail and before it recorded “sent”. The row
    cannot tell, so after the lease the mail goes out again: exactly two."""
    data = valid_data(district)
    with task_queue_down(monkeypatch):
        submit(client, form_page, data)
    stuck = confirmation_of(ApplicationSubmission.objects.get())

    accepted = kill_worker_mid_send(stuck, tmp_path, accepted=True)

    assert [message["to"] for message in accepted] == [[data["email"]]]
    stuck.refresh_from_db()
    assert (stuck.state, stuck.attempts) == ("sending", 1)
    started = stuck.updated_at
    with time_machine.travel(started + LEASE + datetime.timedelta(seconds=1), tick=False):
        assert tasks.sweep()["sent"] == 2  # the stuck confirmation and the lost notification
        assert tasks.sweep() == {}
    stuck.refresh_from_db()
    assert (stuck.state, stuck.attempts) == ("sent", 2)
    again = sent_to(data["email"])
    assert len(accepted) + len(again) == 2
    assert again[0].subject == accepted[0]["subject"]


ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


class HoldingBackend(EmailBackend):
    """A mail server that takes a moment, so that the racing workers try
    their claims while the winner is still sending."""

    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
def test_on_postgresql_racing_watchdogs_and_sweeps_send_a_stuck_mail_once(
    client, form_page, district, monkeypatch, settings
):
    assert connection.vendor == "postgresql"
    data = valid_data(district)
    with task_queue_down(monkeypatch):
        submit(client, form_page, data)
    stuck = confirmation_of(ApplicationSubmission.objects.get())
    long_ago = timezone.now() - LEASE - datetime.timedelta(minutes=1)
    MailDelivery.objects.filter(pk=stuck.pk).update(
        state="sending", attempts=1, updated_at=long_ago
    )
    MailDelivery.objects.filter(kind="notification").update(updated_at=long_ago)
    settings.EMAIL_BACKEND = "tests.applications.test_mail_lease.HoldingBackend"

    runs = [lambda: tasks.watch_application_mail.call(stuck.pk)] * 6 + [tasks.sweep] * 6
    barrier = threading.Barrier(len(runs))
    results, errors = [], []

    def worker(run):
        try:
            barrier.wait(timeout=60)
            results.append(run())
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []

    stuck.refresh_from_db()
    assert (stuck.state, stuck.attempts) == ("sent", 2)
    assert len(sent_to(data["email"])) == 1
    assert len(sent_to("office@example.org")) == 1
    assert len(mail.outbox) == 2
    # Every worker says what it did: two sends in all, the rest found it taken.
    sends = sum(
        result.get("sent", 0) if isinstance(result, dict) else result == "sent"
        for result in results
    )
    assert (len(results), sends) == (12, 2)
