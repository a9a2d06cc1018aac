"""Run by tests/hosts/test_hosts.py in a subprocess with this host's settings:
every app installed on an English/UTC host with a rich theme of its own,
the package's pages moved three levels deep below the host's section pages."""

import io
import json

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from b52_wagtail.conf import b52_settings
from tests.demo_visitor import (
    GERMAN_LABELS,
    JSON_LD_TYPES,
    OPEN_CALL_LABELS,
    PAGE_TYPES,
    STYLESHEET,
    apply_successfully,
    german_datetime,
    missing_labels,
    one_page_per_type,
    package_container,
    parse,
    text_of,
)
from tests.hosts.rich_theme.models import TopicPage

pytestmark = pytest.mark.django_db

# The host's section pages, each below the one before.
SECTIONS = (("Über uns", "ueber-uns"), ("Netzwerk", "netzwerk"), ("B 52-Kooperation", "b52"))


def add_sections(home):
    """The chain of host pages; returns the deepest one."""
    parent = home
    for title, slug in SECTIONS:
        section = TopicPage(title=title, slug=slug, show_in_menus=parent == home)
        parent.add_child(instance=section)
        section.save_revision().publish()
        parent = section
    return parent


def move_package_pages(home, target):
    """Move every top-level page the demo made below ``target``, as an
    editor would in the admin."""
    for child in home.get_children().not_type(TopicPage):
        child.move(target, pos="last-child")


@pytest.fixture(scope="module")
def paths(demo, django_db_blocker):
    """One path per page type, after the move (done once for the module);
    overrides the fixture of tests/hosts/conftest.py."""
    with django_db_blocker.unblock():
        before = one_page_per_type(demo)
        home = Site.objects.get(is_default_site=True).root_page
        pages = {
            page_type: Page.objects.get(url_path=home.url_path + path.lstrip("/")).pk
            for page_type, path in before.items()
        }
        move_package_pages(home, add_sections(home))
        return {page_type: Page.objects.get(pk=pk).url for page_type, pk in pages.items()}


def test_the_host_uses_its_own_base_with_every_block():
    assert b52_settings.base_template() == "base.html"


def test_package_pages_sit_below_three_host_pages(paths):
    assert set(paths) == set(PAGE_TYPES)
    for path in paths.values():
        assert path.startswith("/ueber-uns/netzwerk/b52/")


def test_the_host_section_pages_render(visitor):
    response = visitor.get("/ueber-uns/netzwerk/b52/")
    assert response.status_code == 200
    assert "Förderpreis" in text_of(parse(response).select_one("main.rt-main"))


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_page_type_renders_inside_the_host_chrome(visitor, paths, page_type):
    response = visitor.get(paths[page_type])
    assert response.status_code == 200
    document = parse(response)
    assert document.select_one(".rt-header .rt-logo").get_text() == "Musterland Health Network"
    assert "Über uns" in text_of(document.select_one("nav.rt-nav"))
    assert document.select_one("footer.rt-footer") is not None
    assert document.select_one(".rt-layout > aside.rt-aside") is not None
    container = package_container(document)
    assert container.find_parent("main", class_="rt-main") is not None
    assert container.find_parent("div", class_="rt-layout") is not None


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_the_breadcrumbs_show_the_host_sections(visitor, paths, page_type):
    crumbs = parse(visitor.get(paths[page_type])).select(".rt-breadcrumbs li")
    titles = [crumb.get_text(strip=True) for crumb in crumbs]
    assert titles[1:4] == [title for title, _slug in SECTIONS]  # after the home page


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_page_type_speaks_german_inside_the_container(visitor, paths, page_type):
    container = package_container(parse(visitor.get(paths[page_type])))
    assert container["lang"] == "de"
    assert missing_labels(container, GERMAN_LABELS[page_type]) == [], paths[page_type]


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_the_stylesheet_goes_into_extra_css_after_the_theme(visitor, paths, page_type):
    document = parse(visitor.get(paths[page_type]))
    head_styles = document.head.select(f"style, {STYLESHEET}")
    assert [tag.name for tag in head_styles] == ["style", "link"]  # theme, then package
    assert document.body.select(STYLESHEET) == []


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_the_canonical_link_is_in_the_head_with_the_new_path(visitor, paths, page_type):
    canonical = parse(visitor.get(paths[page_type])).head.select('link[rel="canonical"]')
    assert len(canonical) == 1
    assert canonical[0]["href"].endswith(paths[page_type])


@pytest.mark.parametrize("page_type", JSON_LD_TYPES)
def test_structured_data_is_in_the_container_with_the_new_path(visitor, paths, page_type):
    container = package_container(parse(visitor.get(paths[page_type])))
    scripts = container.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert data["@context"] == "https://schema.org"
    if "url" in data:
        assert data["url"].endswith(paths[page_type])


def test_deadlines_are_shown_in_berlin_time(visitor, paths):
    from b52_wagtail.awards.models import AwardCallPage

    call = AwardCallPage.objects.get(url_path__endswith=paths["AwardCallPage"])
    text = text_of(package_container(parse(visitor.get(paths["AwardCallPage"]))))
    assert f"Bewerbungsschluss: {german_datetime(call.deadline)}" in text


def test_the_open_call_invites_to_apply(visitor, paths):
    container = package_container(parse(visitor.get(paths["AwardCallPage"])))
    assert missing_labels(container, OPEN_CALL_LABELS) == []


def test_a_valid_application_gets_its_receipt_number(visitor, paths):
    response, _submission = apply_successfully(visitor, paths["ApplicationFormPage"])
    assert parse(response).select_one("main.rt-main .b52-receipt") is not None


def test_check_finds_nothing_to_say_about_the_base_template():
    warnings = io.StringIO()
    call_command("check", fail_level="ERROR", stdout=io.StringIO(), stderr=warnings)
    assert "b52_wagtail." not in warnings.getvalue()
