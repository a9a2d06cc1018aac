"""Pages and overviews run a fixed number of queries, whatever the number of
organisations, districts, responsibilities and releases."""

import datetime
import itertools

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from b52_wagtail.cooperation.models import (
    CooperationFieldContact,
    CooperationFieldProgramme,
    CooperationFundingPhase,
    CooperationRelatedPage,
    CooperationResponsibility,
)
from b52_wagtail.models import District, OrganisationKind

from .conftest import _serial, make_contact, make_field, make_organisation, make_programme, publish

pytestmark = pytest.mark.django_db

KINDS = itertools.cycle(OrganisationKind.values)
# Generous ceilings; the point of the tests is that small and large are equal.
MAX_INDEX_QUERIES = 16
MAX_FIELD_QUERIES = 23
MAX_OVERVIEW_QUERIES = 12


def count_queries(client, url):
    client.get(url)  # renditions are made on the first view
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def add_members_and_fields(index, n):
    for _ in range(n):
        make_organisation(next(KINDS))
        make_field(index, teaser="Ein Kooperationsfeld.")


def test_cooperation_page_queries_do_not_grow_with_members_and_fields(client, index, office):
    index.body = [("district_overview", {"heading": "", "district": District.objects.first()})]
    index.save_revision().publish()
    add_members_and_fields(index, 3)
    small = count_queries(client, index.url)
    add_members_and_fields(index, 27)
    large = count_queries(client, index.url)
    html = client.get(index.url).content.decode()
    assert html.count('class="b52-members__logo"') == 31 - 1  # the office host has no logo
    assert html.count('class="b52-card__title"') == 30
    assert small == large
    assert large <= MAX_INDEX_QUERIES


def build_field(parent, home, press, n):
    """A field with ``n`` of everything: organisations, programmes, districts
    per responsibility, responsibilities, phases, contacts, related pages and
    releases per programme."""
    organisations = [make_organisation(next(KINDS)) for _ in range(n)]
    programmes = [make_programme() for _ in range(n)]
    districts = list(District.objects.order_by("key")[:n])
    serial = next(_serial)
    related = [
        publish(home, Page(title=f"Seite {i}", slug=f"seite-{serial}-{i}")) for i in range(n)
    ]
    field = make_field(
        parent,
        organisations=organisations,
        programme_links=[CooperationFieldProgramme(programme=p) for p in programmes],
        responsibilities=[
            CooperationResponsibility(programme=p, organisation=o, districts=districts)
            for p, o in zip(programmes, organisations, strict=True)
        ],
        funding_phases=[
            CooperationFundingPhase(
                programme=p, title=f"Phase {i}", start_date=datetime.date(2020 + i % 8, 1, 1)
            )
            for i, p in enumerate(programmes)
        ],
        contact_links=[
            CooperationFieldContact(contact=make_contact(organisation=o)) for o in organisations
        ],
        related_pages=[CooperationRelatedPage(related_page=page) for page in related],
    )
    if press is not None:
        PressReleasePage = apps.get_model("b52_press", "PressReleasePage")
        for i, programme in enumerate(programmes):
            publish(
                press,
                PressReleasePage(
                    title=f"Meldung {serial}-{i}",
                    slug=f"meldung-{serial}-{i}",
                    release_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
                    programme=programme,
                ),
            )
    return field


@pytest.fixture
def press(home):
    if not apps.is_installed("b52_wagtail.press"):
        return None
    PressReleaseIndexPage = apps.get_model("b52_press", "PressReleaseIndexPage")
    return publish(home, PressReleaseIndexPage(title="Presse", slug="presse"))


def test_field_page_queries_do_not_grow(client, index, home, press, office):
    small = build_field(index, home, press, 3)
    large = build_field(index, home, press, 30)
    small_count = count_queries(client, small.url)
    large_count = count_queries(client, large.url)
    html = client.get(large.url).content.decode()
    assert html.count('<th scope="row"') == 30  # the responsibilities table
    if press is not None:
        assert html.count('class="b52-card__title"') == 3  # the newest three releases
    assert small_count == large_count
    assert large_count <= MAX_FIELD_QUERIES


def test_district_overviews_queries_do_not_grow(client, index, home, press):
    small = build_field(index, home, press, 3)
    large = build_field(index, home, press, 30)
    key = District.objects.order_by("key").first().key
    small_count = count_queries(client, f"{small.url}kreis/{key}/")
    large_count = count_queries(client, f"{large.url}kreis/{key}/")
    assert small_count == large_count
    assert large_count <= MAX_OVERVIEW_QUERIES

    # the cooperation page's overview across all fields: 33 rows vs 3 + 30 more fields
    before = count_queries(client, f"{index.url}kreis/{key}/")
    for _ in range(5):
        build_field(index, home, None, 3)
    after = count_queries(client, f"{index.url}kreis/{key}/")
    html = client.get(f"{index.url}kreis/{key}/").content.decode()
    assert html.count('<th scope="row"') == 33 + 15
    assert before == after
    assert after <= MAX_OVERVIEW_QUERIES
