#!/usr/bin/env python3
"""A partner installs b52-wagtail into a brand-new ``wagtail start`` site by
following README.md alone; then an anonymous visitor uses the site.

    python tests/partner_site/run.py [--keep]

In a temporary folder: a fresh venv with the newest Wagtail, ``wagtail start
partnersite`` (LANGUAGE_CODE "en-us", TIME_ZONE "UTC"), then every README
block marked ``<!-- partner-install: KIND -->`` in the README's order:

- ``shell``: each line runs in the site folder with the venv activated; the
  only change is that ``path/to/b52-wagtail`` becomes a clean copy of this
  checkout (without .git, venvs and build output);
- ``settings``: appended to partnersite/settings/base.py;
- ``urls``: inserted at the end of the first ``urlpatterns`` list of
  partnersite/urls.py, before Wagtail's catch-all route;
- ``handlers``: appended to partnersite/urls.py (the error handlers).

Then ``runserver --noreload`` (the dev settings: DEBUG) and checks with
urllib: every package page type b52_demo made answers 200 in German (also
to ``Accept-Language: en-US``), the deadline shows 23:59 Berlin time, the
APIs give +01:00/+02:00, and a valid application with a PDF is stored
(receipt shown, file in the private folder, not under MEDIA_ROOT).
Exits 1 on any failure; always removes its folder (unless --keep) and
stops the server. Standard library only, any Python 3.11+.
"""

import argparse
import datetime
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import zoneinfo
from pathlib import Path

from support import Client, Page, multipart, tiny_pdf, words_found

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PLACEHOLDER = "path/to/b52-wagtail"
SITE = "partnersite"
TIME_BUDGET = 25 * 60  # seconds for the whole run
EN = {"Accept-Language": "en-US,en;q=0.9"}
MIN_SECONDS = 3  # B52_APPLICATION_MIN_SECONDS
RECEIPT = re.compile(r"\bB52-(\d{4})-(\d{4})\b")
MONATE = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"

# Every page type of the installed apps, with the API v2 app label of its model.
PAGE_TYPES = {
    "CooperationIndexPage": "b52_cooperation",
    "CooperationFieldPage": "b52_cooperation",
    "PressReleaseIndexPage": "b52_press",
    "PressReleasePage": "b52_press",
    "AwardIndexPage": "b52_awards",
    "AwardCallPage": "b52_awards",
    "WinnerArchivePage": "b52_awards",
    "WinnerShowcasePage": "b52_awards",
    "ApplicationFormPage": "b52_applications",
}
# The German labels every page of a type shows, those the page of a call
# open for applications shows besides, and English ones that must not
# appear on a German page (shared with the pytest suite).
LABELS = json.loads((ROOT / "tests" / "labels.json").read_text(encoding="utf-8"))
GERMAN, OPEN_CALL, ENGLISH = LABELS["german"], LABELS["german_open_call"], LABELS["english"]
ENGLISH_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d{1,2}, \d{4}"
)


class Abort(Exception):
    """A step after which nothing else can be checked."""


class Report:
    def __init__(self):
        self.results, self.started = [], time.monotonic()

    def check(self, name, problems):
        """Record a check; ``problems`` is a list of strings (empty: passed)."""
        problems = [problems] if isinstance(problems, str) else list(problems)
        self.results.append((name, problems))
        print(f"{'FAIL' if problems else 'ok  '}  {name}", flush=True)
        for problem in problems[:8]:
            print(f"        {problem}", flush=True)
        return not problems

    def remaining(self):
        return TIME_BUDGET - (time.monotonic() - self.started)


REPORT = Report()


def run(cmd, cwd, env, timeout, *, shell=False, check=True):
    """Run a command (bounded by ``timeout`` and the time budget) and return its output."""
    timeout = min(timeout, REPORT.remaining())
    if timeout <= 0:
        raise Abort(f"time budget used up before: {cmd}")
    shown = cmd if shell else shlex.join(map(str, cmd))
    first_line = shown.strip().splitlines()[0]
    print(f"$ {first_line[:150]}{' …' if first_line != shown.strip() else ''}", flush=True)
    process = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        shell=shell,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except BaseException as error:  # a timeout, SIGTERM or Ctrl-C: no child outlives us
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        if isinstance(error, subprocess.TimeoutExpired):
            raise Abort(f"timed out after {timeout:.0f} s: {shown}") from None
        raise
    if check and process.returncode != 0:
        tail = "\n".join(output.splitlines()[-40:])
        raise Abort(f"exit {process.returncode}: {shown}\n{tail}")
    return output


# Installing --------------------------------------------------------------------


def readme_blocks():
    text = README.read_text(encoding="utf-8")
    pattern = r"<!-- partner-install: (\w+) -->[ \t]*\n```[\w-]*\n(.*?)\n```"
    blocks = re.findall(pattern, text, re.DOTALL)
    kinds = [kind for kind, _ in blocks]
    expected = ["handlers", "settings", "shell", "urls"]
    if sorted(set(kinds)) != expected or kinds.count("settings") != 1:
        raise Abort(f"README: expected partner-install blocks {expected}, found {kinds}")
    return blocks


def shell_lines(block):
    lines = block.replace("\\\n", " ").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def copy_checkout(destination):
    """This checkout as a partner would have it: no .git, venvs or build output."""
    skip = {".git", "__pycache__", "build", "dist", "node_modules", ".pytest_cache", ".ruff_cache"}

    def ignore(folder, names):
        ignored = {
            n
            for n in names
            if n in skip or n.startswith(".venv") or n.endswith((".pyc", ".egg-info"))
        }
        if Path(folder) == ROOT / "example_site":
            ignored |= {"db.sqlite3", "media", "private"} & set(names)
        return ignored

    shutil.copytree(ROOT, destination, ignore=ignore)
    return destination


def wagtail_start(tmp, python, env):
    run([python, "-m", "pip", "install", "--quiet", "wagtail"], tmp, env, 900)
    versions = run([python, "-m", "pip", "list"], tmp, env, 120)
    print(
        " ".join(line for line in versions.splitlines() if re.match(r"(?i)(django|wagtail) ", line))
    )
    run([Path(python).parent / "wagtail", "start", SITE], tmp, env, 120)
    site = tmp / SITE
    base = site / SITE / "settings" / "base.py"
    text = base.read_text(encoding="utf-8")
    for name, wanted in (("LANGUAGE_CODE", "en-us"), ("TIME_ZONE", "UTC")):
        found = re.search(rf'^{name} = "([^"]*)"', text, re.MULTILINE)
        if found and found.group(1) == wanted:
            continue
        print(
            f"NOTE: wagtail start no longer sets {name} = {wanted!r} "
            f"({found.group(0) if found else 'not set'}); the test sets it."
        )
        text = text.replace(found.group(0), "") if found else text
        text += f'\n{name} = "{wanted}"\n'
    base.write_text(text, encoding="utf-8")
    return site


def add_urls(urls_file, block):
    lines = [
        line.strip()
        for line in block.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    source = urls_file.read_text(encoding="utf-8").splitlines()
    start = source.index("urlpatterns = [")
    end = source.index("]", start)
    source[end:end] = ["    " + line for line in lines]
    text = "\n".join(source) + "\n"
    compile(text, str(urls_file), "exec")
    if text.index(lines[0]) > text.index("include(wagtail_urls)"):
        raise Abort("urls.py: the README line did not land before Wagtail's catch-all")
    urls_file.write_text(text, encoding="utf-8")


def install(tmp, env):
    """The README, applied to a fresh ``wagtail start`` site. Returns
    (site folder, venv python, output of every shell command)."""
    run([sys.executable, "-m", "venv", tmp / "venv"], tmp, env, 300)
    python = str(tmp / "venv" / "bin" / "python")
    env.update(
        VIRTUAL_ENV=str(tmp / "venv"), PATH=f"{tmp / 'venv' / 'bin'}{os.pathsep}{env['PATH']}"
    )
    site = wagtail_start(tmp, python, env)
    checkout = copy_checkout(tmp / "b52-wagtail")
    outputs = {}
    for kind, block in readme_blocks():
        if kind == "settings":
            with (site / SITE / "settings" / "base.py").open("a", encoding="utf-8") as settings:
                settings.write("\n\n" + block + "\n")
        elif kind == "urls":
            add_urls(site / SITE / "urls.py", block)
        elif kind == "handlers":
            with (site / SITE / "urls.py").open("a", encoding="utf-8") as urls:
                urls.write("\n" + block + "\n")
        else:
            for line in shell_lines(block):
                command = line.replace(PLACEHOLDER, shlex.quote(str(checkout)))
                outputs[line] = run(command, site, env, 900, shell=True)  # noqa: S604
    commands = " ; ".join(outputs)
    REPORT.check(
        "README shell blocks install from path/to/b52-wagtail and run check, migrate, b52_demo",
        [
            f"README runs no {need}"
            for need in (PLACEHOLDER, "manage.py check", "manage.py migrate", "manage.py b52_demo")
            if need not in commands
        ],
    )
    return site, python, outputs


def demo_pages(outputs):
    demo = next((out for line, out in outputs.items() if "b52_demo" in line), "")
    pages = {}
    for page_type, path in re.findall(r"^(\w+Page): (/\S*)$", demo, re.MULTILINE):
        pages.setdefault(page_type, []).append(path)
    REPORT.check(
        "b52_demo printed pages of every package page type",
        [f"no {t}" for t in PAGE_TYPES if t not in pages],
    )
    return pages


# Checking ----------------------------------------------------------------------


def page_problems(page_type, path, status, html):
    if status != 200:
        return [f"{path}: HTTP {status}"]
    page, problems = Page(html), []
    langs = (page.html_lang or "", page.container_lang or "")
    if not any(lang.lower().split("-")[0] == "de" for lang in langs):
        problems.append(f"{path}: <html lang={langs[0]!r}>, package container lang={langs[1]!r}")
    labels = GERMAN[page_type]
    if page_type == "ApplicationFormPage" and "b52-application__closed" in html:
        # A form of a closed call (the demo's 2025 call) shows its notice
        # and deadline instead of the fields.
        labels = ["Bewerbungsschluss", "Zurück zur Ausschreibung"]
    missing = [label for label in labels if label not in page.text]
    english = words_found(page.text, ENGLISH) + ENGLISH_DATE.findall(page.text)
    problems += [f"{path}: German label missing: {missing}"] if missing else []
    problems += [f"{path}: English on the page: {english}"] if english else []
    return problems


def check_pages(client, pages):
    for page_type, paths in pages.items():
        if page_type not in PAGE_TYPES:
            continue
        problems = []
        for path in paths:
            for headers in ({}, EN):
                problems += page_problems(page_type, path, *_get(client, path, headers))
        REPORT.check(
            f"{page_type}: {len(paths)} page(s) answer 200 in German "
            "(with and without Accept-Language: en-US)",
            sorted(set(problems)),
        )


def _get(client, path, headers):
    status, _headers, body = client.request(path, headers=headers)
    return status, body


def berlin():
    """Europe/Berlin, or None where the system has no time zone data."""
    try:
        return zoneinfo.ZoneInfo("Europe/Berlin")
    except zoneinfo.ZoneInfoNotFoundError:
        return None


def api_json(client, path, problems):
    """The JSON answer of ``path`` ({} and a problem when there is none)."""
    status, _headers, body = client.request(path, headers=EN)
    if status != 200:
        problems.append(f"{path}: HTTP {status}")
        return {}
    try:
        return json.loads(body)
    except ValueError:
        problems.append(f"{path}: not JSON")
        return {}


def api_ids(client, pages):
    """Page ids by path, from Wagtail API v2 (cross-checked with b52_demo)."""
    ids, problems = {}, []
    for page_type, app in PAGE_TYPES.items():
        listing = api_json(client, f"/b52/api/v2/pages/?type={app}.{page_type}", problems)
        count = listing.get("meta", {}).get("total_count")
        if count != len(pages.get(page_type, [])):
            problems.append(
                f"{page_type}: API lists {count}, b52_demo made {len(pages.get(page_type, []))}"
            )
        for item in listing.get("items", []):
            ids[re.sub(r"^https?://[^/]+", "", item["meta"]["html_url"])] = item["id"]
    REPORT.check("API v2 /b52/api/v2/pages/?type=… lists the demo's pages", problems)
    return ids


def deadline_problems(where, value):
    """A deadline in the API: ISO 8601 with the Berlin offset, 23:59 local."""
    if not isinstance(value, str) or not re.search(r"\+0[12]:00$", value):
        return [f"{where}: deadline {value!r} has no +01:00/+02:00 offset"]
    moment = datetime.datetime.fromisoformat(value)
    problems = [] if f"{moment:%H:%M}" == "23:59" else [f"{where}: {value} is not 23:59"]
    zone = berlin()
    if zone and moment.utcoffset() != moment.astimezone(zone).utcoffset():
        problems.append(f"{where}: {value} has the wrong offset for Berlin on that day")
    return problems


def check_deadline(client, pages, ids):
    """The open call (parent of the demo's application form): 23:59 on its
    page and its form, +01:00/+02:00 in the APIs. Returns (call from the
    API, form path)."""
    form_path = pages["ApplicationFormPage"][0]
    call_path = form_path.rstrip("/").rsplit("/", 1)[0] + "/"
    call_id, form_id = ids.get(call_path), ids.get(form_path)
    problems = []
    calls = "/b52/api/v2/pages/?type=b52_awards.AwardCallPage&fields=deadline,edition"
    listing = api_json(client, calls, problems)
    call = next((item for item in listing.get("items", []) if item["id"] == call_id), {})
    detail = api_json(client, f"/b52/api/v2/pages/{call_id}/", problems)
    form_api = api_json(client, f"/b52/api/forms/{form_id}/", problems)
    problems += deadline_problems("API v2 listing", call.get("deadline"))
    problems += deadline_problems("API v2 detail", detail.get("deadline"))
    problems += deadline_problems("JSON form API", form_api.get("deadline"))
    REPORT.check(f"APIs give the deadline of {call_path} with +01:00/+02:00, 23:59", problems)

    labels = {field.get("name"): field.get("label") for field in form_api.get("fields", [])}
    REPORT.check(
        "JSON form API labels are German (Accept-Language: en-US)",
        []
        if labels.get("applicant_type") == "Wer bewirbt sich?"
        else [f"applicant_type label {labels.get('applicant_type')!r}"],
    )

    problems = []
    deadline = detail.get("deadline") or call.get("deadline")
    if deadline:
        moment = datetime.datetime.fromisoformat(deadline)
        moment = moment.astimezone(berlin()) if berlin() else moment
        shown = f"{moment.day}. {MONATE.split()[moment.month - 1]} {moment.year}, 23:59 Uhr"
        for path in (call_path, form_path):
            status, html = _get(client, path, EN)
            page = Page(html)
            if shown not in page.text:
                found = [text for _dt, text in page.times] or re.findall(
                    r"\d\d:\d\d[^<]{0,8}", page.text
                )
                problems.append(f"{path}: “{shown}” not shown (times on the page: {found[:4]})")
            if path == call_path and not any(
                _same_moment(dt, deadline) for dt, _text in page.times
            ):
                problems.append(f"{path}: no <time datetime> for the deadline {deadline}")
            missing = [label for label in OPEN_CALL if label not in page.text]
            if path == call_path and missing:
                problems.append(f"{path}: German label of an open call missing: {missing}")
    else:
        problems.append("no deadline from the API to compare with")
    REPORT.check(
        "the open call and its form show the deadline as 23:59 (Berlin), the call invites to apply",
        problems,
    )
    return call, form_path


def _same_moment(a, b):
    try:
        return datetime.datetime.fromisoformat(a) == datetime.datetime.fromisoformat(b)
    except (TypeError, ValueError):
        return False


def submit_application(client, form_path, edition):
    """A valid application with a PDF, as a browser would send it. Returns
    (receipt number or None, PDF bytes)."""
    status, html = _get(client, form_path, EN)
    shown_at, page = time.time(), Page(html)
    hidden = {i.get("name"): i.get("value", "") for i in page.inputs if i.get("type") == "hidden"}
    missing = [name for name in ("csrfmiddlewaretoken", "b52_token") if name not in hidden]
    if status != 200 or missing:
        REPORT.check(
            "application form has its hidden inputs", [f"HTTP {status}, missing {missing}"]
        )
        return None, b""
    options = {
        name: [(v, label.strip()) for v, label, disabled in opts if v and not disabled]
        for name, opts in page.selects.items()
    }
    districts = options.get("district", [])
    district = next(
        (v for v, label in districts if label == "Stuttgart"), districts[0][0] if districts else ""
    )
    consent = next(
        (i.get("value") or "on" for i in page.inputs if i.get("name") == "consent"), "on"
    )
    fields = [
        *hidden.items(),
        ("b52_homepage", ""),
        ("applicant_type", (options.get("applicant_type") or [("", "")])[0][0]),
        ("applicant_name", "Gemeinde Musterhausen"),
        ("district", district),
        ("project_title", "Bewegter Dorfplatz"),
        ("summary", "Ein Dorfplatz für Bewegung, Begegnung und gesunde Ernährung."),
        ("contact_name", "Erika Mustermann"),
        ("email", "erika.mustermann@example.org"),
        ("phone", "07 11 / 123 45 - 6"),
        ("consent", consent),
    ]
    pdf = tiny_pdf("Bewerbungsbogen Gemeinde Musterhausen")
    body, content_type = multipart(
        fields, [("attachments", "bewerbungsbogen.pdf", "application/pdf", pdf)]
    )
    time.sleep(max(0.0, MIN_SECONDS + 1 - (time.time() - shown_at)))
    before = datetime.datetime.now(datetime.UTC)
    status, _headers, html = client.request(
        page.form_action or form_path, data=body, headers={**EN, "Content-Type": content_type}
    )
    after = datetime.datetime.now(datetime.UTC)
    page = Page(html)
    receipt = RECEIPT.search(page.text)
    problems = [] if status == 200 else [f"POST {form_path}: HTTP {status}"]
    problems += (
        []
        if receipt
        else [f"no receipt number B52-{edition}-NNNN on the page: {page.text[:300]!r}"]
    )
    if receipt and receipt.group(1) != str(edition):
        problems.append(f"receipt {receipt.group(0)} is not of the call's edition {edition}")
    missing = [
        t for t in ("Vielen Dank für Ihre Bewerbung", "Ihre Eingangsnummer") if t not in page.text
    ]
    problems += [f"German texts missing: {missing}"] if missing else []
    english = words_found(page.text, ENGLISH) + ENGLISH_DATE.findall(page.text)
    problems += [f"English on the receipt page: {english}"] if english else []
    clock = {f"{t.astimezone(berlin()):%H:%M} Uhr" for t in (before, after)} if berlin() else ()
    if receipt and clock and not any(c in page.text for c in clock):
        problems.append(f"receipt time is not shown in Berlin time {sorted(clock)}")
    REPORT.check(
        "a valid application with a PDF gets its receipt page (German, Berlin time)", problems
    )
    return (receipt.group(0) if receipt else None), pdf


STORED = """
import json
from django.conf import settings
from b52_wagtail.applications.models import ApplicationSubmission
s = ApplicationSubmission.objects.filter(receipt_number=%r, is_spam=False).first()
out = {"media_root": str(settings.MEDIA_ROOT), "files": []}
for a in (s.attachments.all() if s else []):
    try:
        path = a.file.storage.path(a.file.name)
    except NotImplementedError:
        path = None
    out["files"].append({"name": a.file.name, "sha256": a.sha256, "path": path,
                         "exists": a.file.storage.exists(a.file.name)})
out["found"] = s is not None
print("B52JSON " + json.dumps(out))
"""


def check_stored(client, site, python, env, receipt, pdf):
    problems = []
    output = run([python, "manage.py", "shell", "-c", STORED % receipt], site, env, 180)
    stored = json.loads(re.search(r"^B52JSON (.*)$", output, re.MULTILINE).group(1))
    files = stored["files"]
    media_root = Path(stored["media_root"]).resolve()
    problems += [] if stored["found"] else [f"no stored application {receipt}"]
    problems += [] if len(files) == 1 else [f"{len(files)} attachments stored, expected 1"]
    for file in files:
        path = Path(file["path"]).resolve() if file["path"] else None
        if not file["exists"] or path is None or not path.is_file():
            problems.append(f"attachment file missing: {file}")
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() != hashlib.sha256(pdf).hexdigest():
            problems.append(f"{path} is not the uploaded PDF")
        if path.is_relative_to(media_root):
            problems.append(f"{path} is under MEDIA_ROOT {media_root}")
        if not path.is_relative_to(media_root.parent / "b52_private"):
            problems.append(f"{path} is not in the default folder b52_private beside MEDIA_ROOT")
        status, _body = _get(client, f"/media/{file['name']}", {})
        if status != 404:
            problems.append(f"/media/{file['name']} answers {status}")
    REPORT.check(
        f"application {receipt} and its PDF are stored privately (not under MEDIA_ROOT)", problems
    )


# Running -----------------------------------------------------------------------


ERROR_PAGES = """
from django.test import Client
from django.test.utils import override_settings
with override_settings(DEBUG=False, ALLOWED_HOSTS=["*"]):
    response = Client(raise_request_exception=False).get("/gibt-es-nicht/")
print("STATUS", response.status_code, "GERMAN", "Seite nicht gefunden" in response.content.decode())
"""


def check_error_pages(site, python, env):
    """With DEBUG off (runserver below runs with it on), a missing page is
    the package's German 404 in the en-us site."""
    output = run([python, "manage.py", "shell", "-c", ERROR_PAGES], site, env, 120)
    REPORT.check(
        "with the README's handlers a missing page is a German 404",
        [] if "STATUS 404 GERMAN True" in output else [f"got: {output.strip()[-200:]}"],
    )


ADMIN_GERMAN = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from wagtail.users.models import UserProfile
from b52_wagtail.applications.models import ApplicationSubmission
users = {}
for language in ("en", "de"):
    users[language], _ = get_user_model().objects.get_or_create(
        username=f"b52-check-{language}", defaults={"is_superuser": True, "is_staff": True})
    profile = UserProfile.get_for_user(users[language])
    profile.preferred_language = language
    profile.save()
submission = ApplicationSubmission.objects.get(receipt_number="%s")
with override_settings(ALLOWED_HOSTS=["*"]):
    client = Client()
    client.force_login(users["en"])
    client.get(reverse("b52_juries:add"))
    client.force_login(users["de"])
    jury = client.get(reverse("b52_juries:add")).content.decode()
    detail_url = reverse("b52_applications_admin:detail", args=[submission.pk])
    detail = client.get(detail_url).content.decode()
print("B52JSON " + json.dumps({"jury": jury, "detail": detail}))
"""


def check_german_admin(site, python, env, receipt):
    """The application's admin page and the jury form speak German to a
    German admin user in the en-us host, although Wagtail's catalogue (its
    apps come first in INSTALLED_APPS) translates some of the same words
    otherwise, and an English admin opened the jury form first."""
    output = run([python, "manage.py", "shell", "-c", ADMIN_GERMAN % receipt], site, env, 180)
    pages = json.loads(re.search(r"^B52JSON (.*)$", output, re.MULTILINE).group(1))
    problems = []
    headings = [
        " ".join(re.sub(r"<[^>]+>", " ", heading).split())
        for heading in re.findall(r"<h2[^>]*>(.*?)</h2>", pages["detail"], re.DOTALL)
    ]
    for word, wagtails in (("Bewerbung", "Anwendung"), ("Verlauf", "Historie")):
        if word not in headings:
            problems.append(f"detail: no heading {word!r} (Wagtail's {wagtails!r}): {headings}")
    if "Seite auswählen (Ausschreibung)" not in pages["jury"]:
        problems.append("jury form: the call chooser is not 'Seite auswählen (Ausschreibung)'")
    REPORT.check("the admin speaks the package's German (detail page, jury form)", problems)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(site, python, env, log):
    port = free_port()
    server = subprocess.Popen(
        [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=site,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    client = Client(f"http://127.0.0.1:{port}")
    for _ in range(120):
        if server.poll() is not None:
            raise Abort(f"runserver exited with {server.returncode}")
        try:
            client.request("/")
            return server, client
        except OSError:
            time.sleep(0.5)
    raise Abort("runserver did not answer within 60 s")


def stop_server(server):
    if server is None or server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    keep = parser.parse_args().keep
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = Path(tempfile.mkdtemp(prefix="b52-partner-site-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"PYTHONHOME", "PYTHONPATH", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "DATABASE_URL"}
    }
    env.update(PYTHONDONTWRITEBYTECODE="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    server, log = None, None
    try:
        site, python, outputs = install(tmp, env)
        pages = demo_pages(outputs)
        if "ApplicationFormPage" not in pages:
            raise Abort("b52_demo made no application form: nothing to submit")
        deploy = run([python, "manage.py", "check", "--deploy"], site, env, 180, check=False)
        REPORT.check(
            "manage.py check --deploy asks for STORAGES['b52_private']",
            [] if "b52_private" in deploy else ["no b52_private in its output"],
        )
        check_error_pages(site, python, env)
        log = (tmp / "runserver.log").open("w")
        server, client = start_server(site, python, env, log)
        check_pages(client, pages)
        ids = api_ids(client, pages)
        call, form_path = check_deadline(client, pages, ids)
        receipt, pdf = submit_application(Client(client.base_url), form_path, call.get("edition"))
        if receipt:
            check_stored(client, site, python, env, receipt, pdf)
            check_german_admin(site, python, env, receipt)
    except Abort as error:
        REPORT.check("install and run the site as README.md says", [str(error)])
    except Exception:  # noqa: BLE001  (report it with the rest, then clean up)
        REPORT.check("the checks ran to the end", traceback.format_exc().splitlines()[-8:])
    finally:
        stop_server(server)
        if log:
            log.close()
            if any(problems for _name, problems in REPORT.results):
                print("--- runserver log (last 30 lines) ---")
                print("\n".join((tmp / "runserver.log").read_text().splitlines()[-30:]))
        if keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    failed = [name for name, problems in REPORT.results if problems]
    took = time.monotonic() - REPORT.started
    print(
        f"\npartner site: {len(REPORT.results) - len(failed)} checks passed, "
        f"{len(failed)} failed, {took:.0f} s"
    )
    for name in failed:
        print(f"  FAILED: {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
