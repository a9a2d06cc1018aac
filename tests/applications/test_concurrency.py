"""Concurrent submissions: every one is stored, receipt numbers are unique,
consecutive and gap-free. On PostgreSQL the threads really run at the same
time (the counter row lock orders them); on SQLite, which has one writer,
they are serialised (CI runs this file on PostgreSQL too)."""

import fcntl
import os
import tempfile
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from b52_wagtail.applications.models import ApplicationSubmission, MailDelivery

from .utils import pdf, valid_data

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("one_crowd_at_a_time", "no_rate_limit"),
]

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
THREADS = 50


def run_in_threads(page, payloads):
    """POST every payload from its own thread (own client, own connection)."""
    serialise = threading.Lock() if connection.vendor == "sqlite" else None
    barrier = threading.Barrier(len(payloads))
    results, errors = [None] * len(payloads), []

    def worker(index, payload):
        try:
            barrier.wait(timeout=60)
            client = Client()
            data = {**payload, "attachments": [pdf(f"bogen-{index}.pdf")]}
            if serialise:
                with serialise:
                    response = client.post(page.url, data)
            else:
                response = client.post(page.url, data)
            results[index] = response.status_code
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(index, payload))
        for index, payload in enumerate(payloads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    return results


@pytest.fixture
def one_crowd_at_a_time():
    """Each test opens one connection per thread. Under pytest-xdist two
    workers' crowds at once would pass PostgreSQL's default
    ``max_connections`` (100): the workers take turns through a lock file."""
    with (Path(tempfile.gettempdir()) / "b52-tests-crowd.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture
def page(form_page):
    return form_page


def test_50_concurrent_submissions_get_50_consecutive_receipt_numbers(page, district):
    statuses = run_in_threads(page, [valid_data(district) for _ in range(THREADS)])
    assert statuses == [200] * THREADS
    numbers = sorted(ApplicationSubmission.objects.values_list("receipt_number", flat=True))
    assert numbers == [f"B52-2026-{n:04d}" for n in range(1, THREADS + 1)]
    assert MailDelivery.objects.filter(state="sent").count() == 2 * THREADS


def test_a_double_click_in_parallel_stores_one_application(page, district):
    payload = valid_data(district)
    statuses = run_in_threads(page, [payload] * 5)
    assert statuses == [200] * 5
    submission = ApplicationSubmission.objects.get()
    assert submission.receipt_number == "B52-2026-0001"
    assert submission.attachments.count() == 1
    from .utils import stored_files

    assert len(stored_files()) == 1


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
def test_on_postgresql_the_threads_really_overlap(page, district):
    """Without the counter row lock this would give duplicate numbers."""
    assert connection.vendor == "postgresql"
    statuses = run_in_threads(page, [valid_data(district) for _ in range(THREADS)])
    assert statuses == [200] * THREADS
    numbers = list(ApplicationSubmission.objects.values_list("receipt_number", flat=True))
    assert len(set(numbers)) == THREADS


def test_the_rate_limit_with_the_database_cache_lets_exactly_the_limit_through(
    page, district, settings
):
    """Django's DatabaseCache.incr is a read and a write: under concurrency
    it let 11 of limit 10 through. The package counts in its own table."""
    # All 30 requests in one window, however slow the machine.
    settings.B52_APPLICATION_RATE_WINDOW = 3600
    settings.CACHES = {
        **settings.CACHES,
        "b52_database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "b52_cache_never_created",
        },
    }
    settings.B52_APPLICATION_CACHE = "b52_database"
    settings.B52_APPLICATION_RATE_LIMIT = 10
    statuses = run_in_threads(page, [valid_data(district) for _ in range(30)])
    assert sorted(statuses) == [200] * 10 + [429] * 20
    assert ApplicationSubmission.objects.count() == 10
    from b52_wagtail.applications.models import RateCounter

    assert RateCounter.objects.get().count == 30
