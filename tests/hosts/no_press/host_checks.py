"""Run by tests/hosts/test_hosts.py in a subprocess with this host's settings:
the cooperation app works without the press app."""

import sys

import pytest
from django.apps import apps
from django.core.management import call_command

from b52_wagtail.conf import b52_settings
from b52_wagtail.content import news_sources

pytestmark = pytest.mark.django_db


def test_only_core_and_cooperation_are_installed():
    assert apps.is_installed("b52_wagtail")
    assert apps.is_installed("b52_wagtail.cooperation")
    for other in ("press", "awards", "applications", "api"):
        assert not apps.is_installed(f"b52_wagtail.{other}")
    assert news_sources() == []
    # Nothing loaded the press app's code behind the host's back.
    assert "b52_wagtail.press.models" not in sys.modules


def test_host_checks_pass():
    assert b52_settings.base_template() == "b52_wagtail/base.html"
    call_command("check", fail_level="ERROR")


def test_migrations_are_complete_for_this_host():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_demo_pages_and_district_overview_render(client):
    call_command("b52_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from b52_wagtail.cooperation.models import CooperationFieldPage, CooperationIndexPage

    index = CooperationIndexPage.objects.get(slug="kooperation")
    response = client.get(index.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kommunale Gesundheitskonferenzen" in html
    assert "Stuttgarter Straße 105" in html

    field = CooperationFieldPage.objects.get(slug="kommunale-gesundheitskonferenzen")
    response = client.get(field.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "teamw()rk für Gesundheit und Arbeit" in html
    assert "b52-field__news" not in html  # no news source without the press app

    for url in (field.url + "kreis/08426/", index.url + "kreis/08426/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Verband der Ersatzkassen" in response.content.decode()
    assert client.get(field.url + "kreis/?district=08426").status_code == 302
    assert client.get(field.url + "kreis/99999/").status_code == 404
