"""Defects a review of the partner-site change found, each pinned down."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import translation

from b52_wagtail.checks import check_document_urls
from b52_wagtail.forms import LocalDateTimeField
from tests.applications.utils import make_call, make_form_page

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def test_a_page_names_its_own_language_not_the_browsers(client, home):
    call = make_call(home)
    response = client.get(call.url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "de"


def test_documents_served_directly_need_no_document_urls(settings):
    settings.ROOT_URLCONF = "tests.core.no_documents_urls"
    assert [m.id for m in check_document_urls()] == ["b52_wagtail.E006"]
    settings.WAGTAILDOCS_SERVE_METHOD = "direct"
    assert check_document_urls() == []


def test_a_stored_time_in_the_repeated_hour_is_shown_so_that_it_reads_back():
    field = LocalDateTimeField()
    summer = datetime.datetime(2025, 10, 26, 2, 30, tzinfo=BERLIN)  # fold 0: MESZ
    winter = summer.replace(fold=1)  # MEZ
    for stored in (summer, winter):
        shown = field.prepare_value(stored)
        assert field.clean(shown) == stored and field.clean(shown).utcoffset() == (
            stored.utcoffset()
        )
    with translation.override("de"):
        assert field.prepare_value(summer).endswith(" MESZ")
        assert field.prepare_value(winter).endswith(" MEZ")
    with translation.override("en"):
        assert field.prepare_value(winter).endswith(" CET")


def test_the_admin_widgets_own_format_is_read(settings):
    from django.forms import DateTimeField
    from wagtail.admin.widgets import AdminDateTimeInput

    original = DateTimeField(widget=AdminDateTimeInput(format="%d/%m/%Y %H:%M"))
    field = LocalDateTimeField.replacing(original)
    assert field.clean("30/11/2026 23:59") == datetime.datetime(2026, 11, 30, 23, 59, tzinfo=BERLIN)


@pytest.fixture
def home(db):
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True).root_page.specific


def test_a_malformed_multipart_body_gets_json(client, home):
    page = make_form_page(make_call(home))
    response = client.generic(
        "POST",
        reverse("b52_api_forms:form", args=[page.pk]),
        b"--broken\r\nContent-Disposition: form-data\r\n\r\nx",
        content_type="multipart/form-data; boundary=",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_the_replacing_field_keeps_validators_messages_and_disabled():
    from django import forms
    from django.core.exceptions import ValidationError

    def not_on_sunday(value):
        if value.weekday() == 6:
            raise ValidationError("Nicht am Sonntag.")

    original = forms.DateTimeField(
        disabled=True,
        validators=[not_on_sunday],
        error_messages={"required": "Bitte den Stichtag angeben."},
    )
    field = LocalDateTimeField.replacing(original)
    assert field.disabled
    assert field.error_messages["required"] == "Bitte den Stichtag angeben."
    # Its own German message for unreadable input stays.
    assert field.error_messages["invalid"] == LocalDateTimeField().error_messages["invalid"]
    field.disabled = False
    with pytest.raises(ValidationError, match="Nicht am Sonntag"):
        field.clean("06.12.2026 12:00")
