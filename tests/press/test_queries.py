"""The press pages run the same number of queries with 10 and with 2,000
releases, including the card images (renditions) and the organisations on
each card: cold (the fragments rendered afresh, as after any publication)
and warm (served from the fragment cache, far fewer)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from b52_wagtail.cache import bump_content_generation

from .conftest import add_release, bulk_releases

pytestmark = pytest.mark.django_db

# The frame of the example site's base template (the test host), rendered
# afresh when everything is (see home/templatetags/site_tags.py): the view
# restrictions (once for the menu and the footer pages), the root's children
# in the menu, the breadcrumbs, the footer pages.
FRAME = 4

# Cold: Site; routing root → index (3); Wagtail's view-restriction check
# (2); the view restrictions for .public() (once for the archive years and
# the listing: a private release must not reveal its year); the archive
# years; count; B52Settings (the host's base template, once); the filter
# form's programme, district and organisation choices; the ids of the page;
# its releases with lead organisation and programme; their images; the
# renditions of the card's filter spec; the partner organisations.
INDEX_QUERIES = 18 + FRAME
# A filtered page also validates the chosen district and organisation.
FILTERED_QUERIES = 20 + FRAME
# Cold: Site; routing root → index (3) → release (1); view-restriction check
# (2); B52Settings; lead organisation, programme and lead image (3: the
# routing query leaves them out, which makes the warm page cheaper);
# districts; downloads; contacts; partners; .public(); previous; next;
# related; rendition of the share image.
RELEASE_QUERIES = 19 + FRAME
# Warm, any listing (first or last page, filtered, year archive): Site;
# routing (3); view-restriction check (2). The listing, the filter form, the
# archive years and the site settings come from the cache.
WARM_INDEX_QUERIES = 6
# After a release on another page of the listing was published (see
# test_after_a_release_is_published_only_its_card_is_rendered_again).
PUBLISHED_ELSEWHERE_QUERIES = 10
# Warm release: Site; routing (4); view-restriction check (2).
WARM_RELEASE_QUERIES = 7


@pytest.fixture
def card_data(vdek, bkk, districts, image, teamwork):
    return {"image": image, "organisation": vdek, "partner": bkk, "district": districts["08426"]}


def warm(client, url, data=None):
    # The first request creates the renditions and fills Wagtail's caches.
    assert client.get(url, data).status_code == 200


def cold_get(client, url, data=None):
    """A request after the content changed: every fragment is rendered again."""
    bump_content_generation()
    return client.get(url, data)


def last_page(client, url):
    html = client.get(url).content.decode()
    match = re.search(r"Seite 1 von (\d+)", html)
    return int(match.group(1)) if match else 1


def test_index_query_count_does_not_grow_with_the_number_of_releases(
    client, press_index, card_data, teamwork, django_assert_num_queries
):
    bulk_releases(press_index, 10, **card_data)
    url = press_index.url
    filtered = {"district": "08426", "organisation": card_data["partner"].pk, "year": 2019}
    warm(client, url)
    with django_assert_num_queries(INDEX_QUERIES):
        small = cold_get(client, url)
    assert small.content.decode().count('class="b52-card__image"') == 10
    assert small.content.decode().count("vdek · BKK LV Süd") == 10
    with django_assert_num_queries(WARM_INDEX_QUERIES):
        assert client.get(url).content == small.content
    with django_assert_num_queries(FILTERED_QUERIES):
        assert cold_get(client, url, filtered).status_code == 200
    with django_assert_num_queries(WARM_INDEX_QUERIES):
        assert client.get(url, filtered).status_code == 200

    bulk_releases(press_index, 1990, **card_data)
    pages = last_page(client, url)
    assert pages == 100
    with django_assert_num_queries(INDEX_QUERIES):
        large = cold_get(client, url)
    assert large.content.decode().count('class="b52-card__image"') == 20
    assert large.content.decode().count("vdek · BKK LV Süd") == 20
    with django_assert_num_queries(WARM_INDEX_QUERIES):
        assert client.get(url).content == large.content
    with django_assert_num_queries(INDEX_QUERIES):
        assert cold_get(client, url, {"page": pages}).status_code == 200
    with django_assert_num_queries(WARM_INDEX_QUERIES):
        assert client.get(url, {"page": pages}).status_code == 200
    with django_assert_num_queries(INDEX_QUERIES):
        assert cold_get(client, f"{url}2020/").status_code == 200
    with django_assert_num_queries(WARM_INDEX_QUERIES):
        assert client.get(f"{url}2020/").status_code == 200
    with django_assert_num_queries(FILTERED_QUERIES):
        assert cold_get(client, url, filtered).status_code == 200
    with django_assert_num_queries(WARM_INDEX_QUERIES):
        assert client.get(url, filtered).status_code == 200


def test_release_page_query_count_does_not_grow(
    client, press_index, card_data, teamwork, winkler, pdf_document, django_assert_num_queries
):
    def release():
        return add_release(
            press_index,
            f"Austausch {datetime.datetime.now().timestamp()}",
            datetime.date(2019, 6, 1),
            programme=teamwork,
            lead_organisation=card_data["organisation"],
            lead_image=card_data["image"],
            districts=[card_data["district"]],
            partners=[card_data["partner"]],
            contacts=[winkler],
            downloads=[(pdf_document, "PDF")],
        )

    first = release()
    bulk_releases(press_index, 5, **card_data)
    warm(client, first.url)
    with django_assert_num_queries(RELEASE_QUERIES):
        cold = cold_get(client, first.url)
    with django_assert_num_queries(WARM_RELEASE_QUERIES):
        assert client.get(first.url).content == cold.content
    bulk_releases(press_index, 1990, **card_data)
    second = release()
    warm(client, second.url)
    with django_assert_num_queries(RELEASE_QUERIES):
        response = cold_get(client, second.url)
    assert response.content.decode().count('class="b52-press-related__list"') == 1
    assert 'rel="prev"' in response.content.decode()
    with django_assert_num_queries(WARM_RELEASE_QUERIES):
        assert client.get(second.url).content == response.content


def test_feed_query_count_warm_and_cold(
    client, press_index, card_data, pdf_document, django_assert_num_queries
):
    add_release(press_index, "Mit PDF", datetime.date(2030, 1, 1), downloads=[(pdf_document, "")])
    bulk_releases(press_index, 30, **card_data)
    url = f"{press_index.url}feed/rss/"
    warm(client, url)
    # Site; routing (3); view-restriction check (2); .public(); the releases;
    # downloads with documents (2); districts. (The feed's language is the
    # package's, not the index locale's: no locale query.)
    with django_assert_num_queries(11):
        cold = cold_get(client, url)
    # Site; routing (3); view-restriction check (2): the feed itself is cached.
    with django_assert_num_queries(6):
        assert client.get(url).content == cold.content


def test_bulk_factory_makes_a_valid_tree(press_index, card_data):
    from wagtail.models import Page

    bulk_releases(press_index, 30, **card_data)
    press_index.refresh_from_db()
    assert press_index.numchild == 30
    assert Page.find_problems() == ([], [], [], [], [])


def test_capture_for_the_report(client, press_index, card_data):
    """Prints the queries of one cold and one warm index request (pytest -s)."""
    bulk_releases(press_index, 3, **card_data)
    warm(client, press_index.url)
    for label, expected in (("cold", INDEX_QUERIES), ("warm", WARM_INDEX_QUERIES)):
        if label == "cold":
            bump_content_generation()
        with CaptureQueriesContext(connection) as queries:
            client.get(press_index.url)
        print(f"\n{label}:", *(query["sql"][:100] for query in queries), sep="\n  ")
        assert len(queries) == expected


def publish_new_title(release, title):
    release = type(release).objects.get(pk=release.pk)
    release.title = title
    release.save_revision().publish()
    return release


def test_after_a_release_is_published_only_its_card_is_rendered_again(
    client, press_index, card_data, monkeypatch, django_assert_num_queries
):
    """The listing is rendered again after any change below the index, but
    each card stays in the cache until its own release changes."""
    from b52_wagtail.press.models import PressReleaseIndexPage, PressReleasePage

    bulk_releases(press_index, 25, **card_data)
    url = press_index.url
    warm(client, url)
    warm(client, url, {"page": 2})
    rendered = []
    get_cards = PressReleaseIndexPage.get_cards

    def spy(self, ids, index_url):
        rendered.append(list(ids))
        return get_cards(self, ids, index_url)

    monkeypatch.setattr(PressReleaseIndexPage, "get_cards", spy)
    releases = list(PressReleasePage.objects.child_of(press_index).order_by("-release_date", "-pk"))
    newest, oldest = releases[0], releases[-1]

    # A release on another page changed: page 1 is rendered again from its
    # cached cards. Site; routing (3); view-restriction check (2); .public();
    # years; count; the ids and paths of the page. The filter form, the
    # settings and the host's frame (menu, breadcrumbs, footer: a title deep
    # in the tree changed) stay cached, and no query reads the cards'
    # releases.
    publish_new_title(oldest, "Geänderter Titel auf Seite 2")
    with django_assert_num_queries(PUBLISHED_ELSEWHERE_QUERIES):
        html = client.get(url).content.decode()
    assert rendered == []
    assert html.count('class="b52-card__image"') == 20
    html = client.get(url, {"page": 2}).content.decode()
    assert rendered == [[oldest.pk]]
    assert "Geänderter Titel auf Seite 2" in html

    # A release on page 1 changed: only its card is rendered again.
    rendered.clear()
    publish_new_title(newest, "Neuer Titel der neuesten Meldung")
    html = client.get(url).content.decode()
    assert rendered == [[newest.pk]]
    assert "Neuer Titel der neuesten Meldung" in html
    assert html.count('class="b52-card__image"') == 20
    # A change of an organisation's name is on every card: all are rendered.
    rendered.clear()
    card_data["organisation"].name = "Verband der Ersatzkassen (neu)"
    card_data["organisation"].save()
    client.get(url)
    assert len(rendered) == 1 and len(rendered[0]) == 20
