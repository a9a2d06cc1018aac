import datetime

import feedparser
import pytest

from .conftest import add_release, make_private

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed_releases(press_index, vdek, teamwork, districts, pdf_document, image):
    from wagtail.documents import get_document_model

    word = get_document_model().objects.create(title="Hintergrund", file=_word_file())
    with_pdf = add_release(
        press_index,
        "Fünfter Jobcenter übergreifender Austausch",
        datetime.date(2025, 4, 3),
        teaser="Die vdek-Landesvertretung lud zu einem digitalen Austausch ein.",
        lead_organisation=vdek,
        programme=teamwork,
        districts=[districts["08426"]],
        # The first *PDF* is the enclosure, not the first download.
        downloads=[(word, "Hintergrund (Word)"), (pdf_document, "Pressemitteilung als PDF")],
    )
    without = add_release(press_index, "Ohne Download", datetime.date(2025, 3, 1))
    return with_pdf, without, pdf_document


def _word_file():
    from django.core.files.base import ContentFile

    return ContentFile(b"PK\x03\x04 not really a docx", name="hintergrund.docx")


def test_rss_feed_parses_and_has_pdf_enclosures(client, press_index, feed_releases):
    with_pdf, without, pdf = feed_releases
    response = client.get(f"{press_index.url}feed/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    assert feed.feed.title == "Pressemitteilungen"
    assert feed.feed.language == "de"
    assert [entry.title for entry in feed.entries] == [with_pdf.title, without.title]
    first = feed.entries[0]
    assert first.link == with_pdf.get_full_url()
    assert first.summary == "Die vdek-Landesvertretung lud zu einem digitalen Austausch ein."
    assert first.published_parsed[:3] == (2025, 4, 3)
    assert {tag.term for tag in first.tags} == {"teamw()rk für Gesundheit und Arbeit", "Biberach"}
    [enclosure] = first.enclosures
    assert enclosure.type == "application/pdf"
    assert enclosure.href == f"http://testserver{pdf.url}"
    assert int(enclosure.length) == pdf.get_file_size() > 0
    assert feed.entries[1].enclosures == []


def test_atom_feed_parses_and_has_pdf_enclosures(client, press_index, feed_releases):
    with_pdf, without, pdf = feed_releases
    response = client.get(f"{press_index.url}feed/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == [with_pdf.title, without.title]
    first = feed.entries[0]
    assert first.author == "Verband der Ersatzkassen e. V. (vdek)"
    assert first.updated
    [enclosure] = [link for link in first.links if link.rel == "enclosure"]
    assert enclosure.type == "application/pdf"
    assert enclosure.href.endswith(pdf.url)


def test_feeds_are_bounded_and_skip_drafts_and_private_releases(client, press_index):
    press_index.feed_size = 3
    press_index.save_revision().publish()
    for day in range(1, 6):
        add_release(press_index, f"Nummer {day}", datetime.date(2025, 1, day))
    add_release(press_index, "Entwurf", datetime.date(2025, 2, 1), publish=False)
    make_private(add_release(press_index, "Intern", datetime.date(2025, 2, 2)))
    for kind in ("rss", "atom"):
        feed = feedparser.parse(client.get(f"{press_index.url}feed/{kind}/").content)
        assert [entry.title for entry in feed.entries] == ["Nummer 5", "Nummer 4", "Nummer 3"]


def test_index_links_to_its_feeds(client, press_index):
    html = client.get(press_index.url).content.decode()
    assert 'type="application/rss+xml" title="Pressemitteilungen (RSS)"' in html
    assert f'href="{press_index.url}feed/rss/"' in html
    assert f'href="{press_index.url}feed/atom/"' in html
