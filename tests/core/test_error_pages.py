"""The package's error handlers, wired by a host in one line each: German
pages whatever the host's LANGUAGE_CODE, the host's base template where it
can be used, and a 500 page that needs no database."""

import html

import pytest
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def host(settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    settings.DEBUG = False
    settings.LANGUAGE_CODE = "en-us"
    settings.TIME_ZONE = "UTC"


def get(path):
    response = Client(raise_request_exception=False).get(path)
    return response, html.unescape(response.content.decode())


def test_a_missing_page_is_a_german_404_in_the_hosts_base_template():
    response, content = get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert '<html lang="de"' in content
    assert "Seite nicht gefunden" in content
    assert "Not Found" not in content
    assert 'class="b52 b52-page b52-error"' in content or "b52-error" in content
    assert response["Content-Language"] == "de"


def test_a_bug_is_a_german_500_that_tells_applicants_what_to_do():
    response, content = get("/broken/")
    assert response.status_code == 500
    assert '<html lang="de">' in content
    assert "Technische Störung" in content
    assert "Hatten Sie gerade eine Bewerbung gesendet?" in content
    assert "Eingangsbestätigung" in content
    assert "Server Error" not in content


def test_the_500_page_needs_no_database(monkeypatch):
    def no_database(*args, **kwargs):
        raise AssertionError("the 500 page queried the database")

    with connection.execute_wrapper(lambda *args: no_database()):
        response, content = get("/database-gone/")
    assert response.status_code == 500
    assert "Technische Störung" in content


@pytest.mark.parametrize(
    "path,status,text",
    [("/forbidden/", 403, "Zugriff verweigert"), ("/bad/", 400, "nicht verarbeitet")],
)
def test_403_and_400_are_german(path, status, text):
    response, content = get(path)
    assert response.status_code == status
    assert text in content
    assert '<html lang="de"' in content


def test_a_404_whose_base_template_fails_falls_back_to_a_plain_page(settings):
    settings.B52_BASE_TEMPLATE = "does/not/exist.html"
    response, content = get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert '<html lang="de">' in content
    assert "Seite nicht gefunden" in content


def test_the_example_site_wires_the_handlers():
    from example_site.urls import handler404, handler500  # noqa: PLC0415

    assert handler404 == "b52_wagtail.views.page_not_found"
    assert handler500 == "b52_wagtail.views.server_error"
