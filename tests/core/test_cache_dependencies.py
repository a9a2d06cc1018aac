"""A change makes stale only the fragments that show it: the changed page
shows the change on the next request, while an unrelated page stays warm
(served from the fragment cache, with fewer queries)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from b52_wagtail.awards.models import AwardCallPage
from b52_wagtail.cache import PAGES, fragment_key, model_tag, tree
from b52_wagtail.models import B52Settings, Contact, District
from b52_wagtail.press.models import PressReleaseIndexPage, PressReleasePage
from tests.press.factories import add_release

from .test_query_counts import (
    award_call,
    cooperation_field,
    make_call,
    publish,
    section,
    showcase,
)

pytestmark = pytest.mark.django_db


def get(client, url):
    """(queries, html) of a GET of ``url``."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context), response.content.decode()


def warm_count(client, url):
    client.get(url)
    queries, _html = get(client, url)
    assert get(client, url)[0] == queries
    return queries


@pytest.fixture
def home(db):
    return Site.objects.get(is_default_site=True).root_page


@pytest.fixture
def call_url(home):
    return award_call(home, 2)


def test_a_release_edit_shows_at_once_and_leaves_other_sections_warm(client, home, call_url):
    index = publish(home, PressReleaseIndexPage(title="Presse", slug="presse"))
    release = add_release(index, "Alter Titel", datetime.date(2025, 3, 1), teaser="Alt")
    other = add_release(index, "Andere Meldung", datetime.date(2025, 2, 1))
    for url in (release.url, index.url, other.url):
        client.get(url)
    call_warm = warm_count(client, call_url)

    release = PressReleasePage.objects.get(pk=release.pk)
    release.teaser = "Neue Kurzfassung"
    release.save_revision().publish()

    assert "Neue Kurzfassung" in get(client, index.url)[1]
    assert "Neue Kurzfassung" in get(client, release.url)[1]
    # The award call is in another section: still served from the cache.
    assert get(client, call_url)[0] == call_warm

    release.title = "Neuer Titel"
    release.save_revision().publish()
    # The neighbour's "next release" link shows the new title at once.
    assert "Neuer Titel" in get(client, other.url)[1]


def test_a_content_edit_of_a_call_leaves_the_press_listing_warm(client, home, call_url):
    index = publish(home, PressReleaseIndexPage(title="Presse", slug="presse"))
    add_release(index, "Meldung", datetime.date(2025, 3, 1))
    index_warm = warm_count(client, index.url)
    call_warm = warm_count(client, call_url)

    call = AwardCallPage.objects.get(url_path__endswith="/ausschreibung-2026/")
    call.intro = "Eine neue Einleitung."
    call.save_revision().publish()

    queries, html = get(client, call_url)
    assert "Eine neue Einleitung." in html
    assert queries > call_warm  # rendered again
    assert get(client, index.url)[0] == index_warm


def test_a_district_edit_shows_where_districts_are_listed_only(client, home, call_url):
    field_url = cooperation_field(home, 1)
    field_warm = warm_count(client, field_url)
    call_warm = warm_count(client, call_url)

    district = District.objects.order_by("key").first()
    district.name = "Umbenannter Kreis"
    district.save()

    queries, html = get(client, field_url)
    assert "Umbenannter Kreis" in html
    assert queries > field_warm
    # The call shows no district: still warm.
    assert get(client, call_url)[0] == call_warm


def test_a_contact_edit_shows_on_the_call_and_leaves_the_form_page_warm(client, home):
    parent = section(home)
    call = make_call(parent, 1)
    form_url = publish(call, _form_page(call)).url
    form_warm = warm_count(client, form_url)
    call_warm = warm_count(client, call.url)

    contact = Contact.objects.get(pk=call.contact_id)
    contact.name = "Erika Neu"
    contact.save()

    queries, html = get(client, call.url)
    assert "Erika Neu" in html
    assert queries > call_warm
    assert get(client, form_url)[0] == form_warm


def _form_page(call):
    from b52_wagtail.applications.models import ApplicationFormPage

    return ApplicationFormPage(
        title="Bewerbung", slug="bewerbung", call=call, to_address="office@example.org"
    )


def test_an_image_edit_makes_pages_with_images_stale(client, home):
    call = make_call(section(home), 1)
    page = showcase(call, 1)
    warm = warm_count(client, page.url)
    image = page.winners.first().image
    image.title = "Neu"
    image.save()
    # Images share one generation (a per-image one would cost a cache read
    # per image on every page): every fragment that may show one renders again.
    assert get(client, page.url)[0] > warm
    assert get(client, page.url)[0] == warm


def test_the_site_settings_make_every_fragment_stale(client, home, call_url):
    warm = warm_count(client, call_url)
    settings = B52Settings.for_site(Site.objects.get(is_default_site=True))
    settings.name = "B 52 neu"
    settings.save()
    assert get(client, call_url)[0] > warm


def test_the_winners_page_shows_a_renamed_call_at_once(client, home):
    call = make_call(section(home), 1)
    page = showcase(call, 1)
    client.get(page.url)
    call = AwardCallPage.objects.get(pk=call.pk)
    call.award_name = "Neuer Preisname"
    call.save_revision().publish()
    assert "Neuer Preisname" in get(client, page.url)[1]


def test_publishing_a_new_page_makes_link_lists_stale_but_not_a_text_edit(rf, home):
    """Only a page that appears, disappears or changes its title or URL makes
    fragments that link to arbitrary pages (PAGES) stale; a text edit makes
    its own tree and model stale, and no other tree."""
    other = section(home)
    index = publish(home, PressReleaseIndexPage(title="Presse", slug="presse"))
    release = add_release(index, "Meldung", datetime.date(2025, 3, 1))

    def key(*depends):
        return fragment_key(rf.get("/"), "test", depends=depends)

    before = {
        "links": key(PAGES),
        "model": key(model_tag(PressReleasePage)),
        "index": key(tree(index)),
        "other": key(tree(other)),
    }
    release = PressReleasePage.objects.get(pk=release.pk)
    release.teaser = "Nur der Text"
    release.save_revision().publish()
    assert key(PAGES) == before["links"]
    assert key(model_tag(PressReleasePage)) != before["model"]
    assert key(tree(index)) != before["index"]
    assert key(tree(other)) == before["other"]

    links = key(PAGES)
    add_release(index, "Neue Meldung", datetime.date(2025, 3, 2))
    assert key(PAGES) != links
    assert key(tree(other)) == before["other"]
