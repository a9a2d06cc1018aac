"""The index runs the same number of queries with 10 and with 2,000 releases,
including the card images (renditions) and the organisations on each card."""

import datetime
import re

import pytest
from django.test.utils import CaptureQueriesContext

from .conftest import add_release, bulk_releases

pytestmark = pytest.mark.django_db

# Site; routing home → index (2); Wagtail's view-restriction check (2); the
# archive years; view restrictions for .public(); count; the ids of the page;
# its releases with lead organisation and programme; their images; the renditions of the
# card's filter spec; the partner organisations; B52Settings (once); the
# filter form's programme, district and organisation choices.
INDEX_QUERIES = 18
# A filtered page also validates the chosen district and organisation.
FILTERED_QUERIES = 20
# Site; routing home → index (2) → release with its organisation, programme
# and image (1); view-restriction check (2); .public(); previous; next;
# districts; related; rendition; B52Settings; downloads; contacts; partners.
RELEASE_QUERIES = 16


@pytest.fixture
def card_data(vdek, bkk, districts, image, teamwork):
    return {"image": image, "organisation": vdek, "partner": bkk, "district": districts["08426"]}


def warm(client, url):
    # The first request creates the renditions and fills Wagtail's caches.
    assert client.get(url).status_code == 200


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
        small = client.get(url)
    assert small.content.decode().count('class="b52-card__image"') == 10
    assert small.content.decode().count("vdek · BKK LV Süd") == 10
    with django_assert_num_queries(FILTERED_QUERIES):
        assert client.get(url, filtered).status_code == 200

    bulk_releases(press_index, 1990, **card_data)
    pages = last_page(client, url)
    assert pages == 100
    with django_assert_num_queries(INDEX_QUERIES):
        large = client.get(url)
    assert large.content.decode().count('class="b52-card__image"') == 20
    assert large.content.decode().count("vdek · BKK LV Süd") == 20
    with django_assert_num_queries(INDEX_QUERIES):
        assert client.get(url, {"page": pages}).status_code == 200
    with django_assert_num_queries(INDEX_QUERIES):
        assert client.get(f"{url}2020/").status_code == 200
    with django_assert_num_queries(FILTERED_QUERIES):
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
        client.get(first.url)
    bulk_releases(press_index, 500, **card_data)
    second = release()
    warm(client, second.url)
    with django_assert_num_queries(RELEASE_QUERIES):
        response = client.get(second.url)
    assert response.content.decode().count('class="b52-press-related__list"') == 1


def test_bulk_factory_makes_a_valid_tree(press_index, card_data):
    from wagtail.models import Page

    bulk_releases(press_index, 30, **card_data)
    press_index.refresh_from_db()
    assert press_index.numchild == 30
    assert Page.find_problems() == ([], [], [], [], [])


def test_capture_for_the_report(client, press_index, card_data):
    """Not a check: prints the queries of one index request (pytest -s)."""
    bulk_releases(press_index, 3, **card_data)
    warm(client, press_index.url)
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        client.get(press_index.url)
    assert len(queries) == INDEX_QUERIES
