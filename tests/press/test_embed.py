"""The iframe embed of a press release list (/b52/press/embed/): framable
only from B52_EMBED_ORIGINS, narrowed by programme, district and
organisation, only live public releases of the request's site."""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import Page, Site

from b52_wagtail.press.models import PressReleaseIndexPage

from .factories import add_release, make_private

pytestmark = pytest.mark.django_db

PARTNER = "https://www.gemeinde-salach.example"
URL = "/b52/press/embed/"


@pytest.fixture(autouse=True)
def partner_origins(settings):
    settings.B52_EMBED_ORIGINS = [PARTNER]


@pytest.fixture
def releases(press_index, teamwork, other_programme, vdek, bkk, districts):
    day = datetime.date(2026, 3, 1)
    return {
        "teamwork": add_release(
            press_index,
            "Teamwork in Göppingen",
            day,
            programme=teamwork,
            lead_organisation=vdek,
            districts=[districts["08117"]],
        ),
        "selbsthilfe": add_release(
            press_index,
            "Selbsthilfe in Ulm",
            day - datetime.timedelta(days=1),
            programme=other_programme,
            lead_organisation=bkk,
            districts=[districts["08421"]],
        ),
        "partner": add_release(
            press_index,
            "Gemeinsam mit dem vdek",
            day - datetime.timedelta(days=2),
            programme=other_programme,
            lead_organisation=bkk,
            partners=[vdek],
        ),
        "draft": add_release(press_index, "Entwurf", day, publish=False),
    }


def titles(response):
    html = response.content.decode()
    return [
        title
        for title in (
            "Teamwork in Göppingen",
            "Selbsthilfe in Ulm",
            "Gemeinsam mit dem vdek",
            "Entwurf",
            "Geheim",
        )
        if title in html
    ]


def test_the_url_is_named():
    assert reverse("b52_press:embed") == URL


def test_only_the_partner_origins_may_frame_the_list(client, releases):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == f"frame-ancestors {PARTNER}"
    assert "X-Frame-Options" not in response
    assert not [name for name in response.headers if name.startswith("Access-Control-")]


def test_without_partner_origins_no_one_may_frame_the_list(client, releases, settings):
    settings.B52_EMBED_ORIGINS = []
    response = client.get(URL, HTTP_ORIGIN="https://evil.example")
    assert response["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert "Access-Control-Allow-Origin" not in response


def test_the_list_shows_live_public_releases_newest_first(client, releases, press_index):
    secret = add_release(press_index, "Geheim", datetime.date(2026, 3, 2))
    make_private(secret)
    response = client.get(URL)
    assert titles(response) == [
        "Teamwork in Göppingen",
        "Selbsthilfe in Ulm",
        "Gemeinsam mit dem vdek",
    ]
    html = response.content.decode()
    assert "b52-standalone__header" not in html and "data-b52-embed" in html
    assert 'target="_top"' in html  # release pages open in the whole window
    assert "http://testserver/presse/" in html
    assert response["Content-Language"] == "de"
    assert "<h1" in html and "Pressemitteilungen" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("programme=teamwork-gesundheit-arbeit", ["Teamwork in Göppingen"]),
        ("district=08421", ["Selbsthilfe in Ulm"]),
        ("organisation={vdek}", ["Teamwork in Göppingen", "Gemeinsam mit dem vdek"]),
        ("programme=selbsthilfe&organisation={vdek}", ["Gemeinsam mit dem vdek"]),
        ("limit=1", ["Teamwork in Göppingen"]),
        ("programme=unbekannt", []),
        ("organisation=abc", []),
    ],
)
def test_the_list_is_filtered_by_the_query(client, releases, vdek, query, expected):
    response = client.get(f"{URL}?{query.format(vdek=vdek.pk)}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_an_empty_list_says_so_in_german(client, press_index):
    assert "Es gibt noch keine Pressemitteilungen." in client.get(URL).content.decode()


def test_releases_of_another_site_do_not_appear(client, releases):
    other_root = Page.get_first_root_node().add_child(
        instance=Page(title="Andere Kasse", slug="andere-kasse")
    )
    Site.objects.create(hostname="andere-kasse.example", root_page=other_root)
    other_index = PressReleaseIndexPage(title="Presse", slug="presse")
    other_root.add_child(instance=other_index)
    add_release(other_index, "Andere Seite", datetime.date(2026, 3, 5))
    assert "Andere Seite" not in client.get(URL).content.decode()
    other = client.get(URL, HTTP_HOST="andere-kasse.example").content.decode()
    assert "Andere Seite" in other and "Teamwork in Göppingen" not in other


def test_an_index_narrows_the_list_and_must_be_public(client, releases, press_index, home):
    second = PressReleaseIndexPage(title="Archiv", slug="archiv")
    home.add_child(instance=second)
    add_release(second, "Im Archiv", datetime.date(2026, 3, 5))
    response = client.get(f"{URL}?index={second.pk}")
    assert titles(response) == [] and "Im Archiv" in response.content.decode()
    make_private(second)
    assert client.get(f"{URL}?index={second.pk}").status_code == 404
    assert client.get(f"{URL}?index=abc").status_code == 404
