"""The applications panel on the admin home and the data rights pages in a
real browser, checked with axe-core."""

import datetime
import re

from tests.applications.utils import pdf_bytes

from .conftest import axe_violations

MIN_SECONDS_MS = 3500
EMAIL = "auskunft.test@beispiel.example"
FORM_TITLE = re.compile("Bewerbung um den B 52-Förderpreis")


def assert_main_accessible(page):
    """axe on the package's content (``main``). Wagtail's own sidebar is
    left out: axe cannot decide the contrast of its highlighted menu item."""
    violations = axe_violations(page, include="main")
    assert violations == [], f"axe-core on {page.url}: {violations}"


def apply(page, demo_server, tmp_path, email=EMAIL):
    """Send an application through the demo form; returns its receipt number.
    The data-rights test finds the person by ``email``: other tests that
    apply through here use addresses of their own."""
    year = datetime.date.today().year
    page.goto(f"{demo_server}/foerderpreis/ausschreibung-{year}/bewerbung/")
    page.wait_for_timeout(MIN_SECONDS_MS)
    page.select_option("#id_applicant_type", label="Gemeinde")
    page.fill("#id_applicant_name", "Gemeinde Auskunftsheim")
    page.select_option("#id_district", label="Landkreis Göppingen")
    page.fill("#id_project_title", "Auskunft im Test")
    page.fill("#id_summary", "Ein Projekt, dessen Daten gelöscht werden.")
    page.fill("#id_contact_name", "Erika Auskunft")
    page.fill("#id_email", email)
    page.fill("#id_phone", "07161 98765")
    file = tmp_path / "Bewerbungsbogen.pdf"
    file.write_bytes(pdf_bytes())
    page.set_input_files("#id_attachments", str(file))
    page.check("#id_consent")
    with page.expect_navigation():
        page.click("#b52-submit")
    return page.locator(".b52-receipt__number").inner_text()


def test_the_dashboard_and_the_data_rights_pages_are_accessible(
    page, admin_page, demo_server, assert_accessible, tmp_path
):
    receipt = apply(page, demo_server, tmp_path)
    assert re.fullmatch(r"B52-\d{4}-\d{4}", receipt)

    # The admin home: the panel, its chart with a text alternative.
    admin_page.goto(demo_server + "/admin/")
    panel = admin_page.locator("#b52-applications-section")
    assert panel.count() == 1
    assert panel.locator("svg[role=img]").count() == 1
    assert_accessible(admin_page)

    # From the application to the person's list.
    admin_page.goto(demo_server + "/admin/b52-applications/")
    with admin_page.expect_navigation():
        admin_page.get_by_role("link", name=FORM_TITLE).first.click()
    with admin_page.expect_navigation():
        admin_page.get_by_role("link", name=receipt).click()
    with admin_page.expect_navigation():
        admin_page.locator('a[href$="/data-rights/"]').click()
    assert admin_page.locator('input[name="applications"]').count() == 1
    assert EMAIL in admin_page.inner_text("main")
    assert_main_accessible(admin_page)

    # Anonymise: the confirmation, then the result on the detail page.
    with admin_page.expect_navigation():
        admin_page.locator("button[formaction$='/data-rights/erase/']").click()
    assert admin_page.url.endswith("/data-rights/erase/")
    assert receipt in admin_page.inner_text("main")
    assert_main_accessible(admin_page)
    with admin_page.expect_navigation():
        admin_page.locator("form button[type=submit].no").click()
    main = admin_page.inner_text("main")
    assert EMAIL not in main
    assert "Erika" not in main
    assert "anonymisiert" in main
    assert admin_page.locator(".b52-anonymised").count() == 1
    # The notice (Wagtail's message fades in, which axe cannot judge; the
    # rest of the detail page belongs to the review workflow).
    assert axe_violations(admin_page, include=".b52-anonymised") == []
