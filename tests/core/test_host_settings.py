"""The host's settings never change what the package means.

A partner site made by ``wagtail start`` has ``LANGUAGE_CODE = "en-us"``,
``TIME_ZONE = "UTC"``, one Wagtail locale ``en`` and
``WAGTAILADMIN_BASE_URL = "http://example.com"``; its visitors' browsers ask
for English. Built there, the demo still speaks German with Berlin times.
"""

import re

import pytest
from django.conf import global_settings
from django.core import mail
from django.urls import reverse
from wagtail.models import Locale

from b52_wagtail.applications.models import ApplicationSubmission
from b52_wagtail.awards.models import AwardCallPage
from tests.demo_visitor import (
    APPLICATION,
    ENGLISH_LABELS,
    GERMAN_LABELS,
    apply_successfully,
    build_demo,
    english_visitor,
    missing_labels,
    one_page_per_type,
    package_container,
    parse,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def en_us_host(settings):
    settings.LANGUAGE_CODE = "en-us"
    settings.LANGUAGES = global_settings.LANGUAGES
    settings.TIME_ZONE = "UTC"
    settings.WAGTAIL_CONTENT_LANGUAGES = [("en", "English")]
    settings.WAGTAILADMIN_BASE_URL = "http://example.com"
    Locale.objects.update(language_code="en")
    return one_page_per_type(build_demo())


@pytest.fixture
def visitor():
    return english_visitor()


def english_in(text):
    """The English labels (tests/labels.json) anywhere in ``text``."""
    return [label for label in ENGLISH_LABELS if label in text]


def test_every_page_type_speaks_german_to_an_english_browser(visitor, en_us_host):
    assert len(en_us_host) == 9
    for page_type, path in en_us_host.items():
        response = visitor.get(path)
        assert response.status_code == 200, page_type
        container = package_container(parse(response))
        assert container["lang"] == "de", page_type
        html = response.content.decode()  # the container and the host's template around it
        assert english_in(html) == [], page_type
        assert missing_labels(container, GERMAN_LABELS[page_type]) == [], page_type
        # The host's own template speaks the page's language too.
        assert re.search(r"<html lang=\"de\"[ >]", html), page_type
        assert "Zum Inhalt springen" in html


def test_the_deadline_is_berlin_time_on_a_utc_host(client, en_us_host):
    call = AwardCallPage.objects.get(url_path__endswith=en_us_host["AwardCallPage"])
    html = client.get(en_us_host["AwardCallPage"]).content.decode()
    assert "23:59 Uhr" in html and "22:59" not in html
    form_id = call.get_children().get().pk
    data = client.get(reverse("b52_api_forms:form", args=[form_id])).json()
    assert re.search(r"T23:59:00\+0[12]:00$", data["deadline"])
    detail = client.get(reverse("b52_api:pages:detail", args=[call.pk])).json()
    assert re.search(r"T23:59:00\+0[12]:00$", detail["deadline"])


def test_an_application_gets_german_mails_with_links_to_the_site(
    visitor, en_us_host, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response, submission = apply_successfully(
            visitor, en_us_host["ApplicationFormPage"], district="Landkreis Göppingen"
        )
    container = package_container(parse(response))
    # The one new application (the demo's closed call has its own).
    assert ApplicationSubmission.objects.filter(page=submission.page).get() == submission
    assert container["lang"] == "de" and submission.receipt_number in str(container)
    assert "Vielen Dank für Ihre Bewerbung" in str(container)
    confirmation, notification = sorted(
        mail.outbox, key=lambda message: message.to != [APPLICATION["email"]]
    )
    assert confirmation.subject.startswith("Eingangsbestätigung")
    assert "Eingegangen am" in confirmation.body and " Uhr" in confirmation.body
    assert not english_in(confirmation.body)
    assert "Neue Bewerbung" in notification.subject
    assert "example.com" not in notification.body
    assert "http://localhost/admin/b52-applications/" in notification.body
