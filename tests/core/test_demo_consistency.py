"""The demo content agrees with itself and with its sources.

Builds the demo (``b52_demo``) and checks what a visitor reads: every year a
release names has a call (or is history the domain notes name), releases
about winners name the winners and districts of the showcase, counts are
the archive's or marked as a selection, invented winners are labelled, only
the current call is open, every internal link answers 200, every download is
a PDF with the text it stands for and every image is a real picture.
"""

import io
import json
import re
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone
from PIL import Image as PILImage
from pypdf import PdfReader
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from b52_wagtail import demo_loader, localization
from b52_wagtail.awards.models import (
    AwardCallPage,
    CallDocumentKind,
    WinnerArchivePage,
    WinnerShowcasePage,
)
from b52_wagtail.press.models import PressReleaseIndexPage, PressReleasePage

pytestmark = pytest.mark.django_db

# The winners the domain notes (../shared/docs/domain.md) name as fact; any
# other winner of the demo must be labelled as invented.
KNOWN_WINNERS = {(2017, "Gemeinde Salach", "08117", "Gesund altern in Salach")}
# What the domain notes say about the history of the award.
HISTORY_COUNT, HISTORY_SINCE = 36, 2013
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
WINNERS_YEAR = re.compile(r"(?:Preisträger|Gewinnerkommunen)\D{0,12}((?:19|20)\d\d)")
MUNICIPALITY_COUNT = re.compile(r"\b(\d+) Kommunen\b")


@pytest.fixture
def file_storage(settings, tmp_path):
    """Media on disk: the test settings keep files in memory, which
    Wagtail's document view cannot serve."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def build_demo():
    call_command("b52_demo", stdout=io.StringIO())


def normalise(text):
    return " ".join(text.split())


def main_text(client, page):
    response = client.get(page.url)
    assert response.status_code == 200, page.url
    soup = BeautifulSoup(response.content, "html.parser")
    return soup, normalise(soup.find("main").get_text(" "))


def json_ld(soup):
    return [json.loads(tag.string) for tag in soup.find_all("script", type="application/ld+json")]


def showcase_by_year():
    return {
        showcase.call.edition: showcase
        for showcase in WinnerShowcasePage.objects.live().select_related("call")
    }


def test_facts_agree_across_releases_calls_showcases_archive_and_feeds(client):
    build_demo()
    data = demo_loader.load("press")
    calls = {call.edition: call for call in AwardCallPage.objects.live()}
    showcases = showcase_by_year()
    archive = WinnerArchivePage.objects.get()
    winners = [
        (year, w.municipality, w.district.key, w.project_title, w.description)
        for year, showcase in showcases.items()
        for w in showcase.winners.select_related("district")
    ]

    # Only the current year's call is open; every showcase has its call.
    now = timezone.now()
    this_year = localization.localdate(now).year
    assert [c.edition for c in calls.values() if c.accepts_applications(now)] == [this_year]
    assert set(showcases) <= set(calls)

    # Invented winners are labelled; one winner per district and year.
    for year, municipality, key, title, description in winners:
        if (year, municipality, key, title) not in KNOWN_WINNERS:
            assert "(fiktiv)" in municipality, municipality
            assert "Demo-Daten" in description, municipality
    for year, showcase in showcases.items():
        keys = [w.district.key for w in showcase.winners.select_related("district")]
        assert len(keys) == len(set(keys)), year
        assert calls[year].one_prize_per_district
        assert "Auswahl" in showcase.intro and "Demo-Daten" in showcase.intro

    # The archive lists every winner of the showcases; with fewer than the
    # award's history it says that it shows a selection.
    soup, archive_text = main_text(client, archive)
    for _year, municipality, _key, title, _ in winners:
        assert municipality in archive_text and title in archive_text
    assert f"{len(winners)} Preisträger angezeigt" in archive_text
    if len(winners) < HISTORY_COUNT:
        assert "Auswahl" in archive.intro
        assert f"{HISTORY_COUNT} Kommunen" in archive.intro
        assert f"Seit {HISTORY_SINCE}" in archive.intro
    # Its own count says what it lists, not how many were awarded in all.
    first = min(year for year, *_rest in winners)
    municipalities = len({municipality for _year, municipality, *_rest in winners})
    assert (
        f"Dieses Archiv verzeichnet {municipalities} ausgezeichnete Kommunen seit {first}."
        in archive_text
    )
    assert "wurden" not in soup.select_one(".b52-winner-archive__summary").get_text()

    releases = list(PressReleasePage.objects.live().order_by("release_date"))
    assert len(releases) == 1 + len(data["releases"])
    history = set(data["history_years"])
    for release in releases:
        soup, _ = main_text(client, release)
        body = soup.select_one(".b52-press-release__body")
        text = normalise(
            f"{release.title} {release.subtitle} {release.teaser} {body.get_text(' ')}"
        )
        # A release may announce its next year ("Neue Förderphase ab Januar
        # 2026" in January 2025), whether or not that year has a call.
        allowed = {release.release_date.year, release.release_date.year + 1, *history, *calls}
        years = {int(year) for year in YEAR.findall(text)}
        assert years <= allowed, (release.title, years - allowed)

        # A release about winners names every winner and district of the
        # showcase of that year and links it.
        for year in {int(y) for y in WINNERS_YEAR.findall(f"{release.title} {release.teaser}")}:
            assert year in showcases, (release.title, year)
            showcase = showcases[year]
            shown = list(showcase.winners.select_related("district"))
            for winner in shown:
                assert winner.municipality in text and winner.project_title in text
            assert {d.key for d in release.districts.all()} == {w.district.key for w in shown}
            assert soup.find("a", href=showcase.url), (release.title, showcase.url)

        # Counts of municipalities are the history the domain notes give.
        for count in MUNICIPALITY_COUNT.findall(text):
            assert int(count) == HISTORY_COUNT, (release.title, count)

        # Calls a release speaks of exist and are linked.
        for year in years & set(calls):
            if re.search(rf"(Förderpreis|Ausschreibung)\D{{0,40}}{year}", text):
                assert soup.find("a", href=calls[year].url), (release.title, year)

        # The structured data states the release's date.
        [article] = [d for d in json_ld(soup) if d["@type"] == "NewsArticle"]
        assert article["datePublished"] == release.release_date.isoformat()

    # Calls and showcases: the structured data names the year.
    for year, call in calls.items():
        soup, text = main_text(client, call)
        assert str(year) in text
        assert any(d.get("name", "").endswith(str(year)) for d in json_ld(soup))
    for year, showcase in showcases.items():
        soup, _ = main_text(client, showcase)
        assert any(str(year) in d.get("name", "") for d in json_ld(soup))

    # The feeds list the latest releases with their titles and dates.
    index = PressReleaseIndexPage.objects.get()
    feed = feedparser.parse(client.get(f"{index.url}feed/rss/").content)
    latest = sorted(releases, key=lambda r: r.release_date, reverse=True)[: index.feed_size]
    assert [entry.title for entry in feed.entries] == [r.title for r in latest]
    for entry, release in zip(feed.entries, latest, strict=True):
        assert entry.published_parsed[:3] == release.release_date.timetuple()[:3]


def test_seeds_appear_verbatim(client):
    build_demo()
    cooperation_seed = demo_loader.seed_lines("b52-verbaendekooperation.txt")
    index = Page.objects.get(slug="kooperation").specific
    _, text = main_text(client, index)
    assert index.title == cooperation_seed[0]
    for paragraph in cooperation_seed[1:]:
        assert normalise(paragraph) in text

    press_seed = demo_loader.seed_lines("pressemitteilung-jobcenter-austausch.txt")
    release = PressReleasePage.objects.get(slug="fuenfter-jobcenter-uebergreifender-austausch")
    _, text = main_text(client, release)
    end = press_seed.index(next(line for line in press_seed if "als Download" in line))
    assert release.title == press_seed[0] and release.subtitle == press_seed[1]
    for line in press_seed[2:end]:
        assert normalise(line) in text, line
    soup, _ = main_text(client, release)
    contact = normalise(soup.select_one(".b52-contact").get_text(" "))
    for line in ("Frank Winkler", "Landesvertretung Baden-Württemberg", "07 11 / 2 39 54 - 19"):
        assert line in contact
    # The contact block names the unit once (not again in the organisation).
    assert contact.count("Landesvertretung Baden-Württemberg") == 1, contact


def internal_links(soup, base):
    links = set()
    for anchor in soup.find_all("a", href=True):
        href = anchor["href"]
        if href.startswith("?"):
            href = urljoin(base, href)
        if href.startswith("/") and not href.startswith("//"):
            parts = urlsplit(href)
            links.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def test_every_internal_link_of_every_demo_page_answers_200(client, file_storage):
    build_demo()
    pages = [page.specific for page in Page.objects.live().filter(depth__gt=1)]
    assert len(pages) > 30
    checked = {}
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        soup = BeautifulSoup(response.content, "html.parser")
        for link in internal_links(soup, page.url) - set(checked):
            checked[link] = client.get(link).status_code
    broken = {link: status for link, status in checked.items() if status != 200}
    assert not broken
    assert any(link.startswith("/documents/") for link in checked)


def pdf_text(document):
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return normalise(" ".join(page.extract_text() for page in reader.pages))


def release_texts(release):
    """The texts of the release: title, subtitle, teaser, headings,
    paragraphs and list items of the body (not the links to other pages)."""
    texts = [release.title, release.teaser, release.subtitle]
    for block in release.body:
        if block.block_type == "heading":
            texts.append(block.value["text"])
        elif block.block_type == "paragraph":
            html = BeautifulSoup(block.value.source, "html.parser")
            if html.find("a"):
                continue
            texts.extend(element.get_text(" ") for element in html.find_all(["p", "li"]))
    return [normalise(text) for text in texts if text]


def test_downloads_are_pdfs_with_their_text_and_images_are_pictures(client):
    build_demo()
    Document = get_document_model()
    assert Document.objects.count() > 30
    for document in Document.objects.all():
        with document.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-", document.title
        assert len(pdf_text(document)) > 100, document.title

    for release in PressReleasePage.objects.live():
        [download] = release.download_items.all()
        text = pdf_text(download.document)
        for expected in release_texts(release):
            assert expected in text, (release.title, expected)
        assert release.lead_image_id and release.lead_image_alt

    for call in AwardCallPage.objects.live():
        for item in call.call_documents.all():
            assert item.kind in CallDocumentKind.values
            text = pdf_text(item.document)
            assert str(call.edition) in text, item.document.title
            assert normalise(call.deadline_display) in text or item.kind == "praesentation"

    for image in get_image_model().objects.all():
        with image.file.open("rb") as handle:
            picture = PILImage.open(io.BytesIO(handle.read()))
            picture.load()
        colours = picture.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is None or len(colours) > 16, image.title
        assert picture.width >= 400, image.title

    # The pages show the pictures as responsive renditions with alt texts.
    release = PressReleasePage.objects.get(slug="fuenfter-jobcenter-uebergreifender-austausch")
    soup, _ = main_text(client, release)
    figure = soup.select_one(".b52-press-release__image img")
    assert figure["srcset"].count("w,") >= 2 and figure["alt"] == release.lead_image_alt
    showcase = WinnerShowcasePage.objects.live().first()
    soup, _ = main_text(client, showcase)
    images = soup.select(".b52-winner img")
    assert images and all(img.get("srcset") and img["alt"] for img in images)
