"""The bare_base host (tests/hosts/bare_base: every app, en-us/UTC, a
base.html with only the blocks "title" and "content") with the demo content,
served by runserver and driven in Chromium by an English-speaking visitor:
the package brings its own container, styles and a hidden honeypot even
here, reflows at 320 px and passes axe inside its container."""

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.applications.utils import pdf_bytes
from tests.demo_visitor import (
    ATTACHMENT_NAME,
    PAGE_TYPES,
    RECEIPT_NUMBER,
    one_page_per_type,
    parse_demo_output,
)

from .conftest import ROOT, axe_violations, open_page, serve, stop_server
from .keyboard import choose_file_with_keyboard, choose_option, tab_through_form, tab_to, type_into

SETTINGS = "tests.hosts.bare_base.settings"
# The form takes a POST sooner than B52_APPLICATION_MIN_SECONDS (3) after
# rendering for spam; a person typing takes longer, the test waits.
MIN_SECONDS_MS = 3500


@dataclass
class Host:
    url: str
    paths: dict  # the first demo page of every page type

    def __getitem__(self, page_type):
        return self.url + self.paths[page_type]


def django_admin(env, *args, timeout=300):
    """Run ``python -m django *args`` for the host; its output."""
    result = subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=ROOT,
        env=env,
        timeout=timeout,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"django-admin {args[0]} failed:\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def host():
    """The bare_base host with demo content in a database of its own."""
    workdir = Path(tempfile.mkdtemp(prefix="b52-bare-base-"))
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE=SETTINGS,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        B52_HOST_MEDIA_ROOT=str(workdir / "media"),
        PYTHONUNBUFFERED="1",
    )
    try:
        django_admin(env, "migrate", "--noinput")
        pages = parse_demo_output(django_admin(env, "b52_demo"))
        url, server = serve([sys.executable, "-m", "django"], ROOT, env, workdir / "server.log")
        yield Host(url, one_page_per_type(pages))
        stop_server(server)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def page(browser):
    """A visitor whose browser speaks English and lives in New York."""
    with open_page(browser, locale="en-US", timezone_id="America/New_York") as page:
        yield page


@pytest.fixture
def pdf(tmp_path):
    path = tmp_path / ATTACHMENT_NAME
    path.write_bytes(pdf_bytes())
    return path


def assert_no_violations_in_container(page):
    violations = axe_violations(page, include=".b52-page")
    assert violations == [], f"axe-core inside .b52-page on {page.url}: {violations}"


# The checks -----------------------------------------------------------------


def test_the_demo_has_every_page_type(host):
    assert set(host.paths) == set(PAGE_TYPES)


def test_the_honeypot_is_not_visible(page, host):
    page.goto(host["ApplicationFormPage"])
    assert page.locator(".b52-application__form").is_visible()
    assert not page.locator('input[name="b52_homepage"]').is_visible()
    assert not page.locator(".b52-application__hp").is_visible()


def test_tabbing_through_the_whole_form_never_focuses_the_honeypot(page, host):
    page.goto(host["ApplicationFormPage"])
    visited = tab_through_form(page)
    assert visited[0] == "applicant_type" and visited[-1] == "b52-submit"
    assert "b52_homepage" not in visited


def test_a_keyboard_only_applicant_gets_a_receipt(page, host, pdf):
    page.goto(host["ApplicationFormPage"])
    page.wait_for_timeout(MIN_SECONDS_MS)
    page.locator("body").focus()
    choose_option(page, "applicant_type", value="gemeinde")
    type_into(page, "applicant_name", "Gemeinde Salach")
    choose_option(page, "district", "Landkreis Göppingen")
    type_into(page, "project_title", "Gesund altern in Salach")
    type_into(page, "summary", "Ein Netzwerk für gesundes Altern im Ort.")
    type_into(page, "contact_name", "Anna Muster")
    type_into(page, "email", "anna.muster@salach.example")
    type_into(page, "phone", "07162 / 123-45")
    choose_file_with_keyboard(page, pdf)
    tab_to(page, "consent")
    page.keyboard.press("Space")
    tab_to(page, "b52-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator(".b52-page h1").inner_text() == "Vielen Dank für Ihre Bewerbung"
    assert RECEIPT_NUMBER.fullmatch(page.locator(".b52-receipt__number").inner_text())
    assert ATTACHMENT_NAME in page.locator(".b52-receipt__details").inner_text()
    assert_no_violations_in_container(page)


def test_the_package_styles_apply_without_extra_css(page, host):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(host["PressReleaseIndexPage"])
    style = page.locator(".b52-page").evaluate(
        """element => {
            const style = getComputedStyle(element);
            return {maxWidth: style.maxWidth, paddingLeft: style.paddingLeft,
                    boxSizing: style.boxSizing};
        }"""
    )
    # b52.css: max-width 72rem, padding clamp(1rem, 4vw, 2rem) (32px at 1280 px).
    assert style == {"maxWidth": "1152px", "paddingLeft": "32px", "boxSizing": "border-box"}


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_no_horizontal_scrolling_at_320_px(page, host, page_type):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(host[page_type])
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{page.url} is {scroll_width}px wide at 320px"


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_axe_finds_no_violations_inside_the_package_container(page, host, page_type):
    response = page.goto(host[page_type])
    assert response.status == 200
    assert page.locator(".b52-page").get_attribute("lang") == "de"
    assert_no_violations_in_container(page)
