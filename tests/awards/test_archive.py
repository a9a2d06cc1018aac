"""The winners archive: filters, counts, the district table and its queries."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from b52_wagtail.awards.models import AwardIndexPage

from .conftest import berlin, make_call, make_showcase

pytestmark = pytest.mark.django_db

DISTRICT_KEYS = ["08117", "08212", "08125", "08111", "08416", "08311"]


def add_years(section, archive, districts, years, winners_per_year=3):
    for year in years:
        call = make_call(
            section, year, start=berlin(year, 5, 1), deadline=berlin(year, 10, 1, 23, 59)
        )
        winners = []
        for number in range(winners_per_year):
            image = get_image_model().objects.create(
                title=f"Bild {year}-{number}", file=get_test_image_file()
            )
            key = DISTRICT_KEYS[(year + number) % len(DISTRICT_KEYS)]
            winners.append(
                (
                    f"Gemeinde {year}-{number}",
                    districts[key],
                    f"Projekt {year}-{number}",
                    {"image": image, "image_alt": f"Foto zum Projekt {year}-{number}"},
                )
            )
        make_showcase(archive, call, winners)


def count_queries(client, url):
    client.get(url)  # creates the renditions
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_archive_runs_a_fixed_number_of_queries(client, section, archive, districts):
    add_years(section, archive, districts, range(2013, 2015))
    small, response = count_queries(client, archive.url)
    assert response.content.decode().count("<img") == 6
    add_years(section, archive, districts, range(2015, 2033))
    large, response = count_queries(client, archive.url)
    assert response.content.decode().count("<img") == 60
    assert small == large
    assert large <= 14  # 9 of them are Wagtail's routing and settings
    # filtered views are as cheap
    filtered, _ = count_queries(client, archive.url + "?year=2020&district=08117")
    assert filtered == large


@pytest.mark.parametrize("years", [2, 20])
def test_archive_data_takes_four_queries_at_any_size(
    rf, section, archive, districts, django_assert_num_queries, years
):
    """View restrictions (``public()``), showcases with their calls, winners
    with districts and images, and the renditions: four queries for 2 or 20
    years."""
    add_years(section, archive, districts, range(2013, 2013 + years))
    page = archive.specific_class.objects.get(pk=archive.pk)
    with django_assert_num_queries(4):
        data = page.get_archive(rf.get("/"))
        for winner in data["winners"]:
            assert winner.page.call.edition >= 2013
            assert winner.district.name
            assert len(winner.image.renditions.all()) == 0
    assert len(data["winners"]) == 3 * years
    assert data["first_year"] == 2013


def test_counts_come_from_data(client, section, archive, districts):
    call_2013 = make_call(
        section, 2013, start=berlin(2013, 5, 1), deadline=berlin(2013, 9, 30, 23, 59)
    )
    call_2015 = make_call(
        section, 2015, start=berlin(2015, 5, 1), deadline=berlin(2015, 9, 30, 23, 59)
    )
    make_showcase(
        archive,
        call_2013,
        [
            ("Gemeinde Salach", districts["08117"], "Gesund altern in Salach"),
            ("Stadt Karlsruhe", districts["08212"], "Runter vom Sofa"),
        ],
    )
    # Salach wins again: counted once
    make_showcase(archive, call_2015, [("Gemeinde Salach", districts["08117"], "Noch ein Projekt")])
    html = client.get(archive.url).content.decode()
    assert "Dieses Archiv verzeichnet 2 ausgezeichnete Kommunen seit 2013." in html
    assert "3 Preisträger angezeigt." in html
    table = html[html.index("<table") : html.index("</table>")]
    rows = re.findall(r'<th scope="row"[^>]*>(.*?)</th>', table)
    assert rows == ["Landkreis Göppingen", "Karlsruhe (Stadtkreis)"]
    assert "2015: Gemeinde Salach – „Noch ein Projekt“" in table
    assert "2013: Gemeinde Salach – „Gesund altern in Salach“" in table


def test_filters_by_year_and_district(client, section, archive, districts):
    call_2017 = make_call(
        section,
        2017,
        start=berlin(2017, 5, 1),
        deadline=berlin(2017, 10, 13, 23, 59),
        one_prize_per_district=False,
    )
    call_2018 = make_call(
        section, 2018, start=berlin(2018, 5, 1), deadline=berlin(2018, 10, 1, 23, 59)
    )
    make_showcase(
        archive,
        call_2017,
        [
            ("Stadt Bad Wimpfen", districts["08125"], "Lotsenpunkt für Alltagshilfen"),
            ("Stadt Lauffen am Neckar", districts["08125"], "Agenda Jugend"),
            ("Gemeinde Salach", districts["08117"], "Gesund altern in Salach"),
        ],
    )
    make_showcase(archive, call_2018, [("Stadt Heilbronn", districts["08121"], "Projekt 2018")])

    html = client.get(archive.url, {"year": "2017"}).content.decode()
    assert "Lotsenpunkt" in html and "Gesund altern" in html
    assert "Projekt 2018" not in html
    assert '<option value="2017" selected>' in html

    html = client.get(archive.url, {"district": "08125"}).content.decode()
    assert "Lotsenpunkt" in html and "Agenda Jugend" in html
    assert "Gesund altern" not in html and "Projekt 2018" not in html

    html = client.get(archive.url, {"year": "2018", "district": "08125"}).content.decode()
    assert "Keine Preisträger entsprechen der Auswahl." in html
    assert "Alle Preisträger anzeigen" in html

    # an empty choice means "all"
    html = client.get(archive.url, {"year": "", "district": ""}).content.decode()
    assert "4 Preisträger angezeigt." in html


@pytest.mark.parametrize(
    "query",
    [
        {"year": "1999"},
        {"year": "abc"},
        {"year": "2017.0"},
        {"year": "9" * 400},
        {"district": "99999"},
        {"district": "<script>alert(1)</script>"},
        {"district": "08111"},  # a real district without winners
        {"year": "2017", "district": "\x00"},
    ],
)
def test_unknown_filter_values_give_404_not_500(client, section, archive, districts, query):
    call = make_call(section, 2017, start=berlin(2017, 5, 1), deadline=berlin(2017, 10, 13, 23, 59))
    make_showcase(archive, call, [("Gemeinde Salach", districts["08117"], "Gesund altern")])
    response = client.get(archive.url, query)
    assert response.status_code == 404


def test_only_live_public_showcases_appear(client, section, archive, districts):
    call = make_call(section, 2017, start=berlin(2017, 5, 1), deadline=berlin(2017, 10, 13, 23, 59))
    make_showcase(
        archive, call, [("Gemeinde Entwurf", districts["08117"], "Geheim")], publish=False
    )
    html = client.get(archive.url).content.decode()
    assert "Gemeinde Entwurf" not in html
    assert "0 Preisträger angezeigt." in html
    assert client.get(archive.url, {"year": "2017"}).status_code == 404


def test_empty_archive_renders(client, archive):
    html = client.get(archive.url).content.decode()
    assert "Seit" not in html
    assert '<form class="b52-filters' not in html


def test_showcase_page_shows_winners_with_alt_text_and_json_ld(client, section, archive, districts):
    image = get_image_model().objects.create(title="Foto", file=get_test_image_file())
    call = make_call(section, 2017, start=berlin(2017, 5, 1), deadline=berlin(2017, 10, 13, 23, 59))
    showcase = make_showcase(
        archive,
        call,
        [
            (
                "Gemeinde Salach",
                districts["08117"],
                "Gesund altern in Salach",
                {
                    "image": image,
                    "image_alt": "Seniorinnen beim Tanz",
                    "link": "https://salach.de/",
                },
            )
        ],
    )
    showcase.ceremony_date = berlin(2018, 2, 20).date()
    showcase.ceremony_place = "Stuttgart"
    showcase.save_revision().publish()
    html = client.get(showcase.url).content.decode()
    assert 'alt="Seniorinnen beim Tanz"' in html
    assert '<a class="b52-card__link" href="https://salach.de/">Gesund altern in Salach</a>' in html
    assert "Gemeinde Salach · Landkreis Göppingen" in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    assert data["@type"] == "Event"
    assert data["startDate"] == "2018-02-20"
    assert data["location"]["name"] == "Stuttgart"


def test_call_page_json_ld_uses_berlin_offsets(client, section):
    call = make_call(section, 2022, start=berlin(2022, 7, 1), deadline=berlin(2022, 11, 30, 23, 59))
    html = client.get(call.url).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    assert data["@type"] == "Event"
    assert data["startDate"] == "2022-07-01T00:00:00+02:00"
    assert data["endDate"] == "2022-11-30T23:59:00+01:00"


def test_json_ld_escapes_script_in_text(client, section):
    call = make_call(section, 2022, intro="</script><script>alert(1)</script>")
    html = client.get(call.url).content.decode()
    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


def test_index_lists_calls_newest_first_with_one_query_for_decisions(
    client, section, archive, districts
):
    for year in (2017, 2018, 2019):
        call = make_call(
            section, year, start=berlin(year, 5, 1), deadline=berlin(year, 10, 1, 23, 59)
        )
        if year == 2017:
            make_showcase(archive, call, [("A", districts["08117"], "B")])
    page = AwardIndexPage.objects.get(pk=section.pk)
    calls = page.get_calls()
    assert [c.edition for c in calls] == [2019, 2018, 2017]
    assert [c.get_status().value for c in calls] == ["closed", "closed", "decided"]
    html = client.get(section.url).content.decode()
    assert html.index("Ausschreibung 2019") < html.index("Ausschreibung 2018")
    assert "Preisträger stehen fest" in html
    assert archive.title in html
