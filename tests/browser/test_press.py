"""Press pages of the demo site in a real browser, checked with axe-core."""

import re

import pytest

SEED = "/presse/fuenfter-jobcenter-uebergreifender-austausch/"


@pytest.mark.parametrize(
    "path",
    [
        "/presse/",
        "/presse/?year=2025",
        "/presse/?programme=teamwork-gesundheit-arbeit&district=08426",
        "/presse/?page=2",
        "/presse/2024/",
        SEED,
        "/presse/?q=Zwetschgenkuchen",
        "/presse/?programme=xyz&page=abc",
    ],
)
def test_press_pages_are_accessible(page, demo_server, assert_accessible, path):
    response = page.goto(demo_server + path)
    assert response.status == 200
    assert page.locator("main").count() == 1
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_filtering_without_javascript_keeps_filters_across_pages(browser, demo_server):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(demo_server + "/presse/")
    page.select_option("#b52-press-filter-programme", "teamwork-gesundheit-arbeit")
    page.click("button[type=submit]")
    assert "programme=teamwork-gesundheit-arbeit" in page.url
    titles = page.locator(".b52-card__title").all_inner_texts()
    assert titles and "Fünfter Jobcenter übergreifender Austausch" in titles
    context.close()


def test_empty_search_result_is_announced(page, demo_server, assert_accessible):
    page.goto(demo_server + "/presse/")
    page.fill("#b52-press-filter-q", "Zwetschgenkuchen")
    page.press("#b52-press-filter-q", "Enter")
    page.wait_for_url(re.compile(r".*q=Zwetschgenkuchen.*"))
    assert page.locator(".b52-press-index__empty").count() == 1
    assert page.locator(".b52-card").count() == 0
    assert_accessible(page)


def test_release_page_has_structured_data_and_its_download(page, demo_server):
    page.goto(demo_server + SEED)
    assert page.locator("h1").inner_text() == "Fünfter Jobcenter übergreifender Austausch"
    data = page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )
    assert data["@type"] == "NewsArticle" and data["datePublished"] == "2025-04-03"
    link = page.get_by_role("link", name="Pressemitteilung vom 3. April 2025 als Download")
    response = page.request.get(demo_server + link.get_attribute("href"))
    assert response.status == 200
    assert response.body().startswith(b"%PDF-")


def test_year_archive_links_and_focus_are_visible(page, demo_server):
    page.goto(demo_server + "/presse/")
    page.get_by_role("link", name="2023", exact=True).click()
    assert page.url.endswith("/presse/2023/")
    assert page.locator("h1").inner_text() == "Pressemitteilungen 2023"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
