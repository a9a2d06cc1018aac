"""The demo application form in a real browser, keyboard only, checked
with axe-core in the empty, error and success states."""

import datetime
import re

import pytest

from tests.applications.utils import pdf_bytes

from .keyboard import (
    active_element,
    choose_file_with_keyboard,
    choose_option,
    tab_to,
    tab_to_link,
    type_into,
)

# The form treats a POST sooner than B52_APPLICATION_MIN_SECONDS (3) after
# rendering as spam; a person typing takes longer, the test waits.
MIN_SECONDS_MS = 3500


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "Bewerbungsbogen Salach.pdf"
    good.write_bytes(pdf_bytes())
    fake = tmp_path / "bewerbung.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    return {"good": good, "fake": fake}


def form_url(demo_server):
    return f"{demo_server}/foerderpreis/ausschreibung-{datetime.date.today().year}/bewerbung/"


def test_the_call_links_to_the_demo_form(page, demo_server):
    page.goto(f"{demo_server}/foerderpreis/ausschreibung-{datetime.date.today().year}/")
    link = page.get_by_role("link", name="Online bewerben")
    assert link.get_attribute("href").endswith("/bewerbung/")


def test_a_municipality_applies_with_the_keyboard_only(page, demo_server, assert_accessible, files):
    response = page.goto(form_url(demo_server))
    assert response.status == 200
    assert page.locator("h1").inner_text().startswith("Bewerbung um den B 52-Förderpreis")
    assert_accessible(page)  # empty state
    page.wait_for_timeout(MIN_SECONDS_MS)

    # First attempt: some fields, a wrong e-mail address, an HTML file
    # named .pdf, no consent.
    page.locator("body").focus()
    choose_option(page, "id_applicant_type", "Gemeinde")
    type_into(page, "id_applicant_name", "Gemeinde Salach")
    choose_option(page, "id_district", "Landkreis Göppingen")
    type_into(page, "id_email", "anna.muster@")
    choose_file_with_keyboard(page, files["fake"])
    tab_to(page, "b52-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The error summary has the focus and links to each field.
    assert active_element(page)["id"] == "b52-error-summary"
    summary = page.locator("#b52-error-summary")
    assert summary.get_attribute("role") == "alert"
    text = summary.inner_text()
    assert "Ihre Bewerbung wurde noch nicht gesendet" in text
    assert "Projekttitel: Bitte füllen Sie dieses Feld aus." in text
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein" in text
    assert "ist keine gültige PDF-, DOCX-, ODT-, JPEG-, PNG- oder WebP-Datei" in text
    assert "Bitte stimmen Sie der Datenschutzerklärung zu." in text
    for field in ("id_project_title", "id_email", "id_attachments", "id_consent"):
        assert summary.locator(f'a[href="#{field}"]').count() == 1
        described = page.locator(f"#{field}").get_attribute("aria-describedby")
        assert f"{field}_error" in described
    # What was typed is still there.
    assert page.locator("#id_applicant_name").input_value() == "Gemeinde Salach"
    assert page.locator("#id_district option:checked").inner_text() == "Landkreis Göppingen"
    assert_accessible(page)  # error state

    # Follow the summary link to the e-mail field and fix it.
    tab_to_link(page, "#id_email")
    page.keyboard.press("Enter")
    assert active_element(page)["id"] == "id_email"
    page.keyboard.press("Control+A")
    page.keyboard.type("anna.muster@salach.example")

    type_into(page, "id_project_title", "Gesund altern in Salach")
    type_into(page, "id_summary", "Ein Netzwerk für gesundes Altern im Ort.")
    type_into(page, "id_contact_name", "Anna Muster")
    type_into(page, "id_phone", "07162 / 123-45")
    type_into(page, "id_anzahl_der_beteiligten_akteure", "12")
    choose_file_with_keyboard(page, files["good"])
    tab_to(page, "id_consent")
    page.keyboard.press("Space")
    assert page.locator("#id_consent").is_checked()
    tab_to(page, "b52-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("h1").inner_text() == "Vielen Dank für Ihre Bewerbung"
    receipt = page.locator(".b52-receipt__number").inner_text()
    assert re.fullmatch(rf"B52-{datetime.date.today().year}-\d{{4}}", receipt)
    assert "Bewerbungsbogen Salach.pdf" in page.locator(".b52-receipt__details").inner_text()
    assert_accessible(page)  # success state


def test_the_admin_shows_the_application_to_the_demo_admin(admin_page, demo_server):
    admin_page.goto(demo_server + "/admin/b52-applications/")
    link = admin_page.get_by_role("link", name=re.compile("Bewerbung um den B 52-Förderpreis"))
    link.first.click()
    admin_page.wait_for_url(re.compile(r".*/admin/forms/submissions/\d+/$"))
    content = admin_page.content()
    assert "B52-" in content or "sind noch keine Bewerbungen eingegangen" in content
