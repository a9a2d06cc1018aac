"""A visitor on the cooperation page and a field page."""

import json
import re

import pytest
from wagtail.models import Page

from b52_wagtail.cooperation.models import CooperationIndexPage
from b52_wagtail.models import OrganisationKind

from .conftest import make_field, make_organisation, make_private, publish, relate

pytestmark = pytest.mark.django_db


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD in the page"
    return json.loads(match.group(1))


def test_visitor_sees_members_grouped_by_kind_of_kasse_with_logos_and_links(client, index):
    make_organisation(OrganisationKind.ERSATZKASSE, name="Techniker Krankenkasse")
    make_organisation(OrganisationKind.BKK, name="BKK Landesverband Süd")
    make_organisation(OrganisationKind.KNAPPSCHAFT, name="Knappschaft München")
    make_organisation(OrganisationKind.IKK, name="IKK classic", website="https://www.ikk.example/")
    make_organisation(OrganisationKind.ASSOCIATION, name="vdek")
    make_organisation(OrganisationKind.ERSATZKASSE, name="Keine Mitgliedskasse", is_member=False)

    html = client.get(index.url).content.decode()

    assert '<h2 id="b52-members-heading">Mitglieder</h2>' in html
    groups = re.findall(r'<h3 class="b52-members__group">(.*?)</h3>', html)
    assert groups == [
        "Betriebskrankenkassen",
        "Innungskrankenkassen",
        "Ersatzkassen",
        "Knappschaft",
        "Verbände",
    ]
    assert html.index("BKK Landesverband Süd") < html.index("IKK classic")
    assert html.index("IKK classic") < html.index("Techniker Krankenkasse")
    assert '<a class="b52-members__link" href="https://www.ikk.example/">' in html
    assert html.count('class="b52-members__logo"') == 5
    assert "Keine Mitgliedskasse" not in html


def test_visitor_sees_the_geschaeftsstelle_from_the_settings(client, index, office):
    html = client.get(index.url).content.decode()
    office_html = html[html.index('class="b52-office"') :]
    assert "Geschäftsstelle" in office_html
    assert "Stuttgarter Straße 105" in office_html
    assert "70806 Kornwestheim" in office_html
    assert 'href="mailto:info@b52.example"' in office_html
    assert "Erika Muster" in office_html


def test_visitor_sees_the_live_public_fields_as_teasers(client, index):
    field = make_field(index, title="Pflegestützpunkte", teaser="Beratung rund um die Pflege.")
    make_field(index, title="Selbsthilfe")
    draft = make_field(index, title="Entwurfsfeld")
    draft.unpublish()
    private = make_field(index, title="Geheimes Feld")
    make_private(private)

    html = client.get(index.url).content.decode()

    assert "Kooperationsfelder" in html
    assert f'href="{field.url}">Pflegestützpunkte</a>' in html
    assert "Beratung rund um die Pflege." in html
    assert "Selbsthilfe" in html
    assert "Entwurfsfeld" not in html
    assert "Geheimes Feld" not in html


def test_cooperation_page_has_organization_json_ld(client, index, office):
    make_organisation(OrganisationKind.IKK, name="IKK classic", website="https://www.ikk.example/")
    data = json_ld(client.get(index.url).content.decode())
    assert data["@type"] == "Organization"
    assert data["name"] == "B 52-Verbändekooperation Baden-Württemberg"
    assert data["url"] == index.full_url
    assert data["address"]["streetAddress"] == "Stuttgarter Straße 105"
    assert data["address"]["addressLocality"] == "Kornwestheim"
    assert {"@type": "Organization", "name": "IKK classic", "url": "https://www.ikk.example/"} in (
        data["member"]
    )


def test_html_in_editor_fields_and_snippets_is_escaped(client, home):
    evil = '<script>alert("x")</script>'
    index = publish(home, CooperationIndexPage(title=evil, slug="evil", intro=evil))
    make_organisation(name=f"{evil}</script>", website="")
    field = make_field(index, title='"onmouseover="alert(1)', teaser=evil)

    for url in (index.url, field.url):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert" in html
    html = client.get(index.url).content.decode()
    assert '"onmouseover="alert' not in html
    # Inside the JSON-LD, "<" is escaped, so the script element cannot be closed.
    assert "\\u003C/script\\u003E" in html
    assert json_ld(html)["member"][0]["name"] == f"{evil}</script>"


def test_visitor_sees_the_field_page(client, kgk_field):
    html = client.get(kgk_field.url).content.decode()
    assert "<h1" in html and html.count("<h1") == 1
    assert "Kommunale Gesundheitskonferenzen" in html
    assert "Die Kooperation wirkt bei den Kommunalen Gesundheitskonferenzen mit." in html
    # programmes of the field
    assert "teamw()rk für Gesundheit und Arbeit" in html
    # funding phases, German dates
    assert "Neue Förderphase" in html
    assert "ab 1. Januar 2026" in html
    assert "1. Januar 2020 bis 31. Dezember 2025" in html
    assert "Beendet" in html
    # participating organisations and contacts
    assert "vdek Landesvertretung" in html
    assert "Frank Winkler" in html
    assert "07 11 / 2 39 54 - 19" in html


def test_visitor_sees_the_responsibilities_table(client, kgk_field):
    html = client.get(kgk_field.url).content.decode()
    table = html[html.index('<table class="b52-responsibilities b52-stack-table">') :]
    table = table[: table.index("</table>")]
    assert "Federführung" in html
    assert '<th scope="row" data-label="Programm">teamw()rk für Gesundheit und Arbeit</th>' in table
    assert "vdek Landesvertretung" in table
    for name in ("Landkreis Biberach", "Bodenseekreis", "Landkreis Ravensburg", "Stuttgart"):
        assert name in table
    assert f'href="{kgk_field.url}kreis/08426/">Landkreis Biberach</a>' in table


def test_related_content_lists_only_live_public_pages(client, home, kgk_field):
    live = publish(home, Page(title="Förderpreis", slug="foerderpreis"))
    draft = publish(home, Page(title="Unveröffentlicht", slug="entwurf"))
    draft.unpublish()
    private = publish(home, Page(title="Intern", slug="intern"))
    make_private(private)
    relate(kgk_field, draft, live, private)

    html = client.get(kgk_field.url).content.decode()
    assert "Weitere Inhalte" in html
    assert f'<a href="{live.url}">Förderpreis</a>' in html
    assert "Unveröffentlicht" not in html
    assert "Intern" not in html


def test_draft_and_private_field_pages_are_not_served(client, index):
    draft = make_field(index, title="Entwurf", slug="entwurf", teaser="Geheimer Entwurf")
    draft.unpublish()
    assert client.get("/kooperation/entwurf/").status_code == 404
    assert client.get("/kooperation/entwurf/kreis/08426/").status_code == 404
    private = make_field(index, title="Privat", slug="privat", teaser="Geheimer Teaser")
    make_private(private)
    for url in ("/kooperation/privat/", "/kooperation/privat/kreis/08426/"):
        response = client.get(url)
        html = response.content.decode()
        assert 'name="password"' in html
        assert "Geheimer Teaser" not in html
