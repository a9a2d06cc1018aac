"""API fields, search fields and the admin preview of the award pages."""

import pytest
from wagtail.models import Page

from b52_wagtail.awards.models import AwardCallPage, WinnerShowcasePage

from .conftest import berlin, make_call, make_showcase

pytestmark = pytest.mark.django_db


@pytest.fixture
def call_2017(section):
    return make_call(
        section,
        2017,
        start=berlin(2017, 5, 2),
        deadline=berlin(2017, 10, 13, 23, 59),
        intro="Gesunde Kommunen im Wettbewerb",
        applicant_types=["gemeinde", "stadt"],
    )


def test_api_exposes_call_fields_and_status(client, call_2017, archive, districts):
    make_showcase(archive, call_2017, [("Gemeinde Salach", districts["08117"], "Gesund altern")])
    url = "/b52/api/v2/pages/"
    response = client.get(url, {"type": "b52_awards.AwardCallPage", "fields": "*"})
    assert response.status_code == 200, response.content
    item = response.json()["items"][0]
    assert item["edition"] == 2017
    assert item["prize_money"] == "5200.00"
    assert item["applicant_types"] == ["gemeinde", "stadt"]
    assert item["deadline"] == "2017-10-13T23:59:00+02:00"
    assert item["status"] == "decided"

    response = client.get(url, {"type": "b52_awards.WinnerShowcasePage", "fields": "*"})
    item = response.json()["items"][0]
    assert item["year"] == 2017
    assert item["winners"][0]["municipality"] == "Gemeinde Salach"
    assert item["winners"][0]["district"]["id"] == districts["08117"].pk


def test_api_hides_draft_calls(client, section):
    make_call(section, 2030, publish=False)
    response = client.get("/b52/api/v2/pages/", {"type": "b52_awards.AwardCallPage"})
    assert response.json()["meta"]["total_count"] == 0


def test_search_finds_live_calls_and_winners(call_2017, archive, districts):
    make_showcase(archive, call_2017, [("Gemeinde Salach", districts["08117"], "Gesund altern")])
    make_call(archive.get_parent(), 2031, intro="Gesunde Kommunen Entwurf", publish=False)
    found = list(Page.objects.live().public().search("Gesunde Kommunen"))
    assert [page.pk for page in found] == [call_2017.pk]
    found = list(WinnerShowcasePage.objects.live().search("Salach"))
    assert len(found) == 1


def test_pages_are_previewable(call_2017, section, archive, districts):
    showcase = make_showcase(archive, call_2017, [("Gemeinde Salach", districts["08117"], "G")])
    for page in (call_2017, showcase, archive, section):
        page = Page.objects.get(pk=page.pk).specific
        response = page.make_preview_request()
        assert response.status_code == 200
        assert page.title in response.content.decode()
    assert AwardCallPage.objects.get(pk=call_2017.pk).get_status().value == "decided"


def test_api_never_names_a_draft_or_private_application_form(client, call_2017):
    from wagtail.models import PageViewRestriction

    form = call_2017.add_child(instance=Page(title="Entwurf: Bewerbung 2017", slug="bewerbung"))
    form.unpublish()
    call_2017.application_page = form
    call_2017.save_revision().publish()
    detail = f"/b52/api/v2/pages/{call_2017.pk}/"
    assert client.get(detail).json()["application_page"] is None
    assert "Entwurf" not in client.get(detail).content.decode()

    form.save_revision().publish()
    assert client.get(detail).json()["application_page"] == {
        "id": form.pk,
        "title": "Entwurf: Bewerbung 2017",
        "url": form.url,
    }
    PageViewRestriction.objects.create(
        page=form, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    assert client.get(detail).json()["application_page"] is None


def test_api_of_a_showcase_omits_a_call_that_is_not_live(client, call_2017, archive, districts):
    showcase = make_showcase(archive, call_2017, [("Gemeinde Salach", districts["08117"], "X")])
    detail = f"/b52/api/v2/pages/{showcase.pk}/"
    assert client.get(detail).json()["call"]["id"] == call_2017.pk
    call_2017.unpublish()
    assert client.get(detail).json()["call"] is None
