"""An editor publishes a release through the admin; a visitor finds it
everywhere releases appear. Drafts and private releases appear nowhere."""

import datetime
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from b52_wagtail.content import latest_news
from b52_wagtail.press.blocks import LatestPressReleasesBlock
from b52_wagtail.press.models import PressReleasePage

from .conftest import add_release, make_private

pytestmark = pytest.mark.django_db

API_FIELDS = "release_date,programme,districts,lead_organisation,contacts,downloads"


def add_view_url(index):
    return reverse("wagtailadmin_pages:add", args=("b52_press", "pressreleasepage", index.pk))


def release_form_data(*, title, slug, organisation, programme, districts, contact, document):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "kicker": "",
            "subtitle": "Erarbeitung gemeinsamer Strategien zur Stärkung der kommunalen Einbindung",
            "release_date": "2025-04-03",
            "event_date": "2025-04-01",
            "event_place": "Online",
            "teaser": "Die vdek-Landesvertretung lud zu einem digitalen Austausch ein.",
            "lead_image": "",
            "lead_image_alt": "",
            "lead_image_caption": "",
            "body": streamfield(
                [
                    ("heading", {"text": "Stärkung kommunaler Einbindung", "level": "h2"}),
                    ("paragraph", rich_text("<p>Um bei der Programmumsetzung …</p>")),
                ]
            ),
            "lead_organisation": organisation.pk,
            # Tuples: nested_form_data would flatten lists into numbered keys.
            "partner_organisations": (),
            "programme": programme.pk,
            "districts": tuple(district.pk for district in districts),
            "contact_items": inline_formset([{"contact": contact.pk}]),
            "download_items": inline_formset(
                [{"document": document.pk, "title": "Pressemitteilung als Download"}]
            ),
            "comments": inline_formset([]),
            "action-publish": "publish",
        }
    )


def surfaces(client, index, programme, district):
    """Where a visitor may meet releases: name -> text of the response."""
    api = client.get(f"/b52/api/v2/pages/?type=b52_press.PressReleasePage&fields={API_FIELDS}")
    assert api.status_code == 200
    found = {
        "index": client.get(index.url),
        "year archive": client.get(f"{index.url}2025/"),
        "filtered list": client.get(
            index.url, {"year": 2025, "programme": programme.slug, "district": district.key}
        ),
        "search": client.get(index.url, {"q": "Austausch"}),
        "rss": client.get(f"{index.url}feed/rss/"),
        "atom": client.get(f"{index.url}feed/atom/"),
        "sitemap": client.get("/sitemap.xml"),
    }
    texts = {}
    for name, response in found.items():
        assert response.status_code == 200, name
        texts[name] = response.content.decode()
    texts["api"] = " ".join(item["title"] for item in api.json()["items"])
    return texts


def test_editor_publishes_a_release_and_a_visitor_finds_it_everywhere(
    editor_client, client, press_index, vdek, teamwork, districts, winkler, pdf_document
):
    response = editor_client.get(add_view_url(press_index))
    assert response.status_code == 200

    biberach, stuttgart = districts["08426"], districts["08111"]
    data = release_form_data(
        title="Fünfter Jobcenter übergreifender Austausch",
        slug="fuenfter-austausch",
        organisation=vdek,
        programme=teamwork,
        districts=[biberach, stuttgart],
        contact=winkler,
        document=pdf_document,
    )
    response = editor_client.post(add_view_url(press_index), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""

    release = PressReleasePage.objects.get(slug="fuenfter-austausch")
    assert release.live
    assert release.release_date == datetime.date(2025, 4, 3)
    assert release.event_date == datetime.date(2025, 4, 1)
    assert release.get_parent().pk == press_index.pk
    assert release.lead_organisation == vdek
    assert release.programme == teamwork
    assert set(release.districts.all()) == {biberach, stuttgart}
    assert [item.contact for item in release.contact_items.all()] == [winkler]
    assert [item.document for item in release.download_items.all()] == [pdf_document]
    assert release.body[0].value["text"] == "Stärkung kommunaler Einbindung"

    page = client.get(release.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1" in html and html.count("<h1") == 1
    assert "3. April 2025" in html and "1. April 2025" in html
    assert "Frank Winkler" in html and "frank.winkler@vdek.com" in html
    assert "Pressemitteilung als Download" in html
    assert "Stärkung kommunaler Einbindung" in html

    texts = surfaces(client, press_index, teamwork, biberach)
    for name, text in texts.items():
        assert "Fünfter Jobcenter übergreifender Austausch" in text or release.url in text, name

    rss = feedparser.parse(texts["rss"])
    assert not rss.bozo
    [entry] = rss.entries
    assert entry.title == "Fünfter Jobcenter übergreifender Austausch"
    assert entry.enclosures[0].type == "application/pdf"
    assert entry.enclosures[0].href.endswith(pdf_document.url)

    api = client.get(
        f"/b52/api/v2/pages/?type=b52_press.PressReleasePage&fields={API_FIELDS}"
    ).json()
    [item] = api["items"]
    assert item["release_date"] == "2025-04-03"
    assert item["programme"]["slug"] == "teamwork-gesundheit-arbeit"
    assert item["lead_organisation"]["short_name"] == "vdek"
    assert {d["key"] for d in item["districts"]} == {"08426", "08111"}
    assert item["contacts"][0]["email"] == "frank.winkler@vdek.com"
    assert item["downloads"][0]["title"] == "Pressemitteilung als Download"
    assert item["downloads"][0]["url"].startswith("http")


def test_editor_sees_form_errors_instead_of_a_500(
    editor_client, press_index, vdek, teamwork, districts, winkler, pdf_document
):
    data = release_form_data(
        title="",
        slug="ohne-titel",
        organisation=vdek,
        programme=teamwork,
        districts=[districts["08426"]],
        contact=winkler,
        document=pdf_document,
    )
    data["release_date"] = "kein Datum"
    response = editor_client.post(add_view_url(press_index), data)
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert "release_date" in response.context["form"].errors
    assert not PressReleasePage.objects.filter(slug="ohne-titel").exists()


def render_block(**value):
    block = LatestPressReleasesBlock()
    request = RequestFactory().get("/")
    return block.render(block.to_python(value), context={"request": request})


def render_tag(**kwargs):
    template = Template(
        "{% load b52_press_tags %}{% latest_press_releases programme=programme count=10 %}"
    )
    return template.render(Context({"request": RequestFactory().get("/"), **kwargs}))


@pytest.mark.parametrize("hidden", ["draft", "private", "private section"])
def test_drafts_and_private_releases_appear_nowhere(
    client, press_index, home, vdek, teamwork, districts, pdf_document, hidden
):
    biberach = districts["08426"]
    common = {
        "lead_organisation": vdek,
        "programme": teamwork,
        "districts": [biberach],
        "downloads": [(pdf_document, "PDF")],
        "teaser": "Ein digitaler Austausch der Jobcenter.",
    }
    public = add_release(press_index, "Öffentlicher Austausch", datetime.date(2025, 4, 3), **common)
    if hidden == "private section":
        # A second index under a view restriction: everything below it is private.
        from b52_wagtail.press.models import PressReleaseIndexPage

        private_index = PressReleaseIndexPage(title="Intern", slug="intern")
        home.add_child(instance=private_index)
        private_index.save_revision().publish()
        make_private(private_index)
        secret = add_release(
            private_index, "Geheimer Austausch", datetime.date(2025, 4, 4), **common
        )
    else:
        secret = add_release(
            press_index,
            "Geheimer Austausch",
            datetime.date(2025, 4, 4),
            publish=hidden != "draft",
            **common,
        )
        if hidden == "private":
            make_private(secret)

    texts = surfaces(client, press_index, teamwork, biberach)
    for name, text in texts.items():
        assert "Öffentlicher Austausch" in text or public.url in text, name
        assert "Geheimer Austausch" not in text, name
        assert f"/{secret.slug}/" not in text, name

    # Related releases and the previous/next links of the public release.
    html = client.get(public.url).content.decode()
    assert "Geheimer Austausch" not in html
    # The block, the template tag and the core's news registry.
    assert "Öffentlicher Austausch" in render_block(programme=teamwork.pk, count=5)
    assert "Geheimer Austausch" not in render_block(programme=teamwork.pk, count=5)
    assert "Geheimer Austausch" not in render_block(count=5)
    assert "Geheimer Austausch" not in render_tag(programme=teamwork)
    assert [page.title for page in latest_news(programmes=[teamwork], limit=5)] == [
        "Öffentlicher Austausch"
    ]
    # The page itself: 404 for a draft, a password form for a private page.
    response = client.get(f"{secret.get_parent().url}{secret.slug}/")
    if hidden == "draft":
        assert response.status_code == 404
    else:
        assert "Geheimer Austausch" not in response.content.decode()
        assert "password" in response.content.decode()


def test_sitemap_lists_the_index_its_year_archives_and_releases(client, press_index):
    add_release(press_index, "Eins", datetime.date(2024, 5, 1))
    two = add_release(press_index, "Zwei", datetime.date(2025, 5, 1))
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    locations = [element.text for element in root.findall("s:url/s:loc", namespace)]
    index_url = press_index.get_full_url()
    assert index_url in locations
    assert f"{index_url}2025/" in locations
    assert f"{index_url}2024/" in locations
    assert two.get_full_url() in locations
    assert Page.objects.type(PressReleasePage).live().count() == 2
