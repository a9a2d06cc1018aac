"""Browser suite: the example site with demo content, served by a real
server, driven by Playwright in Debian's Chromium, checked with axe-core.

Needs /usr/bin/chromium (Debian package ``chromium``) and
``npm ci --prefix tests/browser`` for axe-core; ``make test-browser`` and
``.ci/run`` do both.
"""

import contextlib
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

from tests.demo_visitor import one_page_per_type, parse_demo_output

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
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT / "example_site",
        env=env,
        check=True,
        timeout=timeout,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout


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
        # The package of this checkout, even where the venv holds a
        # (non-editable) installed copy: manage.py runs in example_site/.
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    _manage(env, "migrate", "--noinput")
    demo_output = _manage(env, "b52_demo")
    (workdir / "demo-pages.txt").write_text(demo_output)
    _manage(env, "demo_home")
    _manage(env, "demo_admin")
    env["B52_DEMO_PAGES"] = str(workdir / "demo-pages.txt")
    yield env
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_paths(demo_env):
    """``{page type: path}``: one page of every type b52_demo made."""
    return one_page_per_type(parse_demo_output(Path(demo_env["B52_DEMO_PAGES"]).read_text()))


def serve(command, cwd, env, log_path, port=None):
    """Start ``command`` (``python manage.py`` or ``python -m django``) with
    ``runserver`` on ``port`` or a free port (static files with --insecure),
    its output in ``log_path``. Returns its URL once it answers, and the
    process."""
    port = port or _free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [*command, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/admin/login/", timeout=2)  # noqa: S310
            return url, process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(
                    f"{cwd}: runserver did not start:\n{log_path.read_text()}"
                ) from None
            time.sleep(0.3)


def stop_server(process):
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def demo_server(demo_env, tmp_path_factory):
    """Base URL of the example site with the demo content."""
    log_path = tmp_path_factory.mktemp("demo-server") / "runserver.log"
    port = _free_port()
    # The partner demo page on http://localhost:<port>/partner-demo/ (another
    # site than 127.0.0.1) may frame the embeds and call the JSON form API.
    env = dict(demo_env, B52_EMBED_ORIGINS=f"http://localhost:{port}")
    url, process = serve([sys.executable, "manage.py"], ROOT / "example_site", env, log_path, port)
    yield url
    stop_server(process)


@pytest.fixture(scope="session")
def partner_url(demo_server):
    """The partner's plain HTML page (example_site/partner_demo/index.html)
    on http://localhost:<port>/, embedding from the b52 site on 127.0.0.1."""
    return demo_server.replace("http://127.0.0.1:", "http://localhost:") + "/partner-demo/"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextlib.contextmanager
def open_page(browser, **context_options):
    """A page in a new browser context with ``context_options`` (locale,
    time zone, …), 15 s for every action; the context closes afterwards."""
    context = browser.new_context(**context_options)
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser):
    """A visitor whose browser speaks German and lives in Berlin."""
    with open_page(browser, locale="de-DE", timezone_id="Europe/Berlin") as page:
        yield page


def axe_violations(
    page, tags=WCAG_21_AA, *, include_incomplete=False, include=None, undecided_within=None
):
    """Run axe-core in the page (only inside the elements the CSS selector
    ``include`` finds, if given) and return its WCAG 2.1 A/AA violations.
    Undecided colour contrast always counts (with ``undecided_within``, a
    CSS selector, only inside the elements it finds: violations count
    everywhere); ``include_incomplete`` counts every result axe could not
    decide."""
    if not AXE.exists():
        pytest.fail("axe-core missing: npm ci --prefix tests/browser")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async ([tags, include, within]) => {
            const result = await axe.run(include ? {include: [[include]]} : document,
                                         {runOnly: {type: 'tag', values: tags}});
            if (within) {
                // A node in a frame or shadow root (a target of several
                // selectors) is kept: it cannot be placed from here.
                const inside = (node) => node.target.length !== 1
                    || typeof node.target[0] !== 'string'
                    || !!document.querySelector(node.target[0])?.closest(within);
                for (const item of result.incomplete) item.nodes = item.nodes.filter(inside);
                result.incomplete = result.incomplete.filter((item) => item.nodes.length);
            }
            return result;
        }""",
        [tags, include, undecided_within],
    )
    # axe cannot decide contrast in some cases (e.g. text colour equal to the
    # background) and reports them as "incomplete": treat those as failures.
    undecided = [
        item
        for item in result["incomplete"]
        if include_incomplete or item["id"] == "color-contrast"
    ]
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
