"""Run by tests/hosts/test_hosts.py in a subprocess with this host's settings."""

import pytest
from django.apps import apps
from django.core.management import call_command

from b52_wagtail.conf import b52_settings

pytestmark = pytest.mark.django_db


def test_only_core_and_press_are_installed():
    assert apps.is_installed("b52_wagtail")
    assert apps.is_installed("b52_wagtail.press")
    for other in ("cooperation", "awards", "applications", "api"):
        assert not apps.is_installed(f"b52_wagtail.{other}")


def test_host_without_base_html_uses_the_standalone_base():
    assert b52_settings.base_template() == "b52_wagtail/base.html"
    call_command("check", fail_level="ERROR")


def test_migrations_are_complete_for_this_host():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_demo_builds_what_this_host_has(client):
    call_command("b52_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert client.get("/").status_code == 200


def test_press_index_release_and_feed_render_without_other_apps(client):
    import datetime

    import feedparser
    from wagtail.models import Site

    from b52_wagtail.models import District, Organisation
    from b52_wagtail.press.models import PressReleaseIndexPage, PressReleasePage

    home = Site.objects.get(is_default_site=True).root_page
    index = PressReleaseIndexPage(title="Presse", slug="presse")
    home.add_child(instance=index)
    index.save_revision().publish()
    organisation = Organisation.objects.create(name="vdek", short_name="vdek")
    release = PressReleasePage(
        title="Fünfter Jobcenter übergreifender Austausch",
        slug="austausch",
        release_date=datetime.date(2025, 4, 3),
        teaser="Ein digitaler Austausch.",
        lead_organisation=organisation,
        body=[("heading", {"text": "Stärkung kommunaler Einbindung", "level": "h2"})],
    )
    index.add_child(instance=release)
    release.districts = [District.objects.get(key="08426")]
    release.save()
    release.save_revision().publish()

    listing = client.get("/presse/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "b52-standalone" in html and "Fünfter Jobcenter übergreifender Austausch" in html
    assert client.get("/presse/2025/").status_code == 200
    assert client.get("/presse/?programme=xyz&page=abc").status_code == 200

    page = client.get("/presse/austausch/")
    assert page.status_code == 200
    assert "Stärkung kommunaler Einbindung" in page.content.decode()
    assert "application/ld+json" in page.content.decode()

    for kind in ("rss", "atom"):
        feed = feedparser.parse(client.get(f"/presse/feed/{kind}/").content)
        assert not feed.bozo
        assert [entry.title for entry in feed.entries] == [release.title]
