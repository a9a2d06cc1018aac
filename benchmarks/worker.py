"""One site under measurement, in a process of its own (started by
``python -m benchmarks``; not meant to be run by hand).

    python benchmarks/worker.py b52|floor

Django is set up from ``DJANGO_SETTINGS_MODULE`` (and ``PYTHONPATH``) as the
harness passes them. The worker reads one JSON command per line on stdin and
answers each with one JSON line on stdout:

- ``{"cmd": "build", ...}``: builds the benchmark content, answers the URL
  of every role (``{"roles": {...}}``);
- ``{"cmd": "get", "role": r, "cold": bool}``: one request, answers its
  duration in seconds; cold: an editor publishes a page first (outside the
  timing), so the request is the first after a change;
- ``{"cmd": "post"}``: one valid application with a 1 MiB PDF;
- ``{"cmd": "queries", "role": r}``: the number of SQL queries of one
  request (a separate request, not timed);
- ``{"cmd": "memory"}``: peak RSS of this process (MiB);
- ``{"cmd": "post", "tasks": "immediate"}`` (b52): the same POST with the
  immediate task backend (mails sent inside the request);
- ``{"cmd": "checks", "posts": n}`` (b52): ``n`` POSTs under cProfile, the
  milliseconds per POST spent in each check of the applications app.

Timing is done here, with Django's test client in process: no HTTP server,
no pipe round trip in the figures.
"""

import json
import math
import resource
import sys
import time

PDF_SIZE = 1024 * 1024


def pdf_of_size(size=PDF_SIZE):
    """A valid one-page PDF of about ``size`` bytes (a long content stream of
    harmless drawing operators)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    operator = b"q 1 0 0 1 0 0 cm Q\n"
    stream = DecodedStreamObject()
    stream.set_data(operator * (size // len(operator)))
    page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class Site:
    """The common part: test client, timing, publishing, query counting."""

    def __init__(self):
        from django.test import Client

        self.client = Client()
        self.roles = {}
        self.pdf = pdf_of_size()
        self.posts = 0

    def publish(self):
        """What an editor does: publish a new revision of a page that is not
        measured (``self.edited``)."""
        page = type(self.edited).objects.get(pk=self.edited.pk)
        page.title = f"{page.title.split(' #')[0]} #{time.monotonic_ns()}"
        page.save_revision().publish()

    def get(self, role, cold=False):
        if cold:
            self.publish()
        url = self.roles[role]
        start = time.perf_counter()
        response = self.client.get(url)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, (role, url, response.status_code)
        return {"s": elapsed}

    def post(self, tasks=None):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import override_settings

        if tasks == "immediate":
            backend = "django_tasks.backends.immediate.ImmediateBackend"
            with override_settings(TASKS={"default": {"BACKEND": backend}}):
                return self.post()

        self.posts += 1
        data = self.post_data()
        data[self.file_field] = SimpleUploadedFile(
            "bewerbungsbogen.pdf", self.pdf, "application/pdf"
        )
        # Every applicant from an address of their own: the rate limit stays on.
        address = f"10.{self.posts // 65536 % 256}.{self.posts // 256 % 256}.{self.posts % 256}"
        start = time.perf_counter()
        response = self.client.post(self.roles["form"], data, REMOTE_ADDR=address)
        elapsed = time.perf_counter() - start
        self.check_post(response)
        return {"s": elapsed}

    def queries(self, role):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            if role == "post":
                self.post()
            else:
                self.get(role)
        return {"queries": len(captured.captured_queries)}


# What a valid application passes through, in the order of the request:
# label → (the end of the module's file name, function name). cProfile's
# cumulative time per call, so an inner check is part of its outer one.
CHECKS = {
    "the view (Django handler)": ("django/core/handlers/base.py", "_get_response"),
    "rate limit": ("applications/ratelimit.py", "rate_limit_wait"),
    "multipart parsing of the body": ("django/http/request.py", "_load_post_and_files"),
    "token lookup (resubmission?)": ("applications/models/page.py", "stored_submission_for"),
    "form validation, all fields": ("django/forms/forms.py", "full_clean"),
    "  spam signature (honeypot, token)": ("applications/forms.py", "looks_like_spam"),
    "  call open? (period check)": ("applications/models/page.py", "accepts_applications"),
    "  district choice": ("applications/forms.py", "clean_district"),
    "  file inspection (PDF structure)": ("applications/uploads/__init__.py", "check_uploads"),
    "store: transaction, rows, file": ("applications/models/page.py", "process_form_submission"),
    "  receipt number": ("applications/models/page.py", "next_receipt_number"),
    "  file written to private storage": ("django/core/files/storage/base.py", "save"),
    "  mail rows": ("applications/models/page.py", "create_mail_deliveries"),
    "mail queue after commit": ("applications/models/page.py", "enqueue_deliveries"),
    "receipt page": ("applications/models/page.py", "render_outcome"),
}


class B52Site(Site):
    file_field = "attachments"

    def checks(self, posts):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        for _ in range(posts):
            profiler.runcall(self.post)
        stats = pstats.Stats(profiler).stats
        figures = {}
        for label, (suffix, name) in CHECKS.items():
            seconds = sum(
                cumulative
                for (path, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.items()
                if function == name and path.replace("\\", "/").endswith(suffix)
            )
            figures[label] = round(seconds / posts * 1000, 2)
        return {"ms": figures}

    def build(self, releases):
        from django.conf import settings
        from wagtail.models import Site as WagtailSite

        from b52_wagtail.applications.models import ApplicationFormPage
        from b52_wagtail.awards.models import AwardCallPage, WinnerShowcasePage
        from b52_wagtail.cooperation.models import CooperationFieldPage
        from b52_wagtail.models import District
        from b52_wagtail.press.models import PressReleaseIndexPage, PressReleasePage
        from tests.press.factories import bulk_releases

        home = WagtailSite.objects.get(is_default_site=True).root_page.specific
        index = PressReleaseIndexPage.objects.live().first()
        # A release as the demo writes them (body, images, contacts, downloads).
        release = PressReleasePage.objects.live().child_of(index).order_by("-release_date").first()
        self.edited = PressReleasePage.objects.child_of(index).order_by("release_date").first()
        demo_count = PressReleasePage.objects.child_of(index).count()
        bulk_releases(
            index,
            max(releases - demo_count, 0),
            image=release.lead_image,
            organisation=release.lead_organisation,
        )
        total = PressReleasePage.objects.live().child_of(index).count()
        index.refresh_from_db()
        last = max(math.ceil(total / index.page_size), 1)
        # The form of the open call (the demo also has a closed call's form).
        form = next(
            page
            for page in ApplicationFormPage.objects.live().select_related("call").order_by("path")
            if page.call and page.call.accepts_applications()
        )
        self.district = District.objects.filter(locale=form.locale).order_by("pk").first()
        self.roles = {
            "home": home.url,
            "press index, page 1": index.url,
            "press index, last page": f"{index.url}?page={last}",
            "press release": release.url,
            "form": form.url,
            "award call": AwardCallPage.objects.live().first().url,
            "winner showcase": WinnerShowcasePage.objects.live().first().url,
            "cooperation field": CooperationFieldPage.objects.live().first().url,
        }
        self.form_page = form
        return {
            "roles": self.roles,
            "releases": total,
            "page_size": index.page_size,
            "tasks": settings.TASKS["default"]["BACKEND"],
            "cache": settings.CACHES["default"]["BACKEND"],
        }

    def post_data(self):
        from b52_wagtail.applications.forms import mint_token

        return {
            "applicant_type": "gemeinde",
            "applicant_name": "Gemeinde Salach",
            "district": str(self.district.pk),
            "project_title": "Gesund altern in Salach",
            "summary": "Ein Netzwerk für gesundes Altern im Ort.",
            "contact_name": "Anna Muster",
            "email": "anna.muster@salach.example",
            "phone": "07162 / 123-45",
            "consent": "on",
            "anzahl_der_beteiligten_akteure": "12",
            # Issued a minute ago: the spam check's minimum time has passed.
            "b52_token": mint_token(now=time.time() - 60),
            "b52_homepage": "",
        }

    def check_post(self, response):
        from b52_wagtail.applications.models import ApplicationSubmission

        assert response.status_code in (200, 302), response.status_code
        assert ApplicationSubmission.objects.filter(page=self.form_page).count() == self.posts, (
            "the application was not stored",
            response.content.decode()[:2000],
        )


FLOOR_FIELDS = [
    ("Name", "singleline"),
    ("Projekttitel", "singleline"),
    ("Kurzbeschreibung", "multiline"),
    ("Ansprechperson", "singleline"),
    ("E-Mail", "email"),
    ("Telefon", "singleline"),
    ("Anzahl der beteiligten Akteure", "number"),
    ("Einwilligung", "checkbox"),
]


class FloorSite(Site):
    """The floor: a plain ``wagtail start`` site (its HomePage) plus a plain
    Wagtail form page (``AbstractEmailForm``) added by the harness."""

    file_field = "anhang"  # not a field of the form: parsed, then ignored

    def build(self, releases):
        from django.conf import settings
        from home.models import FormField, FormPage, HomePage
        from wagtail.models import Site as WagtailSite

        home = WagtailSite.objects.get(is_default_site=True).root_page.specific

        def add(parent, slug, page=None):
            page = page or HomePage(title=slug.title(), slug=slug)
            parent.add_child(instance=page)
            page.save_revision().publish()
            return page

        depth1 = add(home, "bereich")
        depth2 = add(depth1, "seite")
        depth3 = add(depth2, "unterseite")
        form = FormPage(title="Formular", slug="formular", to_address="office@example.org")
        form.form_fields = [
            FormField(label=label, field_type=kind, required=kind != "number", sort_order=n)
            for n, (label, kind) in enumerate(FLOOR_FIELDS)
        ]
        form = add(depth2, "formular", form)  # as deep as the application form
        self.edited = add(home, "aktuelles")
        self.form_page = form
        self.depths = {0: home.url, 1: depth1.url, 2: depth2.url, 3: depth3.url}
        self.roles = {f"depth {n}": url for n, url in self.depths.items()}
        self.roles["form"] = form.url
        return {
            "roles": self.roles,
            "tasks": getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "-"),
            "cache": settings.CACHES["default"]["BACKEND"],
        }

    def post_data(self):
        return {
            "name": "Gemeinde Salach",
            "projekttitel": "Gesund altern in Salach",
            "kurzbeschreibung": "Ein Netzwerk für gesundes Altern im Ort.",
            "ansprechperson": "Anna Muster",
            "e_mail": "anna.muster@salach.example",
            "telefon": "07162 / 123-45",
            "anzahl_der_beteiligten_akteure": "12",
            "einwilligung": "on",
        }

    def check_post(self, response):
        from wagtail.contrib.forms.models import FormSubmission

        assert response.status_code == 200, response.status_code
        assert FormSubmission.objects.count() == self.posts, response.content.decode()[:2000]


def main():
    import django

    django.setup()
    site = B52Site() if sys.argv[1] == "b52" else FloorSite()
    for line in sys.stdin:
        command = json.loads(line)
        name = command.pop("cmd")
        if name == "memory":
            answer = {"peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
        elif name == "quit":
            break
        else:
            answer = getattr(site, name)(**command)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
