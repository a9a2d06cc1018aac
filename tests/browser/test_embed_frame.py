"""The iframe embeds on a partner's plain HTML page: the partner page on
``http://localhost:…`` (example_site/partner_demo/index.html), the form and
the press list framed from the b52 site on ``http://127.0.0.1:…`` (another
site, not only another origin, so the frame gets no SameSite=Lax cookie).
The frames follow their content's height (embed-frame.js), a keyboard-only
applicant applies through the frame with a PDF, errors are German and
linked to their fields, axe-core finds nothing in the page and its frames,
and a third origin gets no frame and no CORS."""

import datetime
import re
from pathlib import Path

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

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
FORM_FRAME = "#b52-iframe-form iframe"
PRESS_FRAME = "#b52-iframe-press iframe"
# The form treats a POST sooner than B52_APPLICATION_MIN_SECONDS (3) after
# the token was issued as spam; a person typing takes longer, the test waits.
MIN_SECONDS_MS = 3500


class InFrame:
    """The keyboard helpers of tests/browser/keyboard.py for a form inside a
    frame: the focus is read in the frame, the keys go to the page."""

    def __init__(self, page, frame):
        self.page, self.frame = page, frame
        self.keyboard = page.keyboard
        self.evaluate = frame.evaluate
        self.locator = frame.locator
        self.expect_file_chooser = page.expect_file_chooser


@pytest.fixture
def pdf_path(tmp_path):
    path = tmp_path / "Bewerbungsbogen Salach.pdf"
    path.write_bytes(pdf_bytes(pages=3))
    return path


def frame_of(page, selector):
    """The content frame of the iframe ``selector``, once its form or list
    is there."""
    handle = page.locator(selector).element_handle()
    frame = handle.content_frame()
    frame.wait_for_load_state()
    frame.locator("main").wait_for()
    return frame


def wait_for_fitting_height(page, selector):
    """Wait until the iframe is as tall as its document (±2 px)."""
    page.wait_for_function(
        """(selector) => {
            const frame = document.querySelector(selector);
            const height = frame.getBoundingClientRect().height;
            return frame.style.height && Math.abs(parseFloat(frame.style.height) - height) < 3;
        }""",
        arg=selector,
    )
    frame = frame_of(page, selector)
    content = frame.evaluate("document.documentElement.getBoundingClientRect().height")
    box = page.locator(selector).bounding_box()
    assert abs(box["height"] - content) <= 3, (box["height"], content)
    return box["height"]


def screenshot(page, selector, name):
    """The window with ``selector`` at its top, for docs/embed.md (a
    viewport shot: full-page shots resize the window and so the frames)."""
    page.evaluate("(selector) => document.querySelector(selector).scrollIntoView()", selector)
    page.screenshot(path=str(SCREENSHOTS / name))


def open_partner_page(page, partner_url):
    response = page.goto(partner_url)
    assert response.status == 200
    frame_of(page, FORM_FRAME).locator("form.b52-application__form").wait_for()
    frame_of(page, PRESS_FRAME)


def test_the_partner_page_is_another_site(partner_url, demo_server):
    assert partner_url.startswith("http://localhost:")
    assert demo_server.startswith("http://127.0.0.1:")


def test_the_frames_follow_their_contents_height(page, partner_url):
    open_partner_page(page, partner_url)
    form_height = wait_for_fitting_height(page, FORM_FRAME)
    assert form_height > 800  # the whole form, not the default 150 px
    press_height = wait_for_fitting_height(page, PRESS_FRAME)
    assert press_height > 200
    assert frame_of(page, PRESS_FRAME).locator(".b52-press-card").count() > 0
    screenshot(page, "#b52-iframe-press", "embed-iframe-press.png")
    # No scroll bar inside the frames: the partner page scrolls.
    for selector in (FORM_FRAME, PRESS_FRAME):
        frame = frame_of(page, selector)
        assert frame.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1"), (
            selector
        )
    # A narrower window: the form reflows and the frame follows.
    page.set_viewport_size({"width": 360, "height": 800})
    # (Chromium pauses rendering in cross-site frames out of view: the
    # frame reports its new height once it is visible again.)
    page.locator(FORM_FRAME).scroll_into_view_if_needed()
    page.wait_for_function(
        "(old) => parseFloat(document.querySelector('#b52-iframe-form iframe').style.height) > old",
        arg=form_height,
    )
    wait_for_fitting_height(page, FORM_FRAME)


def test_press_links_open_in_the_whole_window(page, partner_url, demo_server):
    open_partner_page(page, partner_url)
    link = frame_of(page, PRESS_FRAME).locator("a.b52-card__link").first
    assert link.get_attribute("target") == "_top"
    href = link.get_attribute("href")
    assert href.startswith(demo_server + "/")
    with page.expect_navigation():
        link.focus()
        page.keyboard.press("Enter")
    assert page.url == href


def test_a_keyboard_only_applicant_applies_through_the_iframe(
    page, partner_url, pdf_path, demo_server
):
    open_partner_page(page, partner_url)
    frame = frame_of(page, FORM_FRAME)
    # The frame has no cookie to send: the partner page is another site.
    assert page.context.cookies(demo_server) == []
    wait_for_fitting_height(page, FORM_FRAME)
    screenshot(page, "#b52-iframe-form", "embed-iframe.png")
    page.wait_for_timeout(MIN_SECONDS_MS)
    form = InFrame(page, frame)

    # First attempt: no project, a wrong e-mail address, no consent.
    page.locator("body").focus()
    choose_option(form, "id_applicant_type", "Gemeinde")
    type_into(form, "id_applicant_name", "Gemeinde Salach")
    choose_option(form, "id_district", "Landkreis Göppingen")
    type_into(form, "id_email", "anna.muster@")
    tab_to(form, "b52-submit")
    with frame.expect_navigation():
        page.keyboard.press("Enter")

    # The error summary in the frame has the focus and links to the fields;
    # the partner page scrolled the frame into view.
    frame.locator("#b52-error-summary").wait_for()
    page.wait_for_function(
        "() => document.activeElement === document.querySelector('#b52-iframe-form iframe')"
    )
    assert active_element(frame)["id"] == "b52-error-summary"
    summary = frame.locator("#b52-error-summary")
    text = summary.inner_text()
    assert "Ihre Bewerbung wurde noch nicht gesendet" in text
    assert "Projekttitel: Bitte füllen Sie dieses Feld aus." in text
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein" in text
    assert "Bitte stimmen Sie der Datenschutzerklärung zu." in text
    for field in ("id_project_title", "id_email", "id_consent"):
        assert summary.locator(f'a[href="#{field}"]').count() == 1
        described = frame.locator(f"#{field}").get_attribute("aria-describedby")
        assert f"{field}_error" in described
    frame_box = page.locator(FORM_FRAME).bounding_box()
    assert -2 <= frame_box["y"] < page.viewport_size["height"] / 2
    wait_for_fitting_height(page, FORM_FRAME)
    assert axe_violations(frame) == []
    screenshot(page, "#b52-iframe-form", "embed-iframe-errors.png")

    # Follow the summary link to the e-mail field and fix it.
    tab_to_link(form, "#id_email")
    page.keyboard.press("Enter")
    assert active_element(frame)["id"] == "id_email"
    page.keyboard.press("Control+A")
    page.keyboard.type("anna.muster@salach.example")
    type_into(form, "id_project_title", "Gesund altern in Salach")
    type_into(form, "id_summary", "Ein Netzwerk für gesundes Altern im Ort.")
    type_into(form, "id_contact_name", "Anna Muster")
    type_into(form, "id_phone", "07162 / 123-45")
    choose_file_with_keyboard(form, pdf_path)
    tab_to(form, "id_consent")
    page.keyboard.press("Space")
    assert frame.locator("#id_consent").is_checked()
    tab_to(form, "b52-submit")
    with frame.expect_navigation():
        page.keyboard.press("Enter")

    # The receipt in the frame, its heading focused.
    receipt = frame.locator(".b52-receipt__number")
    frame.locator(".b52-receipt__number, #b52-error-summary").first.wait_for()
    assert receipt.count() == 1, frame.locator("#b52-error-summary").inner_text()
    assert re.fullmatch(rf"B52-{datetime.date.today().year}-\d{{4}}", receipt.inner_text())
    assert "Bewerbungsbogen Salach.pdf" in frame.locator(".b52-receipt__details").inner_text()
    assert frame.locator("h1").inner_text() == "Vielen Dank für Ihre Bewerbung"
    assert active_element(frame)["tag"] == "h1"
    assert page.url == partner_url  # the partner page stayed
    wait_for_fitting_height(page, FORM_FRAME)
    assert axe_violations(frame) == []
    screenshot(page, "#b52-iframe-form", "embed-iframe-receipt.png")


def test_axe_finds_nothing_in_the_partner_page_and_its_frames(page, partner_url):
    open_partner_page(page, partner_url)
    wait_for_fitting_height(page, FORM_FRAME)
    # axe in each frame first: the page's run then includes the frames.
    for selector in (FORM_FRAME, PRESS_FRAME):
        assert axe_violations(frame_of(page, selector)) == [], selector
    assert axe_violations(page, include="#b52-iframe-form, #b52-iframe-press") == []
    assert axe_violations(page) == []


def test_a_third_origin_gets_no_frame_and_no_cors(page, partner_url, demo_server):
    """A page on an origin not in B52_EMBED_ORIGINS frames the embeds: the
    browser refuses them (CSP frame-ancestors), and reading them or the form
    API with fetch() fails (no CORS headers)."""
    form_src = frame_of_src(page, partner_url)
    press_src = f"{demo_server}/b52/press/embed/"
    third = "http://third-party.example"
    html = f"""<!DOCTYPE html><html lang="de"><head><title>Fremde Seite</title></head><body>
        <main><h1>Fremde Seite</h1>
        <iframe id="form" title="Formular" src="{form_src}"></iframe>
        <iframe id="press" title="Presse" src="{press_src}"></iframe></main></body></html>"""
    page.route(
        f"{third}/**", lambda route: route.fulfill(status=200, body=html, content_type="text/html")
    )
    page.goto(f"{third}/seite/")
    page.wait_for_timeout(1500)
    for frame_id, src in (("form", form_src), ("press", press_src)):
        frame = page.locator(f"#{frame_id}").element_handle().content_frame()
        # The b52 site names the partner only; the browser shows nothing.
        policy = page.request.get(src).headers["content-security-policy"]
        assert policy == f"frame-ancestors {partner_url.removesuffix('/partner-demo/')}"
        assert frame.url != src or frame.locator("main").count() == 0
        assert frame.locator(".b52-application__form, .b52-press-card").count() == 0
    api = form_src.replace("/b52/applications/embed/", "/b52/api/forms/")
    for url in (form_src, press_src, api):
        outcome = page.evaluate(
            """(url) => fetch(url, {mode: 'cors'}).then(() => 'read', (error) => error.name)""",
            url,
        )
        assert outcome == "TypeError", url


def frame_of_src(page, partner_url):
    page.goto(partner_url)
    return page.locator(FORM_FRAME).get_attribute("src")
