"""The cache on Redis: the rate limit counts every process's requests in one
counter (cache.incr is atomic there), and the fragment cache of the press
pages is shared and invalidated through it."""

import datetime
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from b52_wagtail.applications.models import ApplicationSubmission, Attachment
from b52_wagtail.cache import GENERATION_KEY
from b52_wagtail.models import District
from b52_wagtail.press.models import PressReleaseIndexPage
from tests.applications.utils import pdf
from tests.press.factories import add_release

from .services import bucket_keys
from .utils import applicant, application_page, open_form, send_application

LIMIT = 5
REQUESTS = 4 * LIMIT


def redis_client():
    import redis

    return redis.Redis(port=settings.REDIS_PORT)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rate_limit_lets_exactly_the_limit_through_under_concurrency(settings, stack):
    settings.B52_APPLICATION_RATE_LIMIT = LIMIT
    settings.B52_APPLICATION_RATE_WINDOW = 600
    settings.B52_APPLICATION_MIN_SECONDS = 0
    page = application_page()
    district = District.objects.get(key="08117")
    # Every person opens the form first (GETs are not counted) ...
    people = [applicant() for _ in range(REQUESTS)]
    forms = [open_form(person, page) for person in people]
    connection.close()
    barrier = threading.Barrier(REQUESTS)
    answers, errors = [None] * REQUESTS, []

    def send(index):
        try:
            barrier.wait(timeout=60)
            answers[index] = send_application(
                people[index], page, district, [pdf(f"bogen-{index}.pdf")], form=forms[index]
            )
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    # ... then all of them send at the same moment, from one address.
    threads = [threading.Thread(target=send, args=(index,)) for index in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * LIMIT + [429] * (REQUESTS - LIMIT)
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert "Zu viele Versuche" in refused.content.decode()
    # Exactly the accepted ones are stored, with their files and mails.
    assert ApplicationSubmission.objects.count() == LIMIT
    assert Attachment.objects.count() == LIMIT
    assert len(bucket_keys(stack["s3"], stack["bucket"])) == LIMIT
    assert len(mail.outbox) == 2 * LIMIT
    # One counter in Redis saw every request; it and the window's end expire.
    redis = redis_client()
    keys = redis.keys("*rate*")
    [counter] = [key for key in keys if not key.endswith(b":ends")]
    assert len(keys) == 2
    assert int(redis.get(counter)) == REQUESTS
    assert all(0 < redis.ttl(key) <= 601 for key in keys)


@pytest.mark.django_db
def test_the_press_index_is_served_from_the_fragment_cache_in_redis():
    home = Site.objects.get(is_default_site=True).root_page.specific
    index = PressReleaseIndexPage(title="Pressemitteilungen", slug="presse")
    home.add_child(instance=index)
    index.save_revision().publish()
    for day in (1, 10, 20):
        add_release(index, f"Mitteilung vom {day}. Juni", datetime.date(2025, 6, day))
    visitor = Client()

    with CaptureQueriesContext(connection) as cold:
        first = visitor.get(index.url)
    with CaptureQueriesContext(connection) as warm:
        second = visitor.get(index.url)

    assert first.status_code == second.status_code == 200
    assert "Mitteilung vom 20. Juni" in second.content.decode()
    assert len(warm) < len(cold)
    # The fragments and the content generation are in Redis, where every
    # worker of every server finds them.
    stored = redis_client().keys("*")
    assert any(b"template.cache." in key for key in stored)
    assert any(GENERATION_KEY.encode() in key for key in stored)

    # A new release is published: the next visitor sees it at once.
    add_release(index, "Mitteilung vom 25. Juni", datetime.date(2025, 6, 25))
    assert "Mitteilung vom 25. Juni" in visitor.get(index.url).content.decode()
