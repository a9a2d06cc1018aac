"""The demo content of the cooperation app."""

import datetime
from pathlib import Path

import pytest
from wagtail.models import Site

from b52_wagtail import demo as core_demo
from b52_wagtail.cooperation import demo
from b52_wagtail.cooperation.models import CooperationFieldPage, CooperationIndexPage

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "b52-verbaendekooperation.txt"


def build_twice():
    site = Site.objects.get(is_default_site=True)
    for _ in range(2):
        state = {"site": site}
        core_demo.build(site.root_page.specific, state)
        demo.build(site.root_page.specific, state)
    return state


def test_seed_paragraphs_are_verbatim():
    if not SEED.exists():
        pytest.skip("the seed folder is not next to the checkout")
    title, *paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n") if p.strip()]
    assert title == demo.TITLE
    assert paragraphs == demo.SEED_PARAGRAPHS


def test_demo_builds_the_cooperation_page_idempotently(client):
    state = build_twice()
    index = CooperationIndexPage.objects.get()
    assert index.slug == "kooperation" and index.live
    assert index.title == "B 52-Verbändekooperation Baden-Württemberg"
    assert [block.block_type for block in index.body] == ["paragraph"] * 5
    assert state["cooperation"]["index"].pk == index.pk

    fields = CooperationFieldPage.objects.child_of(index).order_by("path")
    assert [field.title for field in fields] == [
        "Pflegestützpunkte",
        "Kassenartenübergreifende Gemeinschaftsförderung der Selbsthilfe",
        "Kommunale Gesundheitskonferenzen",
    ]
    html = client.get(index.url).content.decode()
    assert "einzigartige Kooperationsgemeinschaft" in html
    assert html.count('class="b52-members__logo"') == 8
    assert "Stuttgarter Straße 105" in html
    for field in fields:
        assert field.title in html


def test_demo_teamwork_is_led_by_vdek_in_four_districts():
    build_twice()
    kgk = CooperationFieldPage.objects.get(slug="kommunale-gesundheitskonferenzen")
    assert [link.programme.slug for link in kgk.programme_links.all()] == [
        "teamwork-gesundheit-arbeit"
    ]
    row = kgk.responsibilities.get()
    assert row.programme.name == "teamw()rk für Gesundheit und Arbeit"
    assert row.organisation.short_name == "vdek"
    assert sorted(row.districts.values_list("key", flat=True)) == [
        "08111",
        "08426",
        "08435",
        "08436",
    ]
    phase = kgk.funding_phases.get()
    assert phase.start_date == datetime.date(2026, 1, 1)
    assert phase.programme_id == row.programme_id
    assert kgk.contact_links.get().contact.name == "Frank Winkler"
    assert kgk.organisations.count() == 8


def test_demo_field_and_overview_render(client):
    build_twice()
    kgk = CooperationFieldPage.objects.get(slug="kommunale-gesundheitskonferenzen")
    html = client.get(kgk.url).content.decode()
    assert "Neue Förderphase" in html and "ab 1. Januar 2026" in html
    response = client.get(kgk.url + "kreis/08435/")
    assert response.status_code == 200
    assert "Verband der Ersatzkassen" in response.content.decode()
