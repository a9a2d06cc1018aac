"""The press pages are served from the fragment cache, and every change a
visitor could notice shows at once.

Each invalidation scenario runs twice: with the receivers that bump the
content generation (the visitor sees the change) and with them disconnected
(the visitor gets the stale cached page), which shows that the scenario
really goes through the cache."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, Site

from b52_wagtail.cache import connect_signals, disconnect_signals
from b52_wagtail.models import B52Settings

from .conftest import add_release, make_image
from .test_publishing import add_view_url, release_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(press_index, vdek, bkk, teamwork, districts, winkler, pdf_document, image, editor):
    """An index with three related releases (same programme and district),
    all pages visited once so that their fragments are cached."""
    biberach = districts["08426"]

    def release(title, day, **fields):
        return add_release(
            press_index,
            title,
            datetime.date(2024, 6, day),
            programme=teamwork,
            districts=[biberach],
            lead_organisation=vdek,
            partners=[bkk],
            **fields,
        )

    older = release("Ältere Mitteilung", 1)
    middle = release(
        "Mittlere Mitteilung",
        10,
        lead_image=image,
        contacts=[winkler],
        downloads=[(pdf_document, "")],
    )
    newer = release("Neuere Mitteilung", 20)
    editor_client = Client()
    editor_client.force_login(editor)
    w = {
        "index": press_index,
        "older": older,
        "middle": middle,
        "newer": newer,
        "vdek": vdek,
        "bkk": bkk,
        "teamwork": teamwork,
        "biberach": biberach,
        "winkler": winkler,
        "pdf": pdf_document,
        "image": image,
        "editor": editor_client,
        "visitor": Client(),
    }
    for url in pages(w):
        assert w["visitor"].get(url).status_code == 200
    return w


def pages(w):
    index = w["index"].url
    return [
        index,
        f"{index}2024/",
        f"{index}feed/rss/",
        w["older"].url,
        w["middle"].url,
        w["newer"].url,
    ]


def visit(w, url):
    response = w["visitor"].get(url)
    return response.status_code, response.content.decode()


def index_html(w):
    return visit(w, w["index"].url)[1]


def related_and_pager(html):
    """The related list and the previous/next links of a release page."""
    return "".join(
        re.findall(r'class="b52-press-(?:related|pager)".*?</(?:section|nav)>', html, re.S)
    )


# Scenarios: change something as an editor would, return whether the visitor
# sees the change everywhere it shows.


def publish_new_release(w):
    response = w["editor"].post(
        add_view_url(w["index"]),
        release_form_data(
            title="Brandneue Mitteilung",
            slug="brandneu",
            organisation=w["vdek"],
            programme=w["teamwork"],
            districts=[w["biberach"]],
            contact=w["winkler"],
            document=w["pdf"],
        ),
    )
    assert response.status_code == 302
    index = w["index"].url
    return all(
        "Brandneue Mitteilung" in visit(w, url)[1]
        for url in (index, f"{index}2025/", f"{index}feed/rss/", f"{index}feed/atom/")
    ) and "Brandneue Mitteilung" in related_and_pager(visit(w, w["newer"].url)[1])


def unpublish_release(w):
    url = reverse("wagtailadmin_pages:unpublish", args=(w["middle"].pk,))
    assert w["editor"].post(url).status_code == 302
    return gone_everywhere(w, "Mittlere Mitteilung")


def delete_release(w):
    url = reverse("wagtailadmin_pages:delete", args=(w["middle"].pk,))
    assert w["editor"].post(url).status_code == 302
    assert not Page.objects.filter(pk=w["middle"].pk).exists()
    return gone_everywhere(w, "Mittlere Mitteilung")


def make_release_private(w):
    url = reverse("wagtailadmin_pages:set_privacy", args=(w["middle"].pk,))
    response = w["editor"].post(url, {"restriction_type": "password", "password": "geheim"})
    assert response.status_code == 200
    assert w["middle"].get_view_restrictions().exists()
    return gone_everywhere(w, "Mittlere Mitteilung")


def move_release_away(w):
    other = w["index"].add_sibling(
        instance=type(w["index"])(title="Archiv", slug="archiv"), pos="last-sibling"
    )
    other.save_revision().publish()
    w["middle"].move(other, pos="last-child")
    return gone_everywhere(w, "Mittlere Mitteilung")


def gone_everywhere(w, title):
    index = w["index"].url
    return (
        title not in index_html(w)
        and title not in visit(w, f"{index}2024/")[1]
        and title not in visit(w, f"{index}feed/rss/")[1]
        and title not in related_and_pager(visit(w, w["older"].url)[1])
        and title not in related_and_pager(visit(w, w["newer"].url)[1])
    )


def rename_organisation(w):
    w["vdek"].name = "Verband der Ersatzkassen, Landesvertretung BW"
    w["vdek"].short_name = "vdek BW"
    w["vdek"].save()
    release = visit(w, w["middle"].url)[1]
    return (
        "vdek BW · BKK LV Süd" in index_html(w)
        and "Verband der Ersatzkassen, Landesvertretung BW" in release
    )


def change_site_settings(w):
    settings = B52Settings.for_site(Site.objects.get(is_default_site=True))
    settings.name = "Neuer Name der Kooperation"
    settings.save()
    html = visit(w, w["middle"].url)[1]
    return '"publisher": {"@type": "Organization", "name": "Neuer Name der Kooperation"' in html


def rename_contact_programme_district(w):
    w["winkler"].name = "Franziska Winkler"
    w["winkler"].save()
    w["teamwork"].name = "teamw()rk 2026"
    w["teamwork"].save()
    w["biberach"].name = "Landkreis Biberach an der Riß"
    w["biberach"].save()
    html = visit(w, w["middle"].url)[1]
    return all(
        text in html for text in ("Franziska Winkler", "teamw()rk 2026", "Biberach an der Riß")
    )


def change_image_and_document(w):
    w["image"].title = "Gruppenfoto vom Austausch"
    w["image"].save()
    w["pdf"].title = "Neue Fassung (PDF)"
    w["pdf"].save()
    html = visit(w, w["middle"].url)[1]
    return 'alt="Gruppenfoto vom Austausch"' in html and "Neue Fassung (PDF)" in html


SCENARIOS = [
    publish_new_release,
    unpublish_release,
    delete_release,
    make_release_private,
    move_release_away,
    rename_organisation,
    change_site_settings,
    rename_contact_programme_district,
    change_image_and_document,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.__name__)
def test_changes_show_at_once(world, scenario):
    assert scenario(world)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.__name__)
def test_without_the_receivers_the_cached_pages_would_be_stale(world, scenario):
    disconnect_signals()
    try:
        assert not scenario(world)
    finally:
        connect_signals()


# Keys: language, site, previews, users ----------------------------------------


@pytest.mark.parametrize("snippet", ["teamwork", "biberach", "vdek"])
def test_the_filter_offers_a_renamed_programme_district_or_organisation_at_once(world, snippet):
    """The three selects' options share one cache entry, stale when any of
    the three kinds changes."""
    obj = world[snippet]
    obj.name = f"{obj.name} (umbenannt)"
    obj.save()
    assert f">{obj}</option>" in index_html(world)


def test_each_language_gets_its_own_fragments(world, settings):
    visitor = world["visitor"]
    url = world["middle"].url
    german = visitor.get(url).content.decode()
    # The browser's language does not change the page's (it is German).
    assert "Verwandte Pressemitteilungen" in german
    assert visitor.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode() == german
    settings.B52_LANGUAGE = "en"
    english = visitor.get(url).content.decode()
    assert "Related press releases" in english and "Verwandte" not in english
    index_en = visitor.get(world["index"].url).content.decode()
    assert "Apply filters" in index_en and "Filter anwenden" not in index_en
    settings.B52_LANGUAGE = "de"
    assert "Related press releases" not in visitor.get(url).content.decode()


def test_each_site_gets_its_own_fragments(world, home):
    partner = Site.objects.create(
        hostname="partner.example", port=80, root_page=home, site_name="Partner"
    )
    B52Settings.objects.create(site=partner, name="Partnerseite der Kooperation")
    default_name = B52Settings.for_site(Site.objects.get(is_default_site=True)).name
    url = world["middle"].url

    def publisher(host):
        html = world["visitor"].get(url, HTTP_HOST=host).content.decode()
        return re.search(r'"publisher": \{"@type": "Organization", "name": "([^"]*)"', html)[1]

    assert publisher("testserver") == default_name
    assert publisher("partner.example") == "Partnerseite der Kooperation"
    assert publisher("testserver") == default_name


def test_previews_are_neither_served_from_nor_stored_in_the_cache(world):
    release, editor = world["middle"], world["editor"]
    # Wagtail renders a preview for the host of the page's site: the visitor
    # uses the same host, so the preview and the live page share every key.
    visitor = Client(HTTP_HOST=urlsplit(release.full_url).netloc)
    assert "Mittlere Mitteilung" in visitor.get(release.url).content.decode()
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(release.pk,))
    data = release_form_data(
        title="Entwurf im Vorschaumodus",
        slug=release.slug,
        organisation=world["vdek"],
        programme=world["teamwork"],
        districts=[world["biberach"]],
        contact=world["winkler"],
        document=world["pdf"],
    )
    del data["action-publish"]
    assert editor.post(url, data).json()["is_valid"]
    preview = editor.get(url).content.decode()
    assert "Entwurf im Vorschaumodus" in preview.split("<h1")[1].split("</h1>")[0]
    for _ in range(2):
        live = visitor.get(release.url).content.decode()
        assert "Mittlere Mitteilung" in live and "Entwurf im Vorschaumodus" not in live
        preview = editor.get(url).content.decode()
        assert "Entwurf im Vorschaumodus" in preview.split("<h1")[1].split("</h1>")[0]


@override_settings(
    B52_BASE_TEMPLATE="b52_press_tests/base_with_userbar.html",
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [str(__import__("pathlib").Path(__file__).parent / "templates")],
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "wagtail.contrib.settings.context_processors.settings",
                ]
            },
        }
    ],
)
def test_editors_get_their_userbar_and_visitors_never_do(world):
    url = world["middle"].url
    visitor, editor = world["visitor"], world["editor"]
    assert "wagtail-userbar" not in visitor.get(url).content.decode()
    as_editor = editor.get(url).content.decode()
    assert "wagtail-userbar" in as_editor and "Mittlere Mitteilung" in as_editor
    assert "wagtail-userbar" not in visitor.get(url).content.decode()
    assert "wagtail-userbar" in editor.get(world["index"].url).content.decode()
    assert "wagtail-userbar" not in visitor.get(world["index"].url).content.decode()


# The listing: errors are never cached, foreign parameters never stored ---------


def test_bad_page_numbers_and_years_stay_404(world):
    index = world["index"].url
    for _ in range(2):
        assert world["visitor"].get(index, {"page": 99999}).status_code == 404
        assert world["visitor"].get(index, {"page": 2}).status_code == 404
        assert world["visitor"].get(f"{index}1999/").status_code == 404
        assert world["visitor"].get(index, {"page": "abc"}).status_code == 200


def test_a_page_that_became_out_of_range_is_404(world):
    index = world["index"].url
    add_release(world["index"], "Vierte", datetime.date(2024, 7, 1))
    with override_settings(B52_PAGE_SIZE=2):
        assert world["visitor"].get(index, {"page": 2}).status_code == 200
        world["older"].unpublish()
        world["newer"].unpublish()
        assert world["visitor"].get(index, {"page": 2}).status_code == 404


def test_unknown_filter_values_show_their_message_every_time(world):
    for _ in range(2):
        response = world["visitor"].get(world["index"].url, {"year": "abc", "programme": "xyz"})
        assert response.status_code == 200
        assert "Einige Filterwerte wurden nicht erkannt" in response.content.decode()


def test_foreign_query_parameters_never_reach_another_visitor(world):
    with override_settings(B52_PAGE_SIZE=1):
        index = world["index"].url
        tracked = world["visitor"].get(index, {"page": 2, "fbclid": "geheim-123"})
        assert "geheim-123" in tracked.content.decode()  # its own links keep it
        clean = Client().get(index, {"page": 2}).content.decode()
        assert "geheim-123" not in clean
        assert 'href="?page=3"' in clean
        # A request with a foreign parameter reads the clean fragment.
        again = Client().get(index, {"page": 2, "utm_source": "newsletter"}).content.decode()
        assert "newsletter" not in again and 'href="?page=3"' in again


@pytest.mark.parametrize(
    "query",
    [
        {"q": "Mitteilung"},
        {"year": "abc"},
        {"programme": "xyz"},
        {"district": "00000"},
        {"page": 1, "fbclid": "abc"},
        {"page": 99999},
    ],
)
def test_searches_errors_and_foreign_parameters_are_not_stored(world, query):
    """The cache holds only listings of known, valid parameters: the number
    of keys stays bounded whatever visitors type."""
    index = world["index"].url
    # The host's frame of a "not found" page is cached once, like any page's.
    world["visitor"].get(index, {"page": 77777})
    keys = set(caches["default"]._cache)
    for _ in range(2):
        world["visitor"].get(index, query)
    assert set(caches["default"]._cache) == keys


def test_the_feed_link_to_itself_has_no_query_string(world):
    xml = Client().get(f"{world['index'].url}feed/atom/", {"x": "<böse>"}).content.decode()
    assert "x=" not in xml and "böse" not in xml
    xml = Client().get(f"{world['index'].url}feed/atom/").content.decode()
    assert "x=" not in xml and "böse" not in xml


@override_settings(B52_FRAGMENT_CACHE=None)
def test_without_a_fragment_cache_every_page_is_rendered_live(client, press_index, vdek):
    from .test_queries import WARM_INDEX_QUERIES

    caches["default"].clear()  # the fixtures ran before the setting applied
    release = add_release(press_index, "Live", datetime.date(2025, 1, 1), lead_organisation=vdek)
    client.get(press_index.url)  # Wagtail's own caches (site root paths)
    counts = []
    for url in (press_index.url, press_index.url, release.url, release.url):
        with CaptureQueriesContext(connection) as queries:
            assert "Live" in client.get(url).content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1] > WARM_INDEX_QUERIES
    assert counts[2] == counts[3] > WARM_INDEX_QUERIES + 1
    assert not any("template.cache" in key for key in caches["default"]._cache)
    assert not any("content_generation" in key for key in caches["default"]._cache)


def test_image_in_the_cached_page_is_the_current_one(world):
    # A new lead image is a new publication: the release page shows it.
    release = world["middle"]
    release.lead_image = make_image("Neues Foto", "#123456")
    release.save_revision().publish()
    assert 'alt="Neues Foto"' in visit(world, release.url)[1]
