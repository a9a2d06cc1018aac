"""The example site's own design (KERN UX look, header, navigation,
breadcrumbs, footer, home page) at desktop and phone width, checked with
axe-core; and the screenshots of the README (docs/screenshots/), taken here
so that they stay current."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import axe_violations, open_page

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
WIDTHS = {"desktop": 1280, "mobile": 390}
FOOTER_PAGES = ["Impressum", "Datenschutz", "Erklärung zur Barrierefreiheit"]


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def sized_page(request, browser):
    """A German visitor in Berlin with a desktop or a phone viewport."""
    width = WIDTHS[request.param]
    with open_page(
        browser,
        locale="de-DE",
        timezone_id="Europe/Berlin",
        viewport={"width": width, "height": 900},
        # KERN scrolls smoothly unless the visitor asks for less motion.
        reduced_motion="reduce",
    ) as page:
        yield page


@pytest.fixture(scope="module")
def site_paths(browser, demo_server, demo_paths):
    """Paths of the pages the tests visit: the home page, a release, the
    call the home page shows as open and its application form (both read
    from the home page's call block), a footer page."""
    with open_page(browser, locale="de-DE", timezone_id="Europe/Berlin") as page:
        page.goto(demo_server + "/")
        call = page.locator(".site-call__title a").get_attribute("href")
        form = page.get_by_role("link", name="Jetzt online bewerben").get_attribute("href")
        impressum = page.locator(".site-footer").get_by_role("link", name="Impressum")
        impressum = impressum.get_attribute("href")
    return {
        "home": "/",
        "release": demo_paths["PressReleasePage"],
        "call": urlsplit(call).path,
        "form": urlsplit(form).path,
        "impressum": urlsplit(impressum).path,
    }


def horizontal_overflow(page):
    """How many CSS pixels the document is wider than the viewport."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("name", ["home", "release", "call", "form", "impressum"])
def test_page_fits_the_viewport_and_passes_axe(
    sized_page, demo_server, site_paths, assert_accessible, name
):
    response = sized_page.goto(demo_server + site_paths[name])
    assert response.status == 200
    assert horizontal_overflow(sized_page) <= 0
    assert sized_page.locator("h1").count() == 1
    assert sized_page.locator("html").get_attribute("lang") == "de"
    assert_accessible(sized_page)


def test_every_package_page_type_wears_the_frame(sized_page, demo_server, demo_paths):
    """The package's pages inside the example site's frame: they fit the
    viewport, have breadcrumbs, one h1 and pass axe-core."""
    for page_type, path in demo_paths.items():
        response = sized_page.goto(demo_server + path)
        assert response.status == 200, path
        assert horizontal_overflow(sized_page) <= 0, path
        assert sized_page.locator("h1").count() == 1, path
        assert sized_page.locator(".site-breadcrumbs [aria-current=page]").count() == 1, path
        violations = axe_violations(sized_page)
        assert violations == [], f"{page_type} {path}: {violations}"


def test_home_shows_the_current_call_and_three_releases(page, demo_server, site_paths):
    page.goto(demo_server + "/")
    call = page.locator(".site-call")
    assert call.locator(".site-call__title a").is_visible()
    # The deadline in Berlin time, German: "1. Januar 2027, 23:59 Uhr".
    deadline = call.locator("dd time").last.inner_text()
    assert re.fullmatch(r"\d{1,2}\. \w+ \d{4}, \d{2}:\d{2} Uhr", deadline), deadline
    assert call.get_by_role("link", name="Jetzt online bewerben").is_visible()
    assert page.locator(".site-releases > li").count() == 3
    assert page.locator(".site-fields__item").count() >= 1
    assert page.locator(".site-winners__district").count() >= 1


def test_home_links_to_at_least_twenty_internal_pages(page, demo_server):
    page.goto(demo_server + "/")
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    internal = {
        urlsplit(href).path
        for href in hrefs
        if urlsplit(href).netloc == urlsplit(demo_server).netloc and "#" not in href
    }
    assert len(internal) >= 20, sorted(internal)
    for path in sorted(internal):
        response = page.request.get(demo_server + path)
        assert response.status == 200, path


def test_navigation_breadcrumbs_and_footer(page, demo_server, site_paths):
    page.goto(demo_server + "/")
    navigation = page.get_by_role("navigation", name="Hauptnavigation")
    assert navigation.get_by_role("link").count() >= 3
    assert page.get_by_role("navigation", name="Brotkrumennavigation").count() == 0

    page.goto(demo_server + site_paths["release"])
    section = navigation.locator('a[aria-current="true"]')
    assert section.count() == 1
    assert site_paths["release"].startswith(urlsplit(section.get_attribute("href")).path)
    crumbs = page.get_by_role("navigation", name="Brotkrumennavigation")
    assert crumbs.get_by_role("link").first.inner_text() == "Startseite"
    assert crumbs.locator('[aria-current="page"]').inner_text() == page.locator("h1").inner_text()

    footer = page.get_by_role("contentinfo")
    for name in FOOTER_PAGES:
        link = footer.get_by_role("link", name=name, exact=True)
        assert page.request.get(demo_server + link.get_attribute("href")).status == 200
    assert "Kornwestheim" in footer.inner_text()
    assert footer.locator('a[href^="mailto:"]').count() >= 1


def test_the_consent_box_links_the_privacy_notice(page, demo_server, site_paths):
    page.goto(demo_server + site_paths["form"])
    privacy = page.locator("form.b52-application__form").get_by_role("link", name="Datenschutz")
    assert privacy.count() >= 1
    assert urlsplit(privacy.first.get_attribute("href")).path == "/datenschutz/"


def test_word_mark_has_an_accessible_name(page, demo_server):
    page.goto(demo_server + "/")
    brand = page.locator("header a.site-brand")
    assert brand.locator('svg[role="img"][aria-label="B 52"]').count() == 1
    assert brand.get_attribute("href") == "/"


def test_mobile_menu_opens_without_javascript(browser, demo_server, site_paths):
    with open_page(
        browser, locale="de-DE", viewport={"width": 390, "height": 800}, java_script_enabled=False
    ) as page:
        page.goto(demo_server + site_paths["release"])
        assert not page.locator(".site-nav--wide").is_visible()
        menu_link = page.locator(".site-nav--narrow a").first
        assert not menu_link.is_visible()
        page.locator(".site-menu__toggle").click()
        assert menu_link.is_visible()
        assert page.locator('.site-nav--narrow a[aria-current="true"]').is_visible()
        assert horizontal_overflow(page) <= 0


def focus_ring(page):
    """The focused element's outline width in px and whether it is inside
    the viewport."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const box = element.getBoundingClientRect();
            return {
                href: element.getAttribute('href'),
                outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
                visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
            };
        }"""
    )


def test_keyboard_focus_is_visible(sized_page, demo_server):
    sized_page.goto(demo_server + "/")
    sized_page.keyboard.press("Tab")
    ring = focus_ring(sized_page)
    assert ring["href"] == "#main" and ring["visible"] and ring["outline"] >= 2
    # The word mark, then the menu (wide) or its toggle (narrow), then on.
    for _ in range(6):
        sized_page.keyboard.press("Tab")
        ring = focus_ring(sized_page)
        assert ring["visible"] and ring["outline"] >= 2, ring


def screenshot(page, name, **options):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Web fonts in place before the picture is taken.
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled", **options)


def test_screenshots_for_the_readme(browser, demo_server, site_paths):
    """docs/screenshots/*.png: the home page (desktop and phone), a release,
    a call and the application form's error state after an empty submit."""
    desktop = {"width": 1280, "height": 900}
    with open_page(browser, locale="de-DE", timezone_id="Europe/Berlin", viewport=desktop) as page:
        page.goto(demo_server + "/")
        screenshot(page, "home-desktop", full_page=True)
        page.goto(demo_server + site_paths["release"])
        screenshot(page, "release", full_page=True)
        page.goto(demo_server + site_paths["call"])
        screenshot(page, "call", full_page=True)
        page.goto(demo_server + site_paths["form"])
        # As a person would: the form refuses submissions faster than that.
        page.wait_for_timeout(3500)
        page.locator("form.b52-application__form [type=submit]").click()
        page.wait_for_load_state()
        summary = page.locator(".b52-error-summary")
        assert summary.is_visible()
        summary.scroll_into_view_if_needed()
        screenshot(page, "form-errors")
    with open_page(
        browser, locale="de-DE", timezone_id="Europe/Berlin", viewport={"width": 390, "height": 844}
    ) as page:
        page.goto(demo_server + "/")
        screenshot(page, "home-mobile", full_page=True)
    for name in ("home-desktop", "home-mobile", "release", "call", "form-errors"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000, name
