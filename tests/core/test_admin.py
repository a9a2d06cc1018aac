import pytest
from django.urls import reverse
from wagtail.models import Site

from b52_wagtail.models import B52Settings, Contact, Organisation, Programme

pytestmark = pytest.mark.django_db


def test_b52_menu_groups_the_snippets(admin_client):
    response = admin_client.get(reverse("wagtailadmin_home"))
    content = response.content.decode()
    for url_name in (
        "wagtailsnippets_b52_wagtail_organisation:list",
        "wagtailsnippets_b52_wagtail_contact:list",
        "wagtailsnippets_b52_wagtail_district:list",
        "wagtailsnippets_b52_wagtail_programme:list",
    ):
        assert reverse(url_name) in content


def test_editor_creates_organisation_contact_and_programme(admin_client):
    response = admin_client.post(
        reverse("wagtailsnippets_b52_wagtail_organisation:add"),
        {
            "name": "IKK classic",
            "short_name": "IKK classic",
            "kind": "ikk",
            "is_member": "on",
            "sort_order": "1",
            "website": "https://www.ikk-classic.de/",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="IKK classic")
    assert organisation.is_member

    response = admin_client.post(
        reverse("wagtailsnippets_b52_wagtail_contact:add"),
        {"name": "Erika Muster", "organisation": organisation.pk, "email": "erika@example.org"},
    )
    assert response.status_code == 302
    assert Contact.objects.get(name="Erika Muster").organisation == organisation

    response = admin_client.post(
        reverse("wagtailsnippets_b52_wagtail_programme:add"),
        {"name": "Gesund im Betrieb", "slug": "gesund-im-betrieb", "coordinator": organisation.pk},
    )
    assert response.status_code == 302
    assert Programme.objects.get(slug="gesund-im-betrieb").coordinator == organisation


def test_contact_with_a_malformed_email_is_refused(admin_client):
    response = admin_client.post(
        reverse("wagtailsnippets_b52_wagtail_contact:add"),
        {"name": "Max", "email": "not-an-email"},
    )
    assert response.status_code == 200
    assert not Contact.objects.filter(name="Max").exists()


def test_editor_renames_the_cooperation_in_the_site_settings(admin_client, client):
    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=["b52_wagtail", "b52settings", site.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "name": "Bündnis 52 Baden-Württemberg",
            "short_name": "Bündnis 52",
            "office_city": "Kornwestheim",
            "office_postcode": "70806",
            "privacy_notice_version": "2",
        },
    )
    assert response.status_code == 302
    assert B52Settings.for_site(site).short_name == "Bündnis 52"
    # The example site's base template reads the name from the settings.
    assert "Bündnis 52 Baden-Württemberg" in client.get("/").content.decode()


def test_html_in_an_organisation_name_is_escaped_in_the_listing(admin_client):
    Organisation.objects.create(name='<script>alert("x")</script>', short_name="")
    response = admin_client.get(reverse("wagtailsnippets_b52_wagtail_organisation:list"))
    content = response.content.decode()
    assert '<script>alert("x")</script>' not in content
    assert "&lt;script&gt;" in content
