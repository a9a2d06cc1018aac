import datetime
import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from b52_wagtail.press.demo import SEED_SECTIONS, SEED_TEASER
from b52_wagtail.press.models import PressReleaseIndexPage, PressReleasePage

pytestmark = pytest.mark.django_db


def build_demo():
    with open("/dev/null", "w") as devnull:
        call_command("b52_demo", stdout=devnull)


def test_demo_builds_the_seed_release_in_full_and_is_idempotent(client):
    build_demo()
    build_demo()
    index = PressReleaseIndexPage.objects.get(slug="presse")
    assert index.live and index.page_size == 10
    assert PressReleasePage.objects.child_of(index).count() == 26
    assert {r.release_date.year for r in PressReleasePage.objects.all()} == {
        2022,
        2023,
        2024,
        2025,
    }

    seed = PressReleasePage.objects.get(title="Fünfter Jobcenter übergreifender Austausch")
    assert seed.live and not seed.has_unpublished_changes
    assert seed.subtitle == (
        "Erarbeitung gemeinsamer Strategien zur Stärkung der kommunalen Einbindung"
    )
    assert seed.release_date == datetime.date(2025, 4, 3)
    assert seed.event_date == datetime.date(2025, 4, 1)
    assert seed.lead_organisation.short_name == "vdek"
    assert seed.programme.name == "teamw()rk für Gesundheit und Arbeit"
    assert sorted(str(d) for d in seed.districts.all()) == [
        "Bodenseekreis",
        "Landkreis Biberach",
        "Landkreis Ravensburg",
        "Stuttgart (Stadtkreis)",
    ]
    assert [item.contact.name for item in seed.contact_items.all()] == ["Frank Winkler"]
    [download] = seed.download_items.all()
    assert download.title == "Pressemitteilung vom 3. April 2025 als Download"
    headings = [block.value["text"] for block in seed.body if block.block_type == "heading"]
    assert headings == [heading for heading, _ in SEED_SECTIONS]

    pdf = PdfReader(io.BytesIO(download.document.file.open("rb").read()))
    text = pdf.pages[0].extract_text()
    assert "Pressemitteilung vom 3. April 2025" in text
    assert "Fünfter Jobcenter übergreifender Austausch" in text

    html = client.get(seed.url).content.decode()
    assert SEED_TEASER in html
    for heading, paragraphs in SEED_SECTIONS:
        assert heading in html
        for paragraph in paragraphs:
            assert paragraph in html
    assert "07 11 / 2 39 54 - 19" in html
    assert "Pressemitteilung vom <time" in html

    listing = client.get(index.url).content.decode()
    assert "Seite 1 von 3" in listing
    assert client.get(f"{index.url}2022/").status_code == 200
    assert client.get(f"{index.url}?page=3").status_code == 200
