"""The demo site in a real browser, checked with axe-core (WCAG 2.1 A/AA)."""

import pytest

# Paths of the demo site every later feature adds to: each is loaded, must
# answer 200 and must have no axe-core violations.
DEMO_PAGES = [
    "/",
    "/presse/",
]


@pytest.mark.parametrize("path", DEMO_PAGES)
def test_demo_page_is_accessible(page, demo_server, assert_accessible, path):
    response = page.goto(demo_server + path)
    assert response.status == 200
    assert page.locator("main").count() == 1
    assert_accessible(page)


def test_home_page_shows_the_cooperation(page, demo_server):
    page.goto(demo_server + "/")
    assert "B 52-Verbändekooperation" in page.title()
    assert (
        page.get_by_role("link", name="Skip to content").count()
        + page.get_by_role("link", name="Zum Inhalt springen").count()
        == 1
    )


def test_skip_link_moves_focus_to_main(page, demo_server):
    page.goto(demo_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
