"""API fields and search fields of the cooperation pages."""

import pytest
from django.apps import apps
from wagtail.models import Page

from b52_wagtail.cooperation.models import CooperationFieldPage

from .conftest import make_field, make_private, publish, relate

pytestmark = pytest.mark.django_db

api_installed = pytest.mark.skipif(
    not apps.is_installed("b52_wagtail.api"), reason="the api app is not installed"
)


@api_installed
def test_field_page_in_the_api(client, home, kgk_field):
    live = publish(home, Page(title="Förderpreis", slug="foerderpreis"))
    private = publish(home, Page(title="Intern", slug="intern"))
    make_private(private)
    relate(kgk_field, live, private)

    response = client.get(f"/b52/api/v2/pages/{kgk_field.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["type"] == "b52_cooperation.CooperationFieldPage"
    assert data["teaser"].startswith("Die Kooperation wirkt")
    assert [o["name"] for o in data["organisations"]] == ["vdek Landesvertretung"]
    assert data["programme_links"][0]["programme"]["name"] == "teamw()rk für Gesundheit und Arbeit"
    row = data["responsibilities"][0]
    assert row["organisation"]["name"] == "vdek Landesvertretung"
    assert sorted(d["key"] for d in row["districts"]) == ["08111", "08426", "08435", "08436"]
    phases = {phase["title"]: phase for phase in data["funding_phases"]}
    assert phases["Neue Förderphase"]["start_date"] == "2026-01-01"
    assert phases["Neue Förderphase"]["end_date"] is None
    assert data["contact_links"][0]["contact"]["name"] == "Frank Winkler"
    related = [item["related_page"] for item in data["related_pages"]]
    assert related == [{"id": live.pk, "title": "Förderpreis", "url": live.url}, None]


@api_installed
def test_cooperation_page_in_the_api_and_drafts_absent(client, index):
    draft = make_field(index, title="Entwurf")
    draft.unpublish()
    data = client.get(f"/b52/api/v2/pages/{index.pk}/").json()
    assert data["meta"]["type"] == "b52_cooperation.CooperationIndexPage"
    assert "intro" in data and "body" in data
    listing = client.get(
        "/b52/api/v2/pages/", {"type": "b52_cooperation.CooperationFieldPage"}
    ).json()
    assert "Entwurf" not in [item["title"] for item in listing["items"]]
    assert client.get(f"/b52/api/v2/pages/{draft.pk}/").status_code == 404


def test_field_pages_are_found_by_teaser_body_programme_and_organisation(index, kgk_field):
    shg = make_field(
        index,
        title="Selbsthilfe",
        body=[("paragraph", "<p>Gemeinschaftsförderung der Selbsthilfegruppen</p>")],
    )
    results = CooperationFieldPage.objects.live()
    assert list(results.search("Gemeinschaftsförderung")) == [shg]
    assert list(results.search("Gesundheitskonferenzen")) == [kgk_field]
    assert list(results.search("teamw()rk")) == [kgk_field]
    assert list(results.search("Landesvertretung")) == [kgk_field]
