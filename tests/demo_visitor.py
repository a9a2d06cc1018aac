"""What a visitor of the demo sees, for the tests that build it (the hosts
with every app, the browser test that serves bare_base, the core's demo and
host-settings tests): the demo's page types and the lines ``b52_demo``
prints, the German labels each page type shows (tests/labels.json), reading
a page's HTML, German dates, and applying through the demo's form the way a
browser does.

Importable before Django is set up: what needs Django is imported where it
is used."""

import io
import json
import re
import time
import zoneinfo
from pathlib import Path

from bs4 import BeautifulSoup

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")

# Every page type the demo builds when all apps are installed.
PAGE_TYPES = (
    "CooperationIndexPage",
    "CooperationFieldPage",
    "PressReleaseIndexPage",
    "PressReleasePage",
    "AwardIndexPage",
    "AwardCallPage",
    "WinnerArchivePage",
    "WinnerShowcasePage",
    "ApplicationFormPage",
)

# Labels of the package's templates (not of the demo content): the German
# ones every page of a type shows, the German ones the page of a call open
# for applications shows besides (the demo's other calls are closed), and
# English ones that must not appear on a German page. Shared with
# tests/partner_site/run.py, which reads the file too.
LABELS = json.loads(Path(__file__).with_name("labels.json").read_text(encoding="utf-8"))
GERMAN_LABELS = LABELS["german"]
OPEN_CALL_LABELS = LABELS["german_open_call"]
ENGLISH_LABELS = LABELS["english"]

# Page types whose template carries structured data (JSON-LD).
JSON_LD_TYPES = ("CooperationIndexPage", "PressReleasePage", "AwardCallPage", "WinnerShowcasePage")

STYLESHEET = 'link[rel="stylesheet"][href$="b52_wagtail/css/b52.css"]'
RECEIPT_NUMBER = re.compile(r"B52-\d{4}-\d{4}")
# b52_demo prints a line "<page type>: <path>" for every page it made or
# updated (tests/partner_site/run.py reads them too).
DEMO_LINE = re.compile(r"^(?P<type>\w+Page): (?P<path>/\S*)$")
GERMAN_MONTHS = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]

# What the visitor types into the application form.
APPLICATION = {
    "applicant_name": "Gemeinde Salach",
    "project_title": "Gesund altern in Salach",
    "summary": "Ein Netzwerk für gesundes Altern im Ort.",
    "contact_name": "Anna Muster",
    "email": "anna.muster@salach.example",
    "phone": "07162 / 123-45",
}
ATTACHMENT_NAME = "Bewerbungsbogen Salach.pdf"


# The demo --------------------------------------------------------------------


def parse_demo_output(text):
    """``{"AwardCallPage": ["/foerderpreis/ausschreibung-2026/", ...], ...}``
    from the lines ``b52_demo`` prints (page types in the order they first
    appear, paths in the order printed)."""
    pages = {}
    for line in text.splitlines():
        match = DEMO_LINE.match(line.strip())
        if match:
            pages.setdefault(match["type"], []).append(match["path"])
    return pages


def build_demo():
    """Run ``manage.py b52_demo``; the paths it printed, by page type."""
    from django.core.management import call_command

    output = io.StringIO()
    call_command("b52_demo", stdout=output)
    return parse_demo_output(output.getvalue())


def one_page_per_type(pages):
    """The first path of every page type: ``{"AwardCallPage": "/…/", ...}``."""
    return {page_type: paths[0] for page_type, paths in pages.items()}


def english_visitor():
    """A test client like an English-speaking browser that honours CSRF."""
    from django.test import Client

    return Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")


# Reading pages ---------------------------------------------------------------


def parse(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def package_container(document):
    """The package's own container (``<div class="b52 b52-page …">``)."""
    containers = document.select("div.b52-page")
    assert len(containers) == 1, f"expected one .b52-page container, found {len(containers)}"
    return containers[0]


def text_of(element):
    return " ".join(element.get_text(" ").split())


def missing_labels(element, labels):
    """The ``labels`` that the element's text does not show."""
    text = text_of(element)
    return [label for label in labels if label not in text]


def german_datetime(value):
    """How the package writes a date and time: ``1. Januar 2027, 23:59 Uhr``
    (Berlin time)."""
    local = value.astimezone(BERLIN)
    return f"{local.day}. {GERMAN_MONTHS[local.month - 1]} {local.year}, {local:%H:%M} Uhr"


# Applying --------------------------------------------------------------------


def hidden_values(form):
    return {
        field["name"]: field.get("value", "") for field in form.select('input[type="hidden"][name]')
    }


def choice(form, name, label=None):
    """The value of the option ``label`` of the select ``name`` (which must
    offer it), else of its first real option."""
    options = [
        (option["value"], option.get_text(strip=True))
        for option in form.select(f'select[name="{name}"] option')
        if option["value"]
    ]
    if label is None:
        return options[0][0]
    values = [value for value, text in options if text == label]
    assert values, f"{label!r} is not offered in {name!r}"
    return values[0]


def apply(client, form_path, *, district=None, wait=3.1):
    """GET the form like a browser, wait as long as a person would need at
    least, and POST it with its own hidden values (token, render time,
    CSRF token), ``APPLICATION``, the district labelled ``district`` (else
    the first) and a small PDF. Returns the response to the POST."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.applications.utils import pdf_bytes

    form = parse(client.get(form_path)).select_one("form.b52-application__form")
    assert form is not None, f"no application form on {form_path}"
    data = {
        **hidden_values(form),
        **APPLICATION,
        "applicant_type": choice(form, "applicant_type"),
        "district": choice(form, "district", district),
        "consent": "on",
        "b52_homepage": "",
        "attachments": SimpleUploadedFile(ATTACHMENT_NAME, pdf_bytes(), "application/pdf"),
    }
    time.sleep(wait)
    return client.post(form.get("action") or form_path, data)


def receipt_number(response):
    number = parse(response).select_one(".b52-receipt__number")
    return number.get_text(strip=True) if number else None


def apply_successfully(client, form_path, **options):
    """``apply()``, and check that the answer is a receipt page (200) with a
    receipt number ``B52-YYYY-NNNN`` of a stored application. Returns the
    response and the ``ApplicationSubmission``."""
    from b52_wagtail.applications.models import ApplicationSubmission

    response = apply(client, form_path, **options)
    assert response.status_code == 200
    number = receipt_number(response)
    assert number is not None and RECEIPT_NUMBER.fullmatch(number), number
    return response, ApplicationSubmission.objects.get(receipt_number=number)
