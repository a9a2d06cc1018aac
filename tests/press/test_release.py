import datetime
import json
import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from b52_wagtail.models import B52Settings
from b52_wagtail.press.models import PressReleasePage

from .conftest import add_release, make_image, make_private

pytestmark = pytest.mark.django_db


def json_ld(html):
    [text] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(text)


def meta(html, prop):
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)
    return match.group(1) if match else None


def test_json_ld_is_a_news_article(client, press_index, vdek, image, districts, home):
    site_settings = B52Settings.for_site(home.get_site())
    site_settings.logo = make_image("Logo B 52", "#1d3f72")
    site_settings.save()
    release = add_release(
        press_index,
        "Fünfter Jobcenter übergreifender Austausch",
        datetime.date(2025, 4, 3),
        subtitle="Erarbeitung gemeinsamer Strategien",
        teaser="Die vdek-Landesvertretung lud ein.",
        lead_organisation=vdek,
        lead_image=image,
        lead_image_alt="Teilnehmende am Bildschirm",
        event_place="Online",
        districts=[districts["08426"]],
    )
    html = client.get(release.url).content.decode()
    data = json_ld(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Fünfter Jobcenter übergreifender Austausch"
    assert data["alternativeHeadline"] == "Erarbeitung gemeinsamer Strategien"
    assert data["datePublished"] == "2025-04-03"
    assert data["dateModified"]
    assert data["description"] == "Die vdek-Landesvertretung lud ein."
    assert data["author"] == {
        "@type": "Organization",
        "name": "Verband der Ersatzkassen e. V. (vdek)",
        "url": "https://www.vdek.com/",
    }
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == site_settings.name
    assert data["publisher"]["logo"]["url"].startswith("http://testserver/")
    assert data["image"][0].startswith("http://testserver/") and "1200x630" in data["image"][0]
    assert data["mainEntityOfPage"]["@id"] == release.get_full_url()
    assert data["contentLocation"] == [{"@type": "AdministrativeArea", "name": "Biberach"}]

    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == release.title
    assert meta(html, "og:url") == release.get_full_url()
    assert meta(html, "og:image") == data["image"][0]
    assert meta(html, "og:image:alt") == "Teilnehmende am Bildschirm"
    assert meta(html, "article:published_time") == "2025-04-03"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert 'alt="Teilnehmende am Bildschirm"' in html


def test_json_ld_without_image_or_organisation(client, press_index):
    release = add_release(press_index, "Schlicht", datetime.date(2024, 1, 2))
    html = client.get(release.url).content.decode()
    data = json_ld(html)
    assert "image" not in data
    assert data["author"]["@type"] == "Organization" and data["author"]["name"]
    assert meta(html, "twitter:card") == "summary"
    assert meta(html, "og:image") is None


def test_title_and_fields_are_escaped_everywhere(client, press_index, vdek):
    evil = '</script><script>alert("x")</script> & "onmouseover=alert(1)'
    release = add_release(
        press_index,
        evil,
        datetime.date(2025, 4, 3),
        subtitle=evil,
        teaser=evil,
        event_place=evil,
        kicker=evil,
        lead_organisation=vdek,
    )
    html = client.get(release.url).content.decode()
    assert "<script>alert" not in html
    outside_json_ld = re.sub(
        r"<script type=\"application/ld\+json\">.*?</script>", "", html, flags=re.S
    )
    assert '"onmouseover=alert' not in outside_json_ld
    assert "&quot;onmouseover=alert(1)" in outside_json_ld
    # The JSON-LD keeps the text, escaped for the <script> element.
    assert json_ld(html)["headline"] == evil[:110]
    assert "\\u003C/script\\u003E" in html
    for url in (press_index.url, f"{press_index.url}feed/rss/", f"{press_index.url}feed/atom/"):
        assert "<script>alert" not in client.get(url).content.decode()


def test_javascript_links_are_not_rendered(admin_client, client, press_index):
    url = reverse("wagtailadmin_pages:add", args=("b52_press", "pressreleasepage", press_index.pk))
    base = {
        "title": "Links",
        "slug": "links",
        "release_date": "2025-04-03",
        "contact_items": inline_formset([]),
        "download_items": inline_formset([]),
        "comments": inline_formset([]),
        "action-publish": "publish",
    }
    # A link block with a javascript: address is refused by the form.
    refused = nested_form_data(
        {
            **base,
            "body": streamfield(
                [("link", {"page": "", "url": "javascript:alert(1)", "text": "Klick"})]
            ),
        }
    )
    response = admin_client.post(url, refused)
    assert response.status_code == 200
    assert not PressReleasePage.objects.filter(slug="links").exists()
    # In rich text the editor's converter drops the href.
    accepted = nested_form_data(
        {
            **base,
            "body": streamfield(
                [
                    (
                        "paragraph",
                        rich_text('<p><a href="javascript:alert(1)">Klick</a> und Text</p>'),
                    )
                ]
            ),
        }
    )
    response = admin_client.post(url, accepted)
    assert response.status_code == 302
    release = PressReleasePage.objects.get(slug="links")
    html = client.get(release.url).content.decode()
    assert "und Text" in html
    assert "javascript:" not in html


def test_previous_next_and_related_releases(client, press_index, teamwork, districts):
    biberach, ulm = districts["08426"], districts["08421"]
    first = add_release(press_index, "Erste", datetime.date(2024, 1, 1), programme=teamwork)
    same_day = add_release(press_index, "Gleicher Tag", datetime.date(2024, 1, 1))
    middle = add_release(
        press_index, "Mitte", datetime.date(2024, 6, 1), programme=teamwork, districts=[biberach]
    )
    by_district = add_release(
        press_index, "Kreis Biberach", datetime.date(2024, 7, 1), districts=[biberach]
    )
    unrelated = add_release(press_index, "Ulm", datetime.date(2024, 8, 1), districts=[ulm])
    draft = add_release(
        press_index, "Entwurf", datetime.date(2024, 6, 15), programme=teamwork, publish=False
    )
    private = add_release(press_index, "Intern", datetime.date(2024, 6, 20), programme=teamwork)
    make_private(private)

    html = client.get(middle.url).content.decode()
    assert re.search(rf'rel="prev" href="{same_day.url}"', html)
    assert re.search(rf'rel="next" href="{by_district.url}"', html)
    related = html.split('class="b52-press-related"')[1].split("</section>")[0]
    assert first.title in related and by_district.title in related
    assert unrelated.title not in related and same_day.title not in related
    assert draft.title not in html and private.title not in html

    # Same release date: ordered by id, so every release is reachable.
    html = client.get(same_day.url).content.decode()
    assert re.search(rf'rel="prev" href="{first.url}"', html)
    html = client.get(first.url).content.decode()
    assert 'rel="prev"' not in html
    html = client.get(unrelated.url).content.decode()
    assert 'rel="next"' not in html
    assert "b52-press-related" not in html


def test_release_page_shows_contacts_and_downloads_in_order(
    client, press_index, winkler, vdek, pdf_document, locale
):
    from b52_wagtail.models import Contact

    second = Contact.objects.create(name="Zweite Person", locale=locale)
    release = add_release(
        press_index,
        "Kontakte",
        datetime.date(2025, 4, 3),
        contacts=[second, winkler],
        downloads=[(pdf_document, "Pressemitteilung vom 3. April 2025 als Download")],
    )
    html = client.get(release.url).content.decode()
    assert html.index("Zweite Person") < html.index("Frank Winkler")
    assert "Ansprechpersonen</h2>" in html
    assert f'href="{pdf_document.url}"' in html
    assert "Pressemitteilung vom 3. April 2025 als Download" in html
    assert "(PDF," in html
