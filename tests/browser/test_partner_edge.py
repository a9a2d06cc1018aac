"""What a partner's visitors meet, in a real browser: German pages whatever
the browser's language, and no sideways scrolling at 320 and 390 px on any
page type or form state (WCAG 1.4.10), with axe-core clean at 320 px."""

import re

import pytest

from tests.applications.utils import pdf_bytes
from tests.demo_visitor import ENGLISH_LABELS, GERMAN_LABELS

from .conftest import axe_violations, open_page
from .keyboard import tab_to


@pytest.fixture
def english_browser(browser):
    with open_page(
        browser,
        locale="en-US",
        timezone_id="America/New_York",
        extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
    ) as page:
        yield page


def package_text(page):
    return page.locator(".b52-page").inner_text()


def test_an_english_browser_gets_german_pages(english_browser, demo_server, demo_paths):
    for page_type, path in demo_paths.items():
        response = english_browser.goto(demo_server + path)
        assert response.status == 200, page_type
        assert english_browser.locator("html").get_attribute("lang") == "de", page_type
        assert english_browser.locator(".b52-page").get_attribute("lang") == "de", page_type
        text = package_text(english_browser)
        leaked = [
            label
            for label in ENGLISH_LABELS
            if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text)
        ]
        assert not leaked, (page_type, leaked)
        text = " ".join(text.split())
        missing = [label for label in GERMAN_LABELS[page_type] if label not in text]
        assert not missing, (page_type, missing)


def form_states(page, demo_server, form_path, pdf_path):
    """Yield the application form in each state a visitor can bring it to:
    empty, with errors, and the receipt after a valid submission."""
    page.goto(demo_server + form_path)
    yield "empty form"
    page.wait_for_timeout(3500)  # sooner would be treated as a bot
    page.get_by_role("button", name="Bewerbung absenden").click()
    page.wait_for_selector("#b52-error-summary")
    yield "errors"
    page.select_option("#id_applicant_type", "gemeinde")
    page.fill("#id_applicant_name", "Gemeinde Bad Überkingen-Hausen an der Fils")
    page.select_option("#id_district", label="Landkreis Göppingen")
    page.fill("#id_project_title", "Gesundheitsförderungsnetzwerkkoordinationsstelle")
    page.fill("#id_summary", "Ein Netzwerk für gesundes Altern im Ort.")
    page.fill("#id_contact_name", "Anna Muster")
    page.fill("#id_email", "anna.muster@gemeinde-bad-ueberkingen-hausen.example")
    page.fill("#id_phone", "07331 / 123-45")
    page.set_input_files("#id_attachments", str(pdf_path))
    page.check("#id_consent")
    page.wait_for_timeout(3500)  # B52_APPLICATION_MIN_SECONDS
    page.get_by_role("button", name="Bewerbung absenden").click()
    page.wait_for_selector(".b52-receipt__number")
    yield "receipt"


def assert_no_sideways_scroll(page, what):
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], f"{what} scrolls sideways at {sizes[1]} px: {sizes[0]} px wide"


@pytest.fixture
def pdf_path(tmp_path):
    path = tmp_path / "Bewerbungsbogen mit einem sehr langen Dateinamen ohne Leerzeichen.pdf"
    path.write_bytes(pdf_bytes())
    return path


@pytest.mark.parametrize("width", [320, 390])
def test_no_page_type_scrolls_sideways(browser, demo_server, demo_paths, pdf_path, width):
    context = browser.new_context(
        locale="de-DE", timezone_id="Europe/Berlin", viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    try:
        for page_type, path in demo_paths.items():
            page.goto(demo_server + path)
            assert_no_sideways_scroll(page, page_type)
            if width == 320:
                violations = axe_violations(page, include_incomplete=True)
                assert violations == [], f"axe-core on {page_type} at 320 px: {violations}"
        form_path = demo_paths["ApplicationFormPage"]
        for state in form_states(page, demo_server, form_path, pdf_path):
            assert_no_sideways_scroll(page, state)
            if width == 320:
                assert axe_violations(page, include_incomplete=True) == [], state
    finally:
        context.close()


def relative_luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first, second):
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def rgb(css):
    return tuple(int(value) for value in re.findall(r"\d+", css)[:3])


def test_the_focus_ring_reaches_3_to_1_on_any_background(page, demo_server, demo_paths):
    """A dark ring on a white halo: when the two differ by at least 9:1, one
    of them differs from any background colour by at least 3:1 (the product
    of both contrasts is the contrast between them)."""
    page.goto(demo_server + demo_paths["ApplicationFormPage"])
    tab_to(page, "b52-submit", limit=80)
    style = page.evaluate(
        """() => {
            const s = getComputedStyle(document.activeElement);
            return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow];
        }"""
    )
    outline_style, outline_width, outline_color, box_shadow = style
    assert outline_style == "solid" and float(outline_width.rstrip("px")) >= 2
    halo = rgb(box_shadow)
    assert contrast(rgb(outline_color), halo) >= 9
    assert contrast(rgb(outline_color), (255, 255, 255)) >= 3
