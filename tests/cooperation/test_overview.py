"""The district overview: who leads what in a district, and its KGK."""

import pytest

from b52_wagtail.cooperation.models import (
    CooperationIndexPage,
    CooperationResponsibility,
)
from b52_wagtail.models import District, OrganisationKind

from .conftest import district, make_field, make_organisation, make_private, make_programme, publish

pytestmark = pytest.mark.django_db


def test_field_page_has_a_district_form_that_works_without_javascript(client, kgk_field):
    html = client.get(kgk_field.url).content.decode()
    assert '<form class="b52-filters" method="get" action="/kooperation/kgk/kreis/">' in html
    assert '<label for="b52-district-select">Stadt- oder Landkreis</label>' in html
    assert '<select id="b52-district-select" name="district">' in html
    assert html.count("<option ") == 44

    response = client.get("/kooperation/kgk/kreis/", {"district": "08426"})
    assert response.status_code == 302
    assert response["Location"] == "/kooperation/kgk/kreis/08426/"


def test_visitor_sees_who_leads_what_in_a_district_and_its_kgk(client, kgk_field):
    response = client.get("/kooperation/kgk/kreis/08426/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="b52-district-page__title">Landkreis Biberach</h1>' in html
    assert (
        "Landkreis Biberach hat seit dem 1. Januar 2016 eine Kommunale Gesundheitskonferenz."
        in (html)
    )
    assert '<th scope="row" data-label="Programm">teamw()rk für Gesundheit und Arbeit</th>' in html
    assert '<td data-label="Federführung">vdek Landesvertretung</td>' in html
    assert '<option value="08426" selected>Landkreis Biberach</option>' in html
    assert f'<a href="{kgk_field.url}">Kommunale Gesundheitskonferenzen</a>' in html


def test_district_without_kgk_and_without_a_lead(client, kgk_field):
    sigmaringen = district("08437")
    sigmaringen.has_kgk, sigmaringen.kgk_since = False, None
    sigmaringen.save()
    html = client.get("/kooperation/kgk/kreis/08437/").content.decode()
    assert "Landkreis Sigmaringen hat noch keine Kommunale Gesundheitskonferenz." in html
    assert "In diesem Kreis ist noch kein Partner der Kooperation federführend." in html
    assert "<table" not in html


def test_chooser_without_a_district(client, kgk_field):
    response = client.get("/kooperation/kgk/kreis/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="b52-district-page__title">Kreisübersicht</h1>' in html
    assert "Kreis wählen" in html


@pytest.mark.parametrize(
    "path",
    [
        "/kooperation/kgk/kreis/99999/",
        "/kooperation/kgk/kreis/8426/",
        "/kooperation/kgk/kreis/084260/",
        "/kooperation/kgk/kreis/abcde/",
        "/kooperation/kgk/kreis/%3Cscript%3E/",
        "/kooperation/kgk/kreis/08426/mehr/",
        "/kooperation/kreis/00000/",
        "/kooperation/kgk/kreis/?district=99999",
        "/kooperation/kgk/kreis/?district=%3Cscript%3Ealert(1)%3C/script%3E",
        "/kooperation/kgk/kreis/?district=",
        "/kooperation/kreis/?district=08426%00",
    ],
)
def test_unknown_district_is_404_never_500(client, kgk_field, path):
    response = client.get(path)
    assert response.status_code == 404


def test_cooperation_page_overview_covers_its_live_public_fields(client, index, kgk_field):
    aok = make_organisation(OrganisationKind.OTHER, name="Selbsthilfe-Partner")
    shg = make_field(
        index,
        title="Selbsthilfe",
        responsibilities=[
            CooperationResponsibility(organisation=aok, districts=[district("08426")])
        ],
    )
    hidden = make_field(
        index,
        title="Internes Feld",
        responsibilities=[
            CooperationResponsibility(
                programme=make_programme(name="Geheimprogramm"),
                organisation=aok,
                districts=[district("08426")],
            )
        ],
    )
    make_private(hidden)
    draft = make_field(
        index,
        title="Entwurfsfeld",
        responsibilities=[
            CooperationResponsibility(
                programme=make_programme(name="Entwurfsprogramm"),
                organisation=aok,
                districts=[district("08426")],
            )
        ],
    )
    draft.unpublish()

    html = client.get("/kooperation/kreis/08426/").content.decode()
    assert '<th scope="row" data-label="Programm">teamw()rk für Gesundheit und Arbeit</th>' in html
    # A lead for the field as a whole names the field.
    assert '<th scope="row" data-label="Programm">Selbsthilfe</th>' in html
    assert f'<a href="{shg.url}">Selbsthilfe</a>' in html
    assert "Geheimprogramm" not in html and "Internes Feld" not in html
    assert "Entwurfsprogramm" not in html and "Entwurfsfeld" not in html

    # The field page's own overview shows only its own rows.
    html = client.get("/kooperation/kgk/kreis/08426/").content.decode()
    assert "teamw()rk für Gesundheit und Arbeit" in html
    assert "Selbsthilfe-Partner" not in html


def test_district_overview_block_in_a_body(client, home, kgk_field):
    hidden = make_field(
        home,
        title="Internes Feld",
        responsibilities=[
            CooperationResponsibility(
                programme=make_programme(name="Geheimprogramm"),
                organisation=make_organisation(name="Interne Kasse"),
                districts=[district("08436")],
            )
        ],
    )
    make_private(hidden)
    page = publish(
        home,
        CooperationIndexPage(
            title="Partnerseite",
            slug="partner",
            body=[
                (
                    "district_overview",
                    {"heading": "Bei uns im Kreis", "district": district("08436")},
                ),
                ("district_overview", {"heading": "", "district": district("08437")}),
            ],
        ),
    )
    html = client.get(page.url).content.decode()
    assert '<h2 class="b52-district-overview__heading">Bei uns im Kreis</h2>' in html
    assert "Federführung: Landkreis Ravensburg" in html
    assert '<th scope="row" data-label="Programm">teamw()rk für Gesundheit und Arbeit</th>' in html
    assert "Geheimprogramm" not in html
    assert '<h2 class="b52-district-overview__heading">Landkreis Sigmaringen</h2>' in html


def test_block_with_a_deleted_district_renders_nothing(client, home):
    district_to_delete = District.objects.create(
        key="09999",
        name="Testkreis",
        kind="LK",
        region="stuttgart",
        locale_id=district("08426").locale_id,
    )
    page = publish(
        home,
        CooperationIndexPage(
            title="Partnerseite",
            slug="partner",
            body=[("district_overview", {"heading": "Testkreis", "district": district_to_delete})],
        ),
    )
    district_to_delete.delete()
    response = client.get(page.url)
    assert response.status_code == 200
    assert "b52-district-overview" not in response.content.decode()
