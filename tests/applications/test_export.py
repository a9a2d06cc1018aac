"""The office downloads the applications of a form as CSV or XLSX: every
row once, formulas defused, Berlin time, the list's filters, a fixed number
of queries whatever the number of applications, CSV streamed from the first
byte and an audit log entry with the number of rows."""

import csv
import datetime
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import PageLogEntry

from b52_wagtail.applications.models import ApplicationSubmission, Attachment

from .test_form import submit
from .test_permissions import make_group, make_user
from .utils import valid_data

pytestmark = pytest.mark.django_db

HEADINGS = [
    "Eingangsnummer",
    "Eingangsdatum",
    "Status",
    "Art des Bewerbers",
    "Kommune oder Arbeitsgemeinschaft",
    "Stadt- oder Landkreis",
    "Projekttitel",
    "Kurzzusammenfassung",
    "Ansprechperson",
    "E-Mail",
    "Telefon",
    "Einwilligung erteilt am",
    "Version der Datenschutzerklärung",
    "Anhänge",
    "Anzahl der beteiligten Akteure",
]
FORMULA = '=HYPERLINK("http://evil.example","klick")'


@pytest.fixture
def office(django_user_model):
    group = make_group("Geschäftsstelle", "view_all_applications")
    return make_user(django_user_model, "office", group)


@pytest.fixture
def applications(client, form_page, districts):
    """Two applications sent through the form, on two days (Berlin time)."""
    moments = [
        datetime.datetime(2026, 3, 2, 9, 15, tzinfo=datetime.UTC),
        datetime.datetime(2026, 3, 20, 22, 30, tzinfo=datetime.UTC),  # 23:30 in Berlin
    ]
    answers = [
        valid_data(districts["Göppingen"]),
        valid_data(
            districts["Biberach"],
            applicant_type="arbeitsgemeinschaft",
            applicant_name="+AG Gesundes Dorf",
            project_title=FORMULA,
            anzahl_der_beteiligten_akteure="7",
        ),
    ]
    for moment, data in zip(moments, answers, strict=True):
        assert submit(client, form_page, data).status_code == 200
        submission = ApplicationSubmission.objects.latest("pk")
        ApplicationSubmission.objects.filter(pk=submission.pk).update(
            submit_time=moment, consent_at=moment
        )
    return list(ApplicationSubmission.objects.order_by("submit_time"))


def add_applications(form_page, district, count):
    """``count`` applications with an attachment each, stored directly."""
    start = datetime.datetime(2026, 4, 1, 10, tzinfo=datetime.UTC)
    first = ApplicationSubmission.objects.count()
    submissions = ApplicationSubmission.objects.bulk_create(
        ApplicationSubmission(
            page=form_page,
            form_data={"anzahl_der_beteiligten_akteure": str(number)},
            submit_time=start + datetime.timedelta(minutes=number),
            applicant_type="gemeinde",
            applicant_name=f"Gemeinde {number}",
            district=district,
            project_title=f"Projekt {number}",
            summary="Kurz.",
            contact_name="Anna Muster",
            email=f"anna{number}@example.org",
            phone="0711 1",
            consent=True,
            consent_at=start,
            receipt_number=f"B52-2026-9{number:03d}",
            idempotency_token=uuid.uuid4(),
        )
        for number in range(first, first + count)
    )
    Attachment.objects.bulk_create(
        Attachment(
            submission=submission,
            file=f"b52-applications/x/{submission.pk}.pdf",
            original_name=f"anhang-{submission.pk}.pdf",
            size=1,
            content_type="application/pdf",
            sha256="0" * 64,
        )
        for submission in submissions
    )


def export_url(form_page, export_format, **filters):
    query = "&".join(
        f"{key}={value}" for key, value in {**filters, "export": export_format}.items()
    )
    return reverse("wagtailforms:list_submissions", args=[form_page.pk]) + "?" + query


def csv_rows(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(response):
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows())


def test_the_csv_export_has_every_answer_in_german(client, office, form_page, applications):
    client.force_login(office)
    response = client.get(export_url(form_page, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="bewerbung-export-')
    rows = csv_rows(response)
    assert rows[0] == HEADINGS
    assert len(rows) == 3
    first, second = (dict(zip(HEADINGS, row, strict=True)) for row in rows[1:])
    assert first == {
        "Eingangsnummer": "B52-2026-0001",
        "Eingangsdatum": "02.03.2026 10:15",
        "Status": "Eingegangen",
        "Art des Bewerbers": "Gemeinde",
        "Kommune oder Arbeitsgemeinschaft": "Gemeinde Salach",
        "Stadt- oder Landkreis": str(applications[0].district),
        "Projekttitel": "Gesund altern in Salach",
        "Kurzzusammenfassung": "Ein Netzwerk für gesundes Altern im Ort.",
        "Ansprechperson": "Anna Muster",
        "E-Mail": "anna.muster@salach.example",
        "Telefon": "07162 / 123-45",
        "Einwilligung erteilt am": "02.03.2026 10:15",
        "Version der Datenschutzerklärung": applications[0].privacy_notice_version,
        "Anhänge": "bewerbungsbogen.pdf",
        "Anzahl der beteiligten Akteure": "12",
    }
    assert second["Eingangsnummer"] == "B52-2026-0002"
    assert second["Eingangsdatum"] == "20.03.2026 23:30"
    assert second["Stadt- oder Landkreis"] == str(applications[1].district)
    # A spreadsheet would run these: the export defuses them.
    assert second["Projekttitel"] == "'" + FORMULA
    assert second["Kommune oder Arbeitsgemeinschaft"] == "'+AG Gesundes Dorf"
    assert second["Anzahl der beteiligten Akteure"] == "7"


def test_the_xlsx_export_has_strings_and_real_berlin_times(client, office, form_page, applications):
    client.force_login(office)
    response = client.get(export_url(form_page, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="bewerbung-export-')
    rows = xlsx_rows(response)
    assert [cell.value for cell in rows[0]] == HEADINGS
    assert len(rows) == 3
    first, second = (dict(zip(HEADINGS, row, strict=True)) for row in rows[1:])
    assert first["Eingangsnummer"].value == "B52-2026-0001"
    assert first["Eingangsdatum"].value == datetime.datetime(2026, 3, 2, 10, 15)
    assert first["Eingangsdatum"].is_date
    assert first["Eingangsdatum"].number_format == "dd.mm.yyyy hh:mm"
    assert second["Eingangsdatum"].value == datetime.datetime(2026, 3, 20, 23, 30)
    assert second["Einwilligung erteilt am"].value == datetime.datetime(2026, 3, 20, 23, 30)
    assert first["Status"].value == "Eingegangen"
    assert second["Art des Bewerbers"].value.startswith("Arbeitsgemeinschaft")
    assert first["Anhänge"].value == "bewerbungsbogen.pdf"
    assert first["Anzahl der beteiligten Akteure"].value == "12"
    # Stored as text, not as formulas (and not altered).
    title = second["Projekttitel"]
    assert (title.value, title.data_type) == (FORMULA, "s")
    name = second["Kommune oder Arbeitsgemeinschaft"]
    assert (name.value, name.data_type) == ("+AG Gesundes Dorf", "s")


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_export_holds_the_filtered_rows_and_logs_their_number(
    client, office, form_page, applications, export_format
):
    ApplicationSubmission.objects.filter(pk=applications[0].pk).update(status="jury")
    client.force_login(office)

    def receipts(**filters):
        response = client.get(export_url(form_page, export_format, **filters))
        if export_format == "csv":
            return [row[0] for row in csv_rows(response)[1:]]
        return [row[0].value for row in xlsx_rows(response)[1:]]

    assert receipts(status="jury") == ["B52-2026-0001"]
    assert receipts(date_from="2026-03-10", date_to="2026-03-31") == ["B52-2026-0002"]
    assert receipts(status="awarded") == []
    assert receipts() == ["B52-2026-0001", "B52-2026-0002"]
    # Spam is left out unless asked for.
    ApplicationSubmission.objects.filter(pk=applications[1].pk).update(status="spam")
    assert receipts() == ["B52-2026-0001"]
    assert receipts(status="spam") == ["B52-2026-0002"]
    # A filter that makes no sense exports nothing; the list says why.
    response = client.get(export_url(form_page, export_format, date_from="31.02.2026"))
    assert response.status_code == 302
    list_url = reverse("wagtailforms:list_submissions", args=[form_page.pk])
    assert response["Location"] == f"{list_url}?date_from=31.02.2026"
    entries = PageLogEntry.objects.filter(action="b52_applications.export").order_by("pk")
    assert [entry.data for entry in entries] == [
        {"format": export_format, "count": count} for count in (1, 1, 0, 2, 1, 1)
    ]
    assert {entry.user_id for entry in entries} == {office.pk}
    assert {entry.page_id for entry in entries} == {form_page.pk}


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_number_of_queries_does_not_grow_with_the_applications(
    client, office, form_page, district, export_format, django_assert_num_queries
):
    client.force_login(office)
    add_applications(form_page, district, 1)
    with CaptureQueriesContext(connection) as one:
        assert len(csv_rows(client.get(export_url(form_page, "csv")))) == 2
    add_applications(form_page, district, 49)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(export_url(form_page, export_format))
        rows = csv_rows(response) if export_format == "csv" else xlsx_rows(response)
    assert len(rows) == 51
    assert PageLogEntry.objects.latest("pk").data == {"format": export_format, "count": 50}


def test_the_csv_export_streams_from_the_first_byte(client, office, form_page, district):
    add_applications(form_page, district, 3)
    client.force_login(office)
    with CaptureQueriesContext(connection) as before_first_byte:
        response = client.get(export_url(form_page, "csv"))
        assert response.streaming
        chunks = iter(response.streaming_content)
        first = next(chunks)
    # The headings go out before a single application is read or counted.
    assert first == ("\ufeff" + ",".join(HEADINGS) + "\r\n").encode()
    read = [q["sql"] for q in before_first_byte.captured_queries]
    assert not any("b52_applications_applicationsubmission" in sql for sql in read), read
    assert not PageLogEntry.objects.filter(action="b52_applications.export").exists()
    rest = b"".join(chunks).decode()
    assert rest.count("\r\n") == 3
    # Logged once the last row is out, with the number of rows sent.
    entry = PageLogEntry.objects.get(action="b52_applications.export")
    assert entry.data == {"format": "csv", "count": 3}


def test_a_page_editor_cannot_export(client, django_user_model, home, form_page, district):
    add_applications(form_page, district, 2)
    editors = make_group("Redaktion")
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission

    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=editors, page=home, permission=Permission.objects.get(codename=codename)
        )
    client.force_login(make_user(django_user_model, "editor", editors))
    for export_format in ("csv", "xlsx"):
        response = client.get(export_url(form_page, export_format))
        assert response.status_code == 403
        assert b"Projekt 1" not in response.content
    assert not PageLogEntry.objects.filter(action="b52_applications.export").exists()


def test_fields_only_get_data_knows_are_exported_too(
    client, office, form_page, applications, monkeypatch
):
    # A host's subclass adds columns to get_data_fields() and get_data().
    page_class = type(form_page)
    original_fields = page_class.get_data_fields
    original_data = ApplicationSubmission.get_data
    extra = [("token", "Token"), ("checked", "Geprüft"), ("score", "Punkte"), ("tags", "=Tags")]
    monkeypatch.setattr(
        page_class, "get_data_fields", lambda page: [*original_fields(page), *extra]
    )

    def get_data(submission):
        return {
            **original_data(submission),
            "token": "=T" + submission.receipt_number,
            "checked": submission.pk == applications[0].pk,
            "score": 2.5,
            "tags": ["-Dorf", "Stadt"],
        }

    monkeypatch.setattr(ApplicationSubmission, "get_data", get_data)
    client.force_login(office)
    headings = [*HEADINGS, "Token", "Geprüft", "Punkte", "'=Tags"]
    rows = csv_rows(client.get(export_url(form_page, "csv")))
    assert rows[0] == headings
    assert [row[-4:] for row in rows[1:]] == [
        ["'=TB52-2026-0001", "Ja", "2.5", "'-Dorf, Stadt"],
        ["'=TB52-2026-0002", "Nein", "2.5", "'-Dorf, Stadt"],
    ]
    assert rows[2][HEADINGS.index("Status")] == "Eingegangen"
    assert rows[2][HEADINGS.index("Projekttitel")] == "'" + FORMULA
    assert rows[2][HEADINGS.index("Eingangsdatum")] == "20.03.2026 23:30"

    cells = xlsx_rows(client.get(export_url(form_page, "xlsx")))
    assert [cell.value for cell in cells[0]] == headings
    token, checked, score, tags = cells[1][-4:]
    assert (token.value, token.data_type) == ("=TB52-2026-0001", "s")
    assert (checked.value, checked.data_type) == (True, "b")
    assert (score.value, score.data_type) == (2.5, "n")
    assert (tags.value, tags.data_type) == ("-Dorf, Stadt", "s")
    assert cells[2][HEADINGS.index("Eingangsdatum")].value == datetime.datetime(2026, 3, 20, 23, 30)


def test_xlsx_times_keep_the_berlin_clock_across_the_change_to_summer_time(
    client, office, form_page, applications
):
    """The XLSX writes times as serial numbers with the zone's offset looked
    up per hour: the hours around the clock change must not share one."""
    moments = {
        "B52-2026-0001": datetime.datetime(2026, 3, 29, 0, 59, tzinfo=datetime.UTC),  # 01:59 CET
        "B52-2026-0002": datetime.datetime(2026, 3, 29, 1, 0, tzinfo=datetime.UTC),  # 03:00 CEST
    }
    for receipt_number, moment in moments.items():
        ApplicationSubmission.objects.filter(receipt_number=receipt_number).update(
            submit_time=moment, consent_at=moment + datetime.timedelta(microseconds=500_000)
        )
    client.force_login(office)
    rows = xlsx_rows(client.get(export_url(form_page, "xlsx")))
    times = {row[0].value: (row[1].value, row[11].value) for row in rows[1:]}
    assert times["B52-2026-0001"][0] == datetime.datetime(2026, 3, 29, 1, 59)
    assert times["B52-2026-0002"][0] == datetime.datetime(2026, 3, 29, 3, 0)
    # Half a second later: still the same minute on the clock.
    assert times["B52-2026-0002"][1].replace(microsecond=0) in (
        datetime.datetime(2026, 3, 29, 3, 0),
        datetime.datetime(2026, 3, 29, 3, 0, 1),
    )


def test_a_checkbox_an_editor_added_reads_ja_or_nein_in_csv(client, office, call, districts):
    from b52_wagtail.applications.models import ApplicationFormField

    from .utils import make_form_page

    form_page = make_form_page(call, slug="mit-haekchen", extra_fields=False)
    form_page.form_fields = [
        ApplicationFormField(label="Mit Kita beteiligt", field_type="checkbox", required=False)
    ]
    form_page.save_revision().publish()
    for number, answer in enumerate((True, False), 1):
        ApplicationSubmission.objects.create(
            page=form_page,
            form_data={"mit_kita_beteiligt": answer},
            applicant_type="gemeinde",
            applicant_name=f"Gemeinde {number}",
            district=districts["Göppingen"],
            project_title="Projekt",
            summary="Kurz.",
            contact_name="Anna Muster",
            email="anna@example.org",
            phone="0711",
            receipt_number=f"B52-2026-900{number}",
            idempotency_token=uuid.uuid4(),
        )
    client.force_login(office)
    rows = csv_rows(client.get(export_url(form_page, "csv")))
    column = rows[0].index("Mit Kita beteiligt")
    assert sorted(row[column] for row in rows[1:]) == ["Ja", "Nein"]
