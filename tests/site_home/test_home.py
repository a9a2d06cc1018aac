"""The example site's home page and frame (example_site/home): the
``demo_home`` command, the blocks that fill themselves from the package's
pages, and a fixed number of queries however many pages they list."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from home.models import HomePage, StandardPage
from wagtail.models import PageViewRestriction, Site

from b52_wagtail.awards.models import AwardCallPage
from b52_wagtail.cache import bump_content_generation
from b52_wagtail.models import B52Settings
from b52_wagtail.press.models import PressReleaseIndexPage, PressReleasePage
from tests.clock import stopped
from tests.demo_visitor import build_demo, german_datetime, parse, text_of
from tests.press.factories import bulk_releases

pytestmark = pytest.mark.django_db

HOME_BLOCKS = ["hero", "current_call", "latest_releases", "cooperation_fields", "winners"]


@pytest.fixture
def demo():
    build_demo()
    call_command("demo_home", stdout=io.StringIO())


def test_demo_home_fills_the_home_page_and_the_footer_pages(demo):
    call_command("demo_home", stdout=io.StringIO())  # again: updates, adds nothing
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert [block.block_type for block in home.body] == HOME_BLOCKS
    assert home.body[0].value["link_page"].url_path == home.url_path + "foerderpreis/"
    pages = StandardPage.objects.child_of(home).live()
    assert [page.slug for page in pages.order_by("path")] == [
        "impressum",
        "datenschutz",
        "barrierefreiheit",
    ]
    assert all(page.footer_link and not page.show_in_menus for page in pages)
    assert B52Settings.for_site(site).privacy_policy_page.specific == pages.get(slug="datenschutz")
    menu = home.get_children().live().in_menu()
    assert {page.slug for page in menu} == {"kooperation", "presse", "foerderpreis"}


def open_call():
    now = timezone.now()
    return next(call for call in AwardCallPage.objects.live() if call.accepts_applications(now))


def test_home_shows_the_open_call_the_latest_releases_and_the_frame(client, demo):
    document = parse(client.get("/"))
    assert len(document.select("h1")) == 1
    assert document.html["lang"] == "de"
    call = open_call()
    block = document.select_one(".site-call")
    assert block.select_one(".site-call__title a")["href"] == call.url
    assert german_datetime(call.deadline) in text_of(block)
    assert block.find("a", string="Jetzt online bewerben")["href"] == call.application_page.url
    latest = PressReleasePage.objects.live().order_by("-release_date")[:3]
    shown = [link["href"] for link in document.select(".site-releases .b52-card__title a")]
    assert shown == [release.url for release in latest]
    assert document.select(".site-fields__item")
    assert document.select(".site-winners__district")
    # No breadcrumbs on the home page; menu, footer pages and contact.
    assert document.select_one('nav[aria-label="Brotkrumennavigation"]') is None
    assert [a.get_text() for a in document.select(".site-nav--wide a")] == [
        page.title for page in Site.objects.get().root_page.get_children().live().in_menu()
    ]
    footer = document.select_one("footer")
    for title in ("Impressum", "Datenschutz", "Erklärung zur Barrierefreiheit"):
        assert footer.find("a", string=title) is not None
    assert "Kornwestheim" in text_of(footer)
    internal = {a["href"] for a in document.select('a[href^="/"]')}
    assert len(internal) >= 20


def test_package_pages_get_breadcrumbs_and_the_current_section(client, demo):
    release = PressReleasePage.objects.live().first()
    document = parse(client.get(release.url))
    crumbs = document.select_one('nav[aria-label="Brotkrumennavigation"]')
    assert [a.get_text() for a in crumbs.select("a")] == ["Startseite", release.get_parent().title]
    assert crumbs.select_one('[aria-current="page"]').get_text() == release.title
    current = document.select('.site-nav--wide a[aria-current="true"]')
    assert [a["href"] for a in current] == [release.get_parent().url]


def test_the_frame_hides_private_pages_and_reads_the_view_restrictions_once(client):
    home = Site.objects.get(is_default_site=True).root_page
    pages = {}
    for title in ("Offen", "Intern"):
        page = StandardPage(title=title, slug=title.lower(), show_in_menus=True, footer_link=True)
        home.add_child(instance=page)
        page.save_revision().publish()
        pages[title] = page
    PageViewRestriction.objects.create(
        page=pages["Intern"], restriction_type=PageViewRestriction.LOGIN
    )

    def restriction_queries():
        with CaptureQueriesContext(connection) as context:
            document = parse(client.get("/"))
        sql = [q["sql"] for q in context.captured_queries]
        return document, sum('FROM "wagtailcore_pageviewrestriction"' in q for q in sql)

    document, cold = restriction_queries()
    assert [a.get_text() for a in document.select(".site-nav--wide a")] == ["Offen"]
    footer = document.select_one("footer")
    assert footer.find("a", string="Offen") is not None
    assert footer.find("a", string="Intern") is None
    # Warm, the frame comes from the cache; cold, its menu and footer pages
    # read the view restrictions once between them.
    _document, warm = restriction_queries()
    assert cold - warm == 1


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def measure(client):
    bump_content_generation()
    cold = count_queries(client, "/")
    warm = count_queries(client, "/")
    return cold, warm


def test_home_runs_a_fixed_number_of_queries(client, demo):
    # One stopped clock: the call block is cached per Berlin minute, and a
    # minute turning between a cold and a warm visit would render it again.
    with stopped():
        # The block shows the demo's call, open at this moment.
        assert any(call.accepts_applications() for call in AwardCallPage.objects.live())
        measure(client)  # the first visit makes the image renditions
        before = measure(client)
        bulk_releases(PressReleaseIndexPage.objects.get(), 40)
        after = measure(client)
    assert after == before
    assert before[1] < before[0]


def test_the_cached_call_block_follows_the_clock(client, demo):
    """The current call's block is cached, but per Berlin minute: after the
    deadline passes the next request no longer offers to apply."""
    import datetime

    import time_machine

    call = next(c for c in AwardCallPage.objects.live() if c.accepts_applications())
    before = call.closes_at - datetime.timedelta(minutes=5)
    with time_machine.travel(before, tick=False):
        client.get("/")
        with CaptureQueriesContext(connection) as warm:
            html = client.get("/").content.decode()
        assert "Jetzt online bewerben" in html
        assert not any("b52_awards_awardcallpage" in q["sql"] for q in warm.captured_queries)
    with time_machine.travel(call.closes_at + datetime.timedelta(minutes=1), tick=False):
        html = client.get("/").content.decode()
    assert "Jetzt online bewerben" not in html
