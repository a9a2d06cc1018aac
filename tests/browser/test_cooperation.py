"""The cooperation pages of the demo site in a real browser, with axe-core."""

import pytest

FIELD = "/kooperation/kommunale-gesundheitskonferenzen/"

PAGES = [
    "/kooperation/",
    FIELD,
    "/kooperation/pflegestuetzpunkte/",
    FIELD + "kreis/",
    FIELD + "kreis/08426/",
    FIELD + "kreis/08437/",  # a district without a lead partner
    "/kooperation/kreis/08111/",
]


@pytest.mark.parametrize("path", PAGES)
def test_cooperation_page_is_accessible(page, demo_server, assert_accessible, path):
    response = page.goto(demo_server + path)
    assert response.status == 200
    assert page.locator("main").count() == 1
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_cooperation_page_shows_members_fields_and_office(page, demo_server):
    page.goto(demo_server + "/kooperation/")
    assert page.locator("h1").inner_text() == "B 52-Verbändekooperation Baden-Württemberg"
    assert page.locator(".b52-members__item").count() == 8
    assert page.locator(".b52-members__logo").count() == 8
    assert page.get_by_role("heading", name="Ersatzkassen").count() == 1
    assert page.locator(".b52-cooperation__fields .b52-card").count() == 3
    assert "Stuttgarter Straße 105" in page.locator(".b52-office").inner_text()


def test_district_form_works_without_javascript(browser, demo_server):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        page.goto(demo_server + FIELD)
        page.get_by_label("Stadt- oder Landkreis").select_option("08435")
        page.get_by_role("button", name="Übersicht anzeigen").click()
        page.wait_for_url(demo_server + FIELD + "kreis/08435/")
        assert page.locator("h1").inner_text() == "Bodenseekreis"
        table = page.locator("table.b52-responsibilities").inner_text()
        assert "teamw()rk für Gesundheit und Arbeit" in table
        assert "Verband der Ersatzkassen" in table
    finally:
        context.close()


def test_responsibility_table_links_to_the_district_overview(page, demo_server):
    page.goto(demo_server + FIELD)
    page.locator("table.b52-responsibilities").get_by_role(
        "link", name="Landkreis Ravensburg"
    ).click()
    page.wait_for_url(demo_server + FIELD + "kreis/08436/")
    assert (
        "Kommunale Gesundheitskonferenz" in page.locator(".b52-district-overview__kgk").inner_text()
    )


@pytest.mark.parametrize(
    "path",
    [FIELD + "kreis/99999/", FIELD + "kreis/abc/", FIELD + "kreis/?district=%3Cscript%3E"],
)
def test_unknown_district_is_not_found(page, demo_server, path):
    response = page.goto(demo_server + path)
    assert response.status == 404
