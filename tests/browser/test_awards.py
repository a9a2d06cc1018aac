"""Award pages of the demo site in a real browser, checked with axe-core."""

import datetime

import pytest

YEAR = datetime.date.today().year

AWARD_PAGES = [
    "/foerderpreis/",
    f"/foerderpreis/ausschreibung-{YEAR}/",
    "/foerderpreis/ausschreibung-2022/",
    "/foerderpreis/ausschreibung-2017/",
    "/foerderpreis/preistraeger/",
    "/foerderpreis/preistraeger/?year=2017",
    "/foerderpreis/preistraeger/?year=2017&district=08117",
    "/foerderpreis/preistraeger/preistraeger-2017/",
    "/foerderpreis/preistraeger/preistraeger-2024/",
]


@pytest.mark.parametrize("path", AWARD_PAGES)
def test_award_page_is_accessible(page, demo_server, assert_accessible, path):
    response = page.goto(demo_server + path)
    assert response.status == 200
    assert page.locator("main").count() == 1
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_current_call_is_open_with_badge_and_deadline(page, demo_server):
    page.goto(f"{demo_server}/foerderpreis/ausschreibung-{YEAR}/")
    badge = page.locator(".b52-call-status")
    assert badge.locator(".b52-badge--open").count() == 1
    text = badge.inner_text()
    assert "Bewerbung möglich" in text
    assert "noch 30 Tage" in text
    assert "23:59 Uhr" in text
    assert "5.200 € je Preisträger" in page.locator(".b52-call-facts").inner_text()


def test_past_call_is_closed(page, demo_server):
    page.goto(f"{demo_server}/foerderpreis/ausschreibung-2025/")
    text = page.locator(".b52-call-status").inner_text()
    assert "Bewerbungsfrist abgelaufen" in text
    assert "28. November 2025, 23:59 Uhr" in text


def test_archive_filter_works_without_javascript(browser, demo_server, assert_accessible):
    context = browser.new_context(
        locale="de-DE", timezone_id="Europe/Berlin", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(demo_server + "/foerderpreis/preistraeger/")
    main = page.inner_text("main")
    assert "Seit 2013 wurden bis Juli 2022 36 Kommunen" in main
    assert "Auswahl" in main
    page.select_option("#b52-archive-district", label="Landkreis Göppingen")
    page.click("button[type=submit]")
    assert "district=08117" in page.url
    main = page.inner_text("main")
    assert "1 Preisträger angezeigt." in main
    assert "Gesund altern in Salach" in main
    assert "Mehrgenerationen-Garten" not in main
    context.close()


def test_unknown_archive_filter_is_404(page, demo_server):
    response = page.goto(demo_server + "/foerderpreis/preistraeger/?year=1999")
    assert response.status == 404
    response = page.goto(demo_server + "/foerderpreis/preistraeger/?district=%3Cscript%3E")
    assert response.status == 404


def test_new_edition_action_in_the_admin(admin_page, demo_server):
    admin_page.goto(demo_server + "/admin/pages/")
    call_id = admin_page.evaluate(
        f"fetch('/b52/api/v2/pages/?type=b52_awards.AwardCallPage&slug=ausschreibung-{YEAR}')"
        ".then(r => r.json()).then(d => d.items[0].id)"
    )
    admin_page.goto(f"{demo_server}/admin/pages/{call_id}/edit/")
    admin_page.locator("header").get_by_role("button", name="Aktionen").first.click()
    admin_page.get_by_role("link", name="Neue Ausgabe").click()
    admin_page.wait_for_url(f"{demo_server}/admin/b52-awards/new-edition/{call_id}/")
    # only the confirmation (GET): the shared demo database stays as it is
    assert admin_page.get_by_role("button", name=f"Ausschreibung {YEAR + 1} anlegen").count() == 1
