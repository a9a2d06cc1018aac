import datetime
import re

import pytest
from django.test import override_settings

from .conftest import add_release

pytestmark = pytest.mark.django_db


def titles(response):
    return re.findall(r'class="b52-card__link" href="[^"]*">([^<]*)</a>', response.content.decode())


@pytest.fixture
def releases(press_index, vdek, bkk, teamwork, other_programme, districts):
    """Seven releases in 2023–2025 with different programmes, districts and
    organisations."""
    biberach, stuttgart = districts["08426"], districts["08111"]
    teamwork_, selbsthilfe = teamwork, other_programme
    rows = [
        ("2023-03-01", "A 2023 teamwork Biberach", teamwork_, [biberach], {}),
        ("2024-03-01", "B 2024 teamwork Stuttgart", teamwork_, [stuttgart], {}),
        ("2024-06-01", "C 2024 Selbsthilfe BKK", selbsthilfe, [], {"lead_organisation": bkk}),
        (
            "2025-01-10",
            "D 2025 teamwork Biberach",
            teamwork_,
            [biberach],
            {"lead_organisation": vdek},
        ),
        ("2025-02-10", "E 2025 Selbsthilfe Biberach", selbsthilfe, [biberach], {}),
        ("2025-03-10", "F 2025 teamwork Stuttgart", teamwork_, [stuttgart], {"partners": [bkk]}),
        ("2025-04-03", "G 2025 Jobcenter Austausch", teamwork_, [], {"teaser": "Jobcenter"}),
    ]
    made = {}
    for day, title, programme, in_districts, extra in rows:
        made[title[0]] = add_release(
            press_index,
            title,
            datetime.date.fromisoformat(day),
            programme=programme,
            districts=in_districts,
            **extra,
        )
    return made


def test_index_lists_newest_first(client, press_index, releases):
    response = client.get(press_index.url)
    assert response.status_code == 200
    assert [title[0] for title in titles(response)] == list("GFEDCBA")
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "7 Pressemitteilungen" in html


def test_filters_combine(client, press_index, releases, teamwork, vdek, bkk):
    url = press_index.url
    assert [t[0] for t in titles(client.get(url, {"year": 2025}))] == list("GFED")
    assert [t[0] for t in titles(client.get(url, {"programme": teamwork.slug}))] == list("GFDBA")
    assert [t[0] for t in titles(client.get(url, {"district": "08426"}))] == list("EDA")
    both = client.get(url, {"year": 2025, "programme": teamwork.slug, "district": "08426"})
    assert [t[0] for t in titles(both)] == ["D"]
    # Organisation: the lead organisation or a partner.
    assert [t[0] for t in titles(client.get(url, {"organisation": bkk.pk}))] == list("FC")
    assert [t[0] for t in titles(client.get(url, {"organisation": vdek.pk}))] == ["D"]


def test_filters_survive_pagination(client, press_index, releases, teamwork):
    press_index.page_size = 2
    press_index.save_revision().publish()
    response = client.get(press_index.url, {"programme": teamwork.slug, "year": 2025})
    assert [t[0] for t in titles(response)] == list("GF")
    html = response.content.decode()
    next_link = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "programme=teamwork-gesundheit-arbeit" in next_link
    assert "year=2025" in next_link and "page=2" in next_link
    second = client.get(press_index.url + next_link)
    assert [t[0] for t in titles(second)] == ["D"]
    assert "Seite 2 von 2" in second.content.decode()
    # The filter form keeps the chosen values.
    assert 'value="teamwork-gesundheit-arbeit" selected' in second.content.decode()


def test_year_archive(client, press_index, releases):
    response = client.get(f"{press_index.url}2024/")
    assert response.status_code == 200
    assert [t[0] for t in titles(response)] == list("CB")
    html = response.content.decode()
    assert "<h1" in html and "Pressemitteilungen 2024</h1>" in html
    assert f'href="{press_index.url}2024/" aria-current="page"' in html
    # Filters work inside the archive too.
    assert [t[0] for t in titles(client.get(f"{press_index.url}2024/", {"district": "08111"}))] == [
        "B"
    ]


@pytest.mark.parametrize("year", ["2019", "1000", "9999", "0000"])
def test_archive_years_without_releases_are_404(client, press_index, releases, year):
    assert client.get(f"{press_index.url}{year}/").status_code == 404


def test_search_within_the_index(client, press_index, releases, home):
    other_index_release = add_release(
        press_index, "Anderes Thema", datetime.date(2025, 5, 1), teaser="Kein Treffer hier."
    )
    response = client.get(press_index.url, {"q": "Jobcenter"})
    assert [t[0] for t in titles(response)] == ["G"]
    assert other_index_release.title not in response.content.decode()
    # Search combines with the filters.
    assert titles(client.get(press_index.url, {"q": "Jobcenter", "year": 2024})) == []


def test_empty_search_shows_a_message(client, press_index, releases):
    response = client.get(press_index.url, {"q": "Zwetschgenkuchen"})
    assert response.status_code == 200
    html = response.content.decode()
    assert titles(response) == []
    assert "Keine Pressemitteilungen entsprechen Ihrer Auswahl." in html
    assert "0 Pressemitteilungen" in html


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "-1x"},
        {"programme": "xyz"},
        {"district": "99999"},
        {"district": "<script>"},
        {"organisation": "abc"},
        {"organisation": "999999"},
        {"year": "abc"},
        {"year": "1850"},
        {"q": "x" * 500},
        {"q": "\x00"},
        {"page": "1", "year": "zwanzig", "programme": "xyz"},
    ],
)
def test_bad_query_strings_give_a_normal_page(client, press_index, releases, query):
    response = client.get(press_index.url, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html
    if set(query) - {"page"}:
        assert "nicht erkannt" in html  # “… wurden nicht erkannt und ignoriert”
    if set(query) == {"page"}:
        assert [t[0] for t in titles(response)] == list("GFEDCBA")


@pytest.mark.parametrize("page", ["0", "2", "99999", "100000000000000000000"])
def test_pages_out_of_range_are_404(client, press_index, releases, page):
    assert client.get(press_index.url, {"page": page}).status_code == 404


def test_unknown_value_is_ignored_but_valid_filters_still_apply(client, press_index, releases):
    response = client.get(press_index.url, {"programme": "xyz", "year": "2024"})
    assert [t[0] for t in titles(response)] == list("CB")
    assert "Programm:" in response.content.decode()


def test_page_size_comes_from_the_setting_unless_the_index_sets_it(client, press_index, releases):
    with override_settings(B52_PAGE_SIZE=3):
        assert len(titles(client.get(press_index.url))) == 3
        press_index.page_size = 5
        press_index.save_revision().publish()
        assert len(titles(client.get(press_index.url))) == 5


def test_an_empty_index(client, press_index):
    response = client.get(press_index.url)
    assert response.status_code == 200
    assert "Es gibt noch keine Pressemitteilungen." in response.content.decode()


def test_filtered_and_paged_views_are_not_indexed_by_search_engines(client, press_index, releases):
    assert 'content="noindex' not in client.get(press_index.url).content.decode()
    assert 'content="noindex' in client.get(press_index.url, {"year": 2025}).content.decode()


def test_a_private_release_does_not_reveal_its_year(client, press_index):
    from .conftest import make_private

    add_release(press_index, "Öffentlich 2024", datetime.date(2024, 5, 1))
    secret = add_release(press_index, "Vertraulich 2019", datetime.date(2019, 5, 1))
    make_private(secret)
    html = client.get(press_index.url).content.decode()
    assert "2024" in html and "2019" not in html
    assert client.get(f"{press_index.url}2019/").status_code == 404
    sitemap = [entry["location"] for entry in press_index.specific.get_sitemap_urls()]
    assert not [location for location in sitemap if "2019" in location]
