"""The script embed (b52_wagtail/static/b52_wagtail/embed.js) on a partner's
plain HTML page at ``http://localhost:…``, rendering the form from the JSON
form API of the b52 site at ``http://127.0.0.1:…`` (another site, not only
another origin): German labels from the API, a keyboard-only applicant,
the error summary linked to its fields, upload progress, the receipt, a
resend after a lost answer, and axe-core in every state."""

import datetime
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.applications.utils import pdf_bytes

from .conftest import axe_violations
from .keyboard import (
    active_element,
    choose_file_with_keyboard,
    choose_option,
    tab_to,
    tab_to_link,
    type_into,
)

SECTION = "#b52-script-embed"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "embed-script.png"
# The form treats a POST sooner than B52_APPLICATION_MIN_SECONDS (3) after
# the token was issued as spam; a person typing takes longer, the test waits.
MIN_SECONDS_MS = 3500

# Records what the embed shows while it sends: whether the progress bar
# appeared, its highest value, and what the polite live region said.
RECORD_PROGRESS = """(section) => {
    const record = {shown: false, max: 0, said: []};
    window.b52Progress = record;
    const progress = section.querySelector('.b52-embed__progress');
    const live = section.querySelector('.b52-embed__live');
    new MutationObserver(() => {
        if (!progress.hidden) record.shown = true;
        record.max = Math.max(record.max, progress.querySelector('progress').value);
        const said = live.textContent;
        if (said && !record.said.includes(said)) record.said.push(said);
    }).observe(section, {subtree: true, attributes: true, childList: true, characterData: true});
}"""


@pytest.fixture
def pdf_path(tmp_path):
    path = tmp_path / "Bewerbungsbogen Salach.pdf"
    path.write_bytes(pdf_bytes(pages=3))
    return path


def open_embed(page, url):
    """The partner page with the script embed rendered; the id prefix of
    the embed's elements (``b52-1-``)."""
    response = page.goto(url)
    assert response.status == 200
    form = page.locator(f"{SECTION} form.b52-embed__form")
    form.wait_for()
    title_id = page.locator(f"{SECTION} .b52-embed__title").get_attribute("id")
    return title_id.removesuffix("title")


def assert_section_accessible(page, state):
    violations = axe_violations(page, include=SECTION)
    assert violations == [], f"axe-core, script embed, {state}: {violations}"


def test_the_script_embed_shows_the_apis_german_form(page, partner_url):
    prefix = open_embed(page, partner_url)
    section = page.locator(SECTION)
    # The partner page and the API are on different sites (host names).
    api_url = section.locator("script[data-b52-form]").get_attribute("data-b52-form")
    assert urlsplit(page.url).hostname == "localhost"
    assert urlsplit(api_url).hostname == "127.0.0.1"
    assert section.locator(".b52-embed").get_attribute("lang") == "de"
    assert (
        section.locator(".b52-embed__title")
        .inner_text()
        .startswith("Bewerbung um den B 52-Förderpreis")
    )
    # Real labels for the fields, the German texts of the API.
    for field, label in [
        ("applicant_type", "Wer bewirbt sich?"),
        ("applicant_name", "Kommune oder Arbeitsgemeinschaft"),
        ("email", "E-Mail"),
        ("attachments", "Anhänge"),
    ]:
        assert page.get_by_label(label, exact=False).first.get_attribute("id") == prefix + field
    assert "Mit * gekennzeichnete Felder sind Pflichtfelder." in section.inner_text()
    help_id = page.locator(f"#{prefix}email").get_attribute("aria-describedby")
    assert page.locator(f"#{help_id}").inner_text() == (
        "An diese Adresse senden wir die Eingangsbestätigung."
    )
    # The honeypot: hidden by markup alone, not focusable, not exposed.
    trap = section.locator(".b52-embed__hp")
    assert trap.get_attribute("hidden") is not None
    assert trap.get_attribute("aria-hidden") == "true"
    assert "display:none!important" in trap.get_attribute("style").replace(" ", "")
    assert trap.locator("input").get_attribute("tabindex") == "-1"
    assert not trap.is_visible()
    assert_section_accessible(page, "empty form")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 900, "height": 1200})
    section.screenshot(path=str(SCREENSHOT))
    # Reflow at 320 px (WCAG 1.4.10): the embed never scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    widths = section.locator(".b52-embed").evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert widths[0] <= widths[1], f"the embed is {widths[0]} px wide in {widths[1]} px"


def test_a_keyboard_only_applicant_applies_through_the_script_embed(page, partner_url, pdf_path):
    prefix = open_embed(page, partner_url)
    section = page.locator(SECTION)
    page.wait_for_timeout(MIN_SECONDS_MS)

    # First attempt: a name, a wrong e-mail address, nothing else.
    # From the top of the partner page, past the iframe embeds, by Tab.
    page.locator("body").focus()
    tab_to(page, prefix + "applicant_type", limit=400)
    type_into(page, prefix + "applicant_name", "Gemeinde Salach")
    type_into(page, prefix + "email", "anna.muster@")
    tab_to(page, prefix + "submit")
    page.keyboard.press("Enter")

    # The error summary has the focus, in the server's German words, and
    # links to each field; each field is described by its error.
    summary = section.locator(".b52-embed__summary")
    summary.wait_for()
    assert active_element(page)["id"] == prefix + "summary"
    assert summary.get_attribute("role") == "alert"
    text = summary.inner_text()
    assert "Ihre Bewerbung wurde noch nicht gesendet. Bitte prüfen Sie diese Angaben:" in text
    assert "Projekttitel: Bitte füllen Sie dieses Feld aus." in text
    assert "E-Mail: Bitte geben Sie eine gültige E-Mail-Adresse ein" in text
    assert "Anhänge: Bitte fügen Sie Ihre Bewerbungsunterlagen bei." in text
    assert "Bitte stimmen Sie der Datenschutzerklärung zu." in text
    for field in ("project_title", "email", "attachments", "consent"):
        field_id = prefix + field
        assert summary.locator(f'a[href="#{field_id}"]').count() == 1
        field_input = page.locator(f"#{field_id}")
        assert f"{field_id}_error" in field_input.get_attribute("aria-describedby")
        assert field_input.get_attribute("aria-invalid") == "true"
    assert "Fehler:" in page.locator(f"#{prefix}email_error").inner_text()
    # What was typed is still there.
    assert page.locator(f"#{prefix}applicant_name").input_value() == "Gemeinde Salach"
    assert_section_accessible(page, "errors")

    # Follow the summary link to the e-mail field and fix it.
    tab_to_link(page, f"#{prefix}email")
    page.keyboard.press("Enter")
    assert active_element(page)["id"] == prefix + "email"
    page.keyboard.press("Control+A")
    page.keyboard.type("anna.muster@salach.example")

    choose_option(page, prefix + "applicant_type", "Gemeinde")
    choose_option(page, prefix + "district", "Landkreis Göppingen")
    type_into(page, prefix + "project_title", "Gesund altern in Salach")
    type_into(page, prefix + "summary", "Ein Netzwerk für gesundes Altern im Ort.")
    type_into(page, prefix + "contact_name", "Anna Muster")
    type_into(page, prefix + "phone", "07162 / 123-45")
    choose_file_with_keyboard(page, pdf_path, prefix + "attachments")
    tab_to(page, prefix + "consent")
    page.keyboard.press("Space")
    assert page.locator(f"#{prefix}consent").is_checked()
    section.evaluate(RECORD_PROGRESS)
    tab_to(page, prefix + "submit")
    # The focus is visible: the embed's ring, unless the partner styles one.
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, outline
    page.keyboard.press("Enter")

    # The receipt replaces the form; its heading has the focus.
    heading = section.locator(".b52-embed__receipt-title")
    heading.wait_for()
    assert heading.inner_text() == "Vielen Dank für Ihre Bewerbung"
    assert active_element(page)["id"] == prefix + "receipt-title"
    receipt = section.locator(".b52-embed__receipt-number").inner_text()
    assert re.fullmatch(rf"B52-{datetime.date.today().year}-\d{{4}}", receipt)
    received = section.inner_text()
    assert "Ihre Eingangsnummer" in received
    assert "Eine Bestätigung mit dieser Nummer geht an anna.muster@salach.example." in received
    # The upload showed its progress and said so politely.
    progress = page.evaluate("window.b52Progress")
    assert progress["shown"]
    assert progress["max"] == 100
    assert "Wird gesendet …" in progress["said"]
    assert section.locator(".b52-embed__form").count() == 0
    assert_section_accessible(page, "receipt")


def test_a_lost_answer_is_sent_again_safely(page, partner_url, pdf_path):
    """The application arrives but the answer is lost on the way back: the
    embed says nothing may have arrived and that sending again is safe;
    sending again (same token) gives the receipt, and only one is stored."""
    prefix = open_embed(page, partner_url)
    section = page.locator(SECTION)
    page.select_option(f"#{prefix}applicant_type", "gemeinde")
    page.fill(f"#{prefix}applicant_name", "Gemeinde Bad Boll")
    page.select_option(f"#{prefix}district", label="Landkreis Göppingen")
    page.fill(f"#{prefix}project_title", "Bewegte Gemeinde")
    page.fill(f"#{prefix}summary", "Bewegung für alle Generationen.")
    page.fill(f"#{prefix}contact_name", "Ben Beispiel")
    page.fill(f"#{prefix}email", "ben@bad-boll.example")
    page.fill(f"#{prefix}phone", "07164 / 8080")
    page.set_input_files(f"#{prefix}attachments", str(pdf_path))
    page.check(f"#{prefix}consent")
    token = section.locator('input[name="b52_token"]').input_value()
    fields = section.locator("form").evaluate(
        """form => Object.fromEntries(
            [...new FormData(form)].filter(([, value]) => typeof value === "string"))"""
    )
    partner_origin = re.match(r"https?://[^/]+", partner_url).group(0)
    page.wait_for_timeout(MIN_SECONDS_MS)

    stored = []

    def deliver_then_drop(route):
        """The same application reaches the server (sent here as the browser
        would: multipart, the partner's Origin, the same token), but the
        browser's connection breaks before the answer arrives."""
        if route.request.method != "POST":
            route.continue_()
            return
        attachment = {
            "name": pdf_path.name,
            "mimeType": "application/pdf",
            "buffer": pdf_path.read_bytes(),
        }
        response = page.request.post(
            route.request.url,
            multipart={**fields, "attachments": attachment},
            headers={"Origin": partner_origin, "Accept": "application/json"},
        )
        stored.append(response.json())
        route.abort("connectionreset")

    api_pattern = re.compile(r"/b52/api/forms/\d+/")
    page.route(api_pattern, deliver_then_drop)
    page.get_by_role("button", name="Bewerbung absenden").click()
    summary = section.locator(".b52-embed__summary")
    summary.wait_for()
    assert stored and stored[0]["stored"] is True
    assert active_element(page)["id"] == prefix + "summary"
    text = summary.inner_text()
    assert "Möglicherweise ist Ihre Bewerbung nicht angekommen" in text
    assert "nicht doppelt gespeichert" in text
    # Entries, files and the token are kept for the resend.
    assert page.locator(f"#{prefix}project_title").input_value() == "Bewegte Gemeinde"
    assert page.locator(f"#{prefix}attachments").evaluate("input => input.files.length") == 1
    assert section.locator('input[name="b52_token"]').input_value() == token
    assert_section_accessible(page, "network failure")

    page.unroute(api_pattern)
    page.get_by_role("button", name="Bewerbung absenden").click()
    section.locator(".b52-embed__receipt-number").wait_for()
    assert section.locator(".b52-embed__receipt-number").inner_text() == stored[0]["receipt_number"]


def test_a_rate_limited_applicant_reads_the_servers_message(page, partner_url):
    """A 429 answer: the server's own German message and, from Retry-After,
    how long to wait; the entries stay in the form."""
    prefix = open_embed(page, partner_url)
    section = page.locator(SECTION)
    partner_origin = re.match(r"https?://[^/]+", partner_url).group(0)
    message = (
        "Dieses Formular wurde von Ihrem Anschluss aus in kurzer Zeit zu oft gesendet. "
        "Bitte warten Sie eine Minute und senden Sie es dann erneut."
    )

    def rate_limited(route):
        if route.request.method != "POST":
            route.continue_()
            return
        route.fulfill(
            status=429,
            json={"stored": False, "errors": {}, "non_field_errors": [message]},
            headers={
                "Access-Control-Allow-Origin": partner_origin,
                "Access-Control-Expose-Headers": "Retry-After",
                "Retry-After": "60",
            },
        )

    page.route(re.compile(r"/b52/api/forms/\d+/"), rate_limited)
    page.fill(f"#{prefix}project_title", "Gesund altern")
    page.get_by_role("button", name="Bewerbung absenden").click()
    summary = section.locator(".b52-embed__summary")
    summary.wait_for()
    assert active_element(page)["id"] == prefix + "summary"
    text = summary.inner_text()
    assert "Ihre Bewerbung ist nicht angekommen" in text
    assert message in text
    assert "Bitte warten Sie 60 Sekunden" in text
    assert page.locator(f"#{prefix}project_title").input_value() == "Gesund altern"


def test_texts_from_the_api_are_shown_as_text_never_as_markup(page, partner_url):
    """Whatever an editor typed arrives as text: markup in the title, a
    label, a help text or a choice is shown literally, and the intro's
    rich text keeps only harmless elements (no script, no image, no
    javascript: link)."""
    hostile = '<img src=x onerror="window.b52Pwned=1">'

    def edited(route):
        if route.request.method != "GET":
            route.continue_()
            return
        response = route.fetch()
        form = response.json()
        form["title"] = f"Schulen & Vereine {hostile}"
        form["intro"] = (
            f"<p>Bitte <b>vollständig</b> ausfüllen.</p>{hostile}<script>window.b52Pwned=2</script>"
            '<p><a href="javascript:window.b52Pwned=3">Hinweise</a>'
            ' und <a href="https://www.example.org/faq">FAQ</a></p>'
        )
        form["fields"][0]["label"] = f"Wer bewirbt sich? {hostile}"
        form["fields"][0]["choices"][0]["label"] = "Gemeinde <em>&amp;</em> Partner"
        form["fields"][1]["help_text"] = "Name & Ort, <i>keine</i> Abkürzungen"
        route.fulfill(response=response, json=form)

    page.route(re.compile(r"/b52/api/forms/\d+/"), edited)
    prefix = open_embed(page, partner_url)
    section = page.locator(SECTION)
    page.wait_for_timeout(500)
    assert page.evaluate("window.b52Pwned") is None
    assert section.locator("img, script:not([data-b52-form]), i, em").count() == 0
    assert section.locator(".b52-embed__title").inner_text() == f"Schulen & Vereine {hostile}"
    assert (
        page.locator(f"label[for='{prefix}applicant_type']")
        .inner_text()
        .startswith(f"Wer bewirbt sich? {hostile}")
    )
    assert page.locator(f"#{prefix}applicant_type option").nth(1).inner_text() == (
        "Gemeinde <em>&amp;</em> Partner"
    )
    assert page.locator(f"#{prefix}applicant_name_help").inner_text() == (
        "Name & Ort, <i>keine</i> Abkürzungen"
    )
    intro = section.locator(".b52-embed__intro")
    assert intro.locator("b").inner_text() == "vollständig"
    assert intro.locator("a").count() == 1
    assert intro.locator("a").get_attribute("href") == "https://www.example.org/faq"
    assert "Hinweise und FAQ" in intro.inner_text()


def test_the_custom_element_renders_the_same_form(page, partner_url):
    """``<b52-application-form src>``: the same form, with ids of its own
    next to the script embed on one page."""
    prefix = open_embed(page, partner_url)
    api_url = page.locator(f"{SECTION} script[data-b52-form]").get_attribute("data-b52-form")
    page.evaluate(
        """(src) => {
            const element = document.createElement('b52-application-form');
            element.setAttribute('src', src);
            element.setAttribute('heading-level', '3');
            document.querySelector('#b52-script-embed').append(element);
        }""",
        api_url,
    )
    element = page.locator("b52-application-form")
    element.locator("form.b52-embed__form").wait_for()
    other = element.locator(".b52-embed__title").get_attribute("id").removesuffix("title")
    assert other != prefix
    assert element.get_by_label("Projekttitel").get_attribute("id") == other + "project_title"
    assert element.get_by_role("button", name="Bewerbung absenden").count() == 1
    assert_section_accessible(page, "two forms")


def test_radio_buttons_and_checkboxes_are_grouped_in_a_fieldset(page, partner_url):
    """Fields editors add as radio buttons or several checkboxes: a
    fieldset whose legend is the label, described by the help text."""

    def with_groups(route):
        if route.request.method != "GET":
            route.continue_()
            return
        response = route.fetch()
        form = response.json()
        common = {"max_length": None, "required": True}
        form["fields"][-2:-2] = [
            {
                **common,
                "name": "format",
                "label": "Format des Projekts",
                "type": "radio",
                "widget": "radioselect",
                "help_text": "Bitte eines wählen.",
                "multiple": False,
                "choices": [{"value": "a", "label": "Kurs"}, {"value": "b", "label": "Netzwerk"}],
            },
            {
                **common,
                "name": "zielgruppen",
                "label": "Zielgruppen",
                "type": "checkbox",
                "widget": "checkboxselectmultiple",
                "help_text": None,
                "multiple": True,
                "choices": [{"value": "k", "label": "Kinder"}, {"value": "s", "label": "Senioren"}],
            },
        ]
        route.fulfill(response=response, json=form)

    page.route(re.compile(r"/b52/api/forms/\d+/"), with_groups)
    prefix = open_embed(page, partner_url)
    section = page.locator(SECTION)
    radios = section.get_by_role("group", name="Format des Projekts")
    assert radios.evaluate("e => e.tagName") == "FIELDSET"
    assert radios.get_attribute("aria-describedby") == f"{prefix}format_help"
    assert radios.get_by_role("radio", name="Kurs").get_attribute("name") == "format"
    assert radios.get_by_role("radio", name="Netzwerk").count() == 1
    boxes = section.get_by_role("group", name="Zielgruppen")
    assert boxes.get_by_role("checkbox", name="Senioren").get_attribute("value") == "s"
    assert_section_accessible(page, "choice groups")


def test_a_closed_call_shows_its_message_and_no_form(page, partner_url):
    message = "Der Bewerbungszeitraum endete am 1. Januar 2027, 23:59 Uhr."

    def closed(route):
        response = route.fetch()
        form = response.json()
        form.update(accepts_applications=False, closed_message=message)
        route.fulfill(response=response, json=form)

    page.route(re.compile(r"/b52/api/forms/\d+/"), closed)
    page.goto(partner_url)
    notice = page.locator(f"{SECTION} .b52-embed__closed")
    notice.wait_for()
    assert notice.get_attribute("role") == "status"
    assert notice.inner_text() == message
    assert page.locator(f"{SECTION} form").count() == 0
    assert_section_accessible(page, "closed")


def test_an_answer_that_is_not_the_servers_says_resending_is_safe(page, partner_url):
    """A proxy's 502 page instead of the server's JSON: whether the
    application arrived is unknown, so the embed says it may not have and
    that sending again is safe."""
    prefix = open_embed(page, partner_url)
    section = page.locator(SECTION)
    partner_origin = re.match(r"https?://[^/]+", partner_url).group(0)

    def bad_gateway(route):
        if route.request.method != "POST":
            route.continue_()
            return
        route.fulfill(
            status=502,
            content_type="text/html",
            body="<html><body><h1>502 Bad Gateway</h1></body></html>",
            headers={"Access-Control-Allow-Origin": partner_origin},
        )

    page.route(re.compile(r"/b52/api/forms/\d+/"), bad_gateway)
    page.fill(f"#{prefix}project_title", "Gesund altern")
    page.get_by_role("button", name="Bewerbung absenden").click()
    summary = section.locator(".b52-embed__summary")
    summary.wait_for()
    assert active_element(page)["id"] == prefix + "summary"
    text = summary.inner_text()
    assert "Ihre Bewerbung ist möglicherweise nicht angekommen" in text
    assert "Ihre Angaben und Dateien sind noch im Formular" in text
    assert "nicht doppelt gespeichert" in text
    assert "Bad Gateway" not in text
