"""Nothing private leaks through the package's API: drafts, view-restricted
pages, pages of another site and unpublished relations are absent from the
API v2 listings and 404 in detail and in the form API; texts are plain."""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction, Site

from b52_wagtail.models import Organisation
from b52_wagtail.press.models import PressReleaseIndexPage
from tests.applications.utils import make_call, make_form_page
from tests.press.factories import add_release

pytestmark = pytest.mark.django_db

RELEASES = "/b52/api/v2/pages/?type=b52_press.PressReleasePage&fields=*"
DAY = datetime.date(2026, 3, 2)


def titles(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["items"])


@pytest.fixture
def partner_site(db):
    partner_home = Page(title="Partnerkasse", slug="partnerkasse")
    Page.get_first_root_node().add_child(instance=partner_home)
    Site.objects.create(hostname="partner.example", port=80, root_page=partner_home)
    index = PressReleaseIndexPage(title="Presse Partner", slug="presse")
    partner_home.add_child(instance=index)
    index.save_revision().publish()
    return index


def test_drafts_restricted_pages_and_other_sites_are_not_listed(client, press_index, partner_site):
    public = add_release(press_index, "Öffentlich", DAY)
    draft = add_release(press_index, "Entwurf", DAY, publish=False)
    restricted = add_release(press_index, "Nur mit Passwort", DAY)
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    unpublished = add_release(press_index, "Zurückgezogen", DAY)
    unpublished.unpublish()
    other_site = add_release(partner_site, "Partnerseite", DAY)
    # A live page with unpublished changes shows the live version only.
    public.title = "Öffentlich – geheime Änderung"
    public.save_revision()

    assert titles(client, RELEASES) == ["Öffentlich"]
    assert titles(client, "/b52/api/v2/pages/?fields=*&limit=20").count("Entwurf") == 0
    for page in (draft, restricted, unpublished, other_site):
        assert client.get(f"/b52/api/v2/pages/{page.pk}/").status_code == 404, page.title
        found = client.get(f"/b52/api/v2/pages/find/?html_path={page.url_path}")
        assert found.status_code == 404, page.title
    body = client.get(f"/b52/api/v2/pages/{public.pk}/").content.decode()
    assert "geheime Änderung" not in body
    # The other site sees its own page only.
    assert titles(client, RELEASES, HTTP_HOST="partner.example") == ["Partnerseite"]


def test_pages_below_a_restricted_page_are_not_listed(client, press_index):
    add_release(press_index, "Unter geschützter Seite", DAY)
    PageViewRestriction.objects.create(
        page=press_index, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    assert titles(client, RELEASES) == []


def test_a_calls_form_page_is_linked_only_when_live_and_public(client, home):
    call = make_call(home)
    form = make_form_page(call)
    call.application_page = form
    call.save_revision().publish()
    url = f"/b52/api/v2/pages/{call.pk}/"
    assert client.get(url).json()["application_page"]["id"] == form.pk
    form.unpublish()
    assert client.get(url).json()["application_page"] is None
    assert client.get(reverse("b52_api_forms:form", args=[form.pk])).status_code == 404
    form.save_revision().publish()
    PageViewRestriction.objects.create(
        page=form, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    assert client.get(url).json()["application_page"] is None
    assert client.get(reverse("b52_api_forms:form", args=[form.pk])).status_code == 404


def test_a_form_of_another_site_is_404(client, partner_site):
    call = make_call(partner_site.get_parent().specific)
    form = make_form_page(call)
    url = reverse("b52_api_forms:form", args=[form.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).json()["stored"] is False
    assert client.get(url, HTTP_HOST="partner.example").status_code == 200


def test_a_closed_calls_form_says_closed_and_shows_no_applications(
    client, home, district, settings
):
    from tests.applications.utils import berlin, pdf, valid_data

    call = make_call(home, start=berlin(2020, 1, 1), deadline=berlin(2020, 3, 31, 23, 59))
    form = make_form_page(call)
    url = reverse("b52_api_forms:form", args=[form.pk])
    data = client.get(url).json()
    assert data["accepts_applications"] is False
    assert set(data) == {
        "id",
        "title",
        "language",
        "time_zone",
        "intro",
        "accepts_applications",
        "closed_message",
        "application_start",
        "deadline",
        "privacy_policy_url",
        "fields",
        "hidden_fields",
        "honeypot_field",
        "upload_limits",
    }
    response = client.post(url, {**valid_data(district), "attachments": [pdf()]})
    assert response.status_code == 400
    assert response.json()["stored"] is False


def test_snippet_names_in_api_v2_are_plain_text(client, press_index, locale_default):
    organisation = Organisation.objects.create(
        name='Kasse & Co <"Süd">', short_name="K&C", locale=locale_default
    )
    release = add_release(press_index, 'Schulen & Vereine <"B 52">', DAY)
    release.lead_organisation = organisation
    release.save_revision().publish()
    data = client.get(f"/b52/api/v2/pages/{release.pk}/").json()
    assert data["title"] == 'Schulen & Vereine <"B 52">'
    assert data["lead_organisation"]["name"] == 'Kasse & Co <"Süd">'
    assert data["lead_organisation"]["short_name"] == "K&C"
    raw = client.get(f"/b52/api/v2/pages/{release.pk}/").content.decode()
    assert "&amp;" not in raw and "&lt;" not in raw and "&quot;" not in raw


@pytest.fixture
def locale_default(db):
    from wagtail.models import Locale

    return Locale.get_default()
