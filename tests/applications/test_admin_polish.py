"""The office reads applications in the German admin: dates in Berlin time
in the list, the detail and both exports whatever the host's TIME_ZONE,
yes/no answers as Ja/Nein, an empty filter that says so, deletions in the
log, and the applicant's mail in the language of the form page."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Locale, PageLogEntry

from b52_wagtail.applications.models import ApplicationFormField, ApplicationSubmission

from .test_export import csv_rows, export_url, xlsx_rows
from .test_form import submit
from .test_permissions import make_group, make_user
from .utils import valid_data

pytestmark = pytest.mark.django_db

# 02:23 UTC on 2 December is 03:23 in Berlin (and 21:23 the day before in New York)
MOMENT = datetime.datetime(2026, 12, 2, 2, 23, 25, 691871, tzinfo=datetime.UTC)


@pytest.fixture
def office(django_user_model):
    group = make_group("Geschäftsstelle", "view_all_applications", "delete_applicationsubmission")
    return make_user(django_user_model, "office", group)


@pytest.fixture
def application(client, form_page, district):
    ApplicationFormField.objects.create(
        page=form_page, label="Förderverein vorhanden", field_type="checkbox", required=False
    )
    ApplicationFormField.objects.create(
        page=form_page, label="Projektbeginn", field_type="date", required=False
    )
    data = valid_data(district, forderverein_vorhanden="on", projektbeginn="2026-12-01")
    assert submit(client, form_page, data).status_code == 200
    submission = ApplicationSubmission.objects.get()
    ApplicationSubmission.objects.filter(pk=submission.pk).update(
        submit_time=MOMENT, consent_at=MOMENT
    )
    return ApplicationSubmission.objects.get()


def list_url(form_page, **query):
    url = reverse("wagtailforms:list_submissions", args=[form_page.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("host_zone", ["UTC", "America/New_York"])
def test_every_date_is_berlin_time_in_list_detail_and_exports(
    client, settings, office, form_page, application, host_zone
):
    settings.TIME_ZONE = host_zone
    client.force_login(office)

    html = client.get(list_url(form_page)).content.decode()
    assert "02.12.2026 03:23" in html
    assert "01.12.2026" in html  # the editor's date field
    assert "2026-12-02" not in html and "+00:00" not in html and "True" not in html
    assert ">Ja<" in html.replace("\n", "").replace(" ", "")

    detail = client.get(
        reverse("b52_applications_admin:detail", args=[application.pk])
    ).content.decode()
    assert "2. Dezember 2026, 03:23" in detail
    assert "<dd>Ja</dd>" in detail and "<dd>01.12.2026</dd>" in detail
    assert "True" not in detail and "2026-12-01" not in detail

    headings, row = csv_rows(client.get(export_url(form_page, "csv")))
    values = dict(zip(headings, row, strict=True))
    assert values["Eingangsdatum"] == "02.12.2026 03:23"
    assert values["Einwilligung erteilt am"] == "02.12.2026 03:23"
    assert values["Projektbeginn"] == "01.12.2026"

    header, cells = xlsx_rows(client.get(export_url(form_page, "xlsx")))
    values = {h.value: c for h, c in zip(header, cells, strict=True)}
    assert values["Eingangsdatum"].value == datetime.datetime(2026, 12, 2, 3, 23, 25, 692000)
    assert values["Einwilligung erteilt am"].is_date
    assert values["Projektbeginn"].value == datetime.datetime(2026, 12, 1)
    assert values["Projektbeginn"].number_format == "dd.mm.yyyy"


def test_a_filter_that_matches_nothing_says_so(client, office, form_page, application):
    client.force_login(office)
    html = client.get(list_url(form_page, status="jury")).content.decode()
    assert "Keine Bewerbung entspricht dem Filter." in html
    assert "Es sind noch keine Bewerbungen" not in html
    assert f'href="{list_url(form_page)}"' in html


def test_a_form_without_applications_says_none_arrived(client, office, form_page):
    client.force_login(office)
    html = client.get(list_url(form_page)).content.decode()
    assert "Keine Bewerbung entspricht dem Filter." not in html
    assert "Bewerbung 2026" in html


def test_deleting_through_wagtails_own_view_is_logged(
    admin_client, admin_user, form_page, application
):
    client = admin_client
    url = reverse("wagtailforms:delete_submissions", args=[form_page.pk])
    url += f"?selected-submissions={application.pk}"
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not ApplicationSubmission.objects.exists()
    entry = PageLogEntry.objects.get(action="b52_applications.delete")
    assert entry.page_id == form_page.pk
    assert entry.user == admin_user
    assert entry.data == {
        "submission_id": application.pk,
        "receipt_number": application.receipt_number,
    }
    history = client.get(reverse("wagtailadmin_pages:history", args=[form_page.pk]))
    assert f"Bewerbung {application.receipt_number} gelöscht" in history.content.decode()


def test_the_confirmation_mail_speaks_the_language_of_the_form_page(
    client, settings, form_page, district, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    settings.WAGTAIL_I18N_ENABLED = True
    settings.LANGUAGE_CODE = "en"
    settings.LANGUAGES = settings.WAGTAIL_CONTENT_LANGUAGES = [("de", "Deutsch"), ("en", "English")]
    settings.ROOT_URLCONF = "tests.core.i18n_urls"
    assert form_page.locale.language_code == "de"
    submit(client, form_page, valid_data(district), capture=capture, HTTP_ACCEPT_LANGUAGE="en")
    confirmation = next(m for m in mail.outbox if m.to == ["anna.muster@salach.example"])
    assert confirmation.subject.startswith("Eingangsbestätigung")

    mail.outbox.clear()
    english = Locale.objects.create(language_code="en")
    english_form = form_page.copy_for_translation(english, copy_parents=True, alias=False)
    english_form.save_revision().publish()
    settings.LANGUAGE_CODE = "de"
    submit(client, english_form, valid_data(district), capture=capture, HTTP_ACCEPT_LANGUAGE="de")
    confirmation = next(m for m in mail.outbox if m.to == ["anna.muster@salach.example"])
    assert confirmation.subject.startswith("Confirmation of receipt")


def test_the_confirmation_mail_says_ja_and_german_dates(
    client, form_page, district, django_capture_on_commit_callbacks
):
    ApplicationFormField.objects.create(
        page=form_page, label="Förderverein vorhanden", field_type="checkbox", required=False
    )
    ApplicationFormField.objects.create(
        page=form_page, label="Projektbeginn", field_type="date", required=False
    )
    data = valid_data(district, forderverein_vorhanden="on", projektbeginn="2026-12-01")
    submit(client, form_page, data, capture=django_capture_on_commit_callbacks)
    confirmation = next(m for m in mail.outbox if m.to == ["anna.muster@salach.example"])
    assert "Förderverein vorhanden: Ja\n" in confirmation.body
    assert "Projektbeginn: 01.12.2026\n" in confirmation.body
    assert "True" not in confirmation.body
