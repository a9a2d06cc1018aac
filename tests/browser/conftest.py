"""Browser suite: the example site with demo content, served by a real
server, driven by Playwright in Debian's Chromium, checked with axe-core.

Needs /usr/bin/chromium (Debian package ``chromium``) and
``npm ci --prefix tests/browser`` for axe-core; ``make test-browser`` and
``.ci/run`` do both.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("B52_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.browser)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args, timeout=300):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT / "example_site",
        env=env,
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
    )


@pytest.fixture(scope="session")
def demo_env():
    workdir = Path(tempfile.mkdtemp(prefix="b52-browser-"))
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="example_site.settings.dev",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        B52_PRIVATE_ROOT=str(workdir / "private"),
        PYTHONUNBUFFERED="1",
    )
    _manage(env, "migrate", "--noinput")
    _manage(env, "b52_demo")
    _manage(env, "demo_admin")
    yield env
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_server(demo_env):
    """Base URL of the example site with the demo content."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        cwd=ROOT / "example_site",
        env=demo_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base_url + "/admin/login/", timeout=2)  # noqa: S310
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the example site did not start") from None
            time.sleep(0.3)
    yield base_url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def axe_violations(page, tags=WCAG_21_AA):
    """Run axe-core in the page and return its WCAG 2.1 A/AA violations."""
    if not AXE.exists():
        pytest.fail("axe-core missing: npm ci --prefix tests/browser")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags
    )
    # axe cannot decide contrast in some cases (e.g. text colour equal to the
    # background) and reports them as "incomplete": treat those as failures.
    undecided = [item for item in result["incomplete"] if item["id"] == "color-contrast"]
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"] + undecided
    ]


@pytest.fixture
def assert_accessible():
    def check(page):
        violations = axe_violations(page)
        assert violations == [], f"axe-core on {page.url}: {violations}"

    return check


@pytest.fixture
def admin_page(browser, demo_server):
    """A page logged in to the Wagtail admin as the demo admin."""
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    page = context.new_page()
    page.goto(demo_server + "/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "b52-demo-admin")
    page.click("button[type=submit]")
    page.wait_for_url(demo_server + "/admin/")
    yield page
    context.close()
