"""The public application form, as Wagtail's forms tests do it: GET, invalid
POST, valid POST, the landing page, mail.outbox and the stored row.

Every refusal asserts the German message at its field and that nothing was
stored: no row, no file, no mail."""

import datetime
import hashlib
import html
import re
import time

import pytest
import time_machine
from django.core import mail
from django.core.cache import caches
from django.utils import timezone
from wagtail.models import Page

from b52_wagtail.applications.forms import token_uuid
from b52_wagtail.applications.models import (
    ApplicationStatus,
    ApplicationSubmission,
    Attachment,
    MailDelivery,
)
from b52_wagtail.models import ApplicantType, B52Settings

from .utils import (
    assert_nothing_stored,
    berlin,
    make_call,
    make_form_page,
    pdf,
    stored_files,
    token,
    valid_data,
)

pytestmark = pytest.mark.django_db


def submit(client, page, data, files=None, capture=None, **extra):
    payload = {**data, "attachments": files if files is not None else [pdf()]}
    if capture is None:
        return client.post(page.url, payload, **extra)
    with capture(execute=True):
        return client.post(page.url, payload, **extra)


def assert_refused(response, message, field=None):
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert message in content, content[-3000:]
    assert 'id="b52-error-summary"' in content
    if field:
        form = response.context["form"]
        assert any(message in error for error in form.errors[field]), form.errors
        # The error sits next to its field and is linked from the summary.
        assert f'id="id_{field}_error"' in content
        assert f'href="#id_{field}"' in content
    assert_nothing_stored()


# GET ------------------------------------------------------------------------


def test_get_shows_the_german_form_with_fixed_and_editor_fields(client, form_page):
    response = client.get(form_page.url)
    assert response.status_code == 200
    content = response.content.decode()
    for label in (
        "Wer bewirbt sich?",
        "Kommune oder Arbeitsgemeinschaft",
        "Stadt- oder Landkreis",
        "Projekttitel",
        "Kurzzusammenfassung",
        "Ansprechperson",
        "E-Mail",
        "Telefon",
        "Anhänge",
        "Anzahl der beteiligten Akteure",
        "Bewerbung absenden",
    ):
        assert label in content
    assert 'enctype="multipart/form-data"' in content
    assert 'name="b52_token"' in content and "b52_rendered" not in content
    assert content.count("<h1") == 1
    assert "b52-error-summary" not in content


def test_only_admitted_applicant_types_are_offered(client, home):
    call = make_call(home, applicant_types=[ApplicantType.MUNICIPALITY])
    page = make_form_page(call)
    content = client.get(page.url).content.decode()
    assert 'value="gemeinde"' in content
    assert 'value="stadt"' not in content


def test_consent_links_the_privacy_policy_page_from_the_settings(client, form_page, home):
    privacy = home.add_child(instance=Page(title="Datenschutz", slug="datenschutz"))
    site_settings = B52Settings.for_site(form_page.get_site())
    site_settings.privacy_policy_page = privacy
    site_settings.save()
    content = client.get(form_page.url).content.decode()
    assert 'wie in der <a href="/datenschutz/">Datenschutzerklärung</a>' in content


def test_a_closed_call_shows_why_and_no_form(client, home):
    call = make_call(
        home,
        start=berlin(2022, 7, 1),
        deadline=berlin(2022, 11, 30, 23, 59),
        slug="ausschreibung-2022",
        edition=2022,
    )
    page = make_form_page(call)
    response = client.get(page.url)
    content = response.content.decode()
    assert "Die Bewerbungsfrist ist am 30. November 2022, 23:59 Uhr abgelaufen" in content
    assert "<form" not in content


# Valid POST -----------------------------------------------------------------


def test_valid_post_stores_the_application_and_shows_the_receipt(
    client, form_page, district, django_capture_on_commit_callbacks
):
    data = valid_data(district)
    response = submit(client, form_page, data, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Vielen Dank für Ihre Bewerbung" in content
    assert "B52-2026-0001" in content
    assert response.templates[0].name == form_page.landing_page_template

    submission = ApplicationSubmission.objects.get()
    assert submission.page_id == form_page.pk
    assert submission.call_id == form_page.call_id
    assert submission.receipt_number == "B52-2026-0001"
    assert submission.status == ApplicationStatus.RECEIVED
    assert not submission.is_spam
    assert submission.applicant_type == "gemeinde"
    assert submission.applicant_name == "Gemeinde Salach"
    assert submission.district == district
    assert submission.project_title == "Gesund altern in Salach"
    assert submission.email == "anna.muster@salach.example"
    assert submission.consent is True
    assert submission.consent_at is not None
    assert submission.privacy_notice_version == "1"
    assert submission.idempotency_token == token_uuid(data["b52_token"])
    # Editor-added fields go to Wagtail's form_data, fixed ones to columns.
    assert submission.form_data == {"anzahl_der_beteiligten_akteure": "12"}

    attachment = submission.attachments.get()
    assert attachment.original_name == "bewerbungsbogen.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.startswith("b52-applications/")
    assert attachment.file.name.endswith(".pdf")
    assert "bewerbungsbogen" not in attachment.file.name
    assert stored_files() == [attachment.file.name]
    assert len(attachment.sha256) == 64

    confirmation, notification = mail.outbox
    assert confirmation.to == ["anna.muster@salach.example"]
    assert confirmation.subject == "Eingangsbestätigung Ihrer Bewerbung B52-2026-0001"
    assert "B52-2026-0001" in confirmation.body
    assert "Gesund altern in Salach" in confirmation.body
    assert "Ein Netzwerk für gesundes Altern im Ort." in confirmation.body
    assert "Anzahl der beteiligten Akteure: 12" in confirmation.body
    assert confirmation.attachments == []
    assert notification.to == ["office@example.org"]
    assert f"/admin/b52-applications/{submission.pk}/" in notification.body
    assert notification.attachments == []
    for private in ("Anna Muster", "anna.muster", "Salach", "07162"):
        assert private not in notification.body
        assert private not in notification.subject
    assert set(submission.mail_deliveries.values_list("kind", "state")) == {
        ("confirmation", "sent"),
        ("notification", "sent"),
    }


def test_receipt_numbers_count_up_per_call(client, form_page, district, home):
    for _ in range(3):
        submit(client, form_page, valid_data(district))
    other_call = make_call(home, edition=2027, slug="ausschreibung-2027")
    other_page = make_form_page(other_call)
    submit(client, other_page, valid_data(district))
    assert sorted(ApplicationSubmission.objects.values_list("receipt_number", flat=True)) == [
        "B52-2026-0001",
        "B52-2026-0002",
        "B52-2026-0003",
        "B52-2027-0001",
    ]


def test_the_office_address_is_used_when_the_page_names_none(
    client, call, district, django_capture_on_commit_callbacks
):
    page = make_form_page(call, slug="ohne-empfaenger")
    page.to_address = ""
    page.save_revision().publish()
    site_settings = B52Settings.for_site(page.get_site())
    site_settings.office_email = "geschaeftsstelle@example.org"
    site_settings.save()
    submit(client, page, valid_data(district), capture=django_capture_on_commit_callbacks)
    assert [message.to for message in mail.outbox] == [
        ["anna.muster@salach.example"],
        ["geschaeftsstelle@example.org"],
    ]


def test_the_privacy_notice_version_is_recorded(client, form_page, district):
    site_settings = B52Settings.for_site(form_page.get_site())
    site_settings.privacy_notice_version = "2026-03"
    site_settings.save()
    submit(client, form_page, valid_data(district))
    assert ApplicationSubmission.objects.get().privacy_notice_version == "2026-03"


# Invalid POST -----------------------------------------------------------------


def test_an_empty_post_lists_every_required_field_in_german(client, form_page):
    response = client.post(form_page.url, {"b52_token": token()})
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Ihre Bewerbung wurde noch nicht gesendet" in content
    assert 'role="alert"' in content and 'tabindex="-1"' in content
    for field in ("applicant_type", "applicant_name", "district", "project_title", "summary"):
        assert f'href="#id_{field}"' in content
        assert f'aria-describedby="id_{field}_error"' in content or (
            f'id_{field}_help id_{field}_error"' in content
        )
    assert "Bitte fügen Sie Ihre Bewerbungsunterlagen bei." in content
    assert "Bitte stimmen Sie der Datenschutzerklärung zu." in content
    assert "Bitte füllen Sie dieses Feld aus." in content
    assert_nothing_stored()


def test_invalid_post_keeps_what_was_typed(client, form_page, district):
    data = valid_data(district, email="keine-adresse")
    response = submit(client, form_page, data)
    content = response.content.decode()
    assert 'value="Gesund altern in Salach"' in content
    assert "Ein Netzwerk für gesundes Altern im Ort." in content
    assert f'value="{data["b52_token"]}"' in content


def test_an_invalid_email_is_refused(client, form_page, district):
    response = submit(client, form_page, valid_data(district, email="anna@@example"))
    assert_refused(response, "Bitte geben Sie eine gültige E-Mail-Adresse ein", "email")


def test_an_email_with_a_header_line_break_is_refused(client, form_page, district):
    response = submit(
        client, form_page, valid_data(district, email="anna@example.org\nBcc: x@example.org")
    )
    assert_refused(response, "Bitte geben Sie eine gültige E-Mail-Adresse ein", "email")


def test_a_phone_number_with_letters_is_refused(client, form_page, district):
    response = submit(client, form_page, valid_data(district, phone="call me maybe"))
    assert_refused(response, "Bitte geben Sie eine Telefonnummer nur mit Ziffern", "phone")


def test_missing_consent_is_refused(client, form_page, district):
    response = submit(client, form_page, valid_data(district, consent=None))
    assert_refused(response, "Bitte stimmen Sie der Datenschutzerklärung zu.", "consent")


@pytest.mark.parametrize("made_up", ["kaputt", "", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"])
def test_a_token_the_server_did_not_issue_is_treated_like_a_bot(
    client, form_page, district, made_up
):
    response = submit(client, form_page, valid_data(district, b52_token=made_up))
    assert "Vielen Dank für Ihre Bewerbung" in response.content.decode()
    assert ApplicationSubmission.objects.get().is_spam
    assert stored_files() == []
    assert mail.outbox == []


def test_an_expired_token_asks_to_send_again_with_a_fresh_one(client, form_page, district):
    data = valid_data(district, b52_token=token(seconds_ago=24 * 60 * 60 + 5))
    response = submit(client, form_page, data)
    content = html.unescape(response.content.decode())
    assert "Dieses Formular wurde vor zu langer Zeit geöffnet" in content
    assert ApplicationSubmission.objects.count() == 0
    fresh = re.search(r'name="b52_token" value="([^"]+)"', content)[1]
    assert fresh != data["b52_token"]
    assert token_uuid(fresh) is not None
    # Sent again with the fresh token (after the person checked it): stored.
    time_machine_ok = submit(client, form_page, {**data, "b52_token": token()})
    assert "B52-2026-0001" in time_machine_ok.content.decode()


def test_a_token_is_signed_with_the_secret_key(client, form_page, district, settings):
    data = valid_data(district)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    submit(client, form_page, data)
    assert ApplicationSubmission.objects.get().is_spam


def test_one_token_serves_one_submission(client, form_page, district):
    data = valid_data(district)
    first = submit(client, form_page, data)
    second = submit(client, form_page, {**data, "project_title": "Ein anderes Projekt"})
    assert ApplicationSubmission.objects.count() == 1
    assert "B52-2026-0001" in first.content.decode()
    assert "B52-2026-0001" in second.content.decode()
    assert ApplicationSubmission.objects.get().project_title == "Gesund altern in Salach"


@pytest.mark.parametrize(
    "field,length",
    [("summary", 3001), ("project_title", 256), ("applicant_name", 256), ("contact_name", 256)],
)
def test_over_long_text_is_refused_with_the_limit(client, form_page, district, field, length):
    response = submit(client, form_page, valid_data(district, **{field: "ä" * length}))
    assert_refused(response, "Bitte kürzen Sie den Text auf höchstens", field)


def test_the_summary_limit_is_a_setting(client, form_page, district, settings):
    settings.B52_APPLICATION_SUMMARY_MAX_LENGTH = 20
    response = submit(client, form_page, valid_data(district, summary="x" * 21))
    assert_refused(response, "höchstens 20 Zeichen", "summary")


def test_text_is_stored_in_nfc_and_limits_count_nfc_characters(client, form_page, district):
    decomposed = "Mu\u0308nchen-Stra\u00dfe \U0001f3e1"
    summary = "a\u0308" * 3000  # 6000 code points, 3000 characters in NFC
    response = submit(
        client,
        form_page,
        valid_data(district, applicant_name=decomposed, project_title=decomposed, summary=summary),
    )
    assert response.status_code == 200
    submission = ApplicationSubmission.objects.get()
    assert submission.applicant_name == "München-Straße \U0001f3e1"
    assert submission.summary == "ä" * 3000


def test_unknown_post_fields_are_ignored(client, form_page, district):
    data = valid_data(
        district,
        status="awarded",
        is_spam="1",
        receipt_number="B52-2026-9999",
        consent_at="2000-01-01",
        privacy_notice_version="0",
        evil="<script>alert(1)</script>",
    )
    submit(client, form_page, data)
    submission = ApplicationSubmission.objects.get()
    assert submission.status == ApplicationStatus.RECEIVED
    assert submission.receipt_number == "B52-2026-0001"
    assert submission.privacy_notice_version == "1"
    # The server's time, not the posted one.
    assert abs(submission.consent_at - timezone.now()) < datetime.timedelta(minutes=5)
    assert "evil" not in submission.form_data
    assert set(submission.form_data) == {"anzahl_der_beteiligten_akteure"}


# Rules of the call -------------------------------------------------------------


def test_before_the_start_of_applications_nothing_is_stored(client, home, district):
    call = make_call(home, start=berlin(2026, 12, 1, 9), deadline=berlin(2027, 1, 31, 23, 59))
    page = make_form_page(call)
    with time_machine.travel(berlin(2026, 11, 30, 12), tick=False):
        response = submit(client, page, valid_data(district))
    assert_refused(response, "Bewerbungen sind ab 1. Dezember 2026, 09:00 Uhr möglich.")


@pytest.mark.parametrize(
    "deadline,moment,accepted",
    [
        # One second before the end of the deadline minute: accepted.
        (berlin(2026, 11, 30, 23, 59), berlin(2026, 11, 30, 23, 59, 59), True),
        # One second after the deadline minute: refused.
        (berlin(2026, 11, 30, 23, 59), berlin(2026, 12, 1, 0, 0, 1), False),
        # The day the clocks go back (25 October 2026, 03:00 CEST → 02:00 CET).
        (berlin(2026, 10, 25, 23, 59), berlin(2026, 10, 25, 23, 59, 30), True),
        (berlin(2026, 10, 25, 23, 59), berlin(2026, 10, 26, 0, 0, 30), False),
        # The day the clocks go forward (29 March 2026, 02:00 CET → 03:00 CEST).
        (berlin(2026, 3, 29, 3, 30), berlin(2026, 3, 29, 3, 30, 59), True),
        (berlin(2026, 3, 29, 3, 30), berlin(2026, 3, 29, 3, 31, 1), False),
    ],
)
def test_the_deadline_is_enforced_to_the_minute_in_berlin_time(
    client, home, district, deadline, moment, accepted
):
    call = make_call(home, start=berlin(2026, 1, 1), deadline=deadline)
    page = make_form_page(call)
    # The form was loaded before the deadline; the POST comes at ``moment``.
    with time_machine.travel(deadline - datetime.timedelta(minutes=30), tick=False):
        data = valid_data(district)
    with time_machine.travel(moment, tick=False):
        response = submit(client, page, data)
    if accepted:
        assert ApplicationSubmission.objects.count() == 1
        assert "B52-2026-0001" in response.content.decode()
    else:
        local = deadline.strftime("%H:%M")
        assert_refused(response, f"Die Bewerbungsfrist ist am {deadline.day}.")
        assert local in response.content.decode()


def test_a_district_without_kgk_is_refused_when_the_call_requires_one(client, form_page, district):
    district.has_kgk = False
    district.save()
    response = submit(client, form_page, valid_data(district))
    assert_refused(
        response, "Landkreis Göppingen hat keine Kommunale Gesundheitskonferenz", "district"
    )


def test_a_district_without_kgk_is_accepted_when_the_call_does_not_require_one(
    client, home, district
):
    district.has_kgk = False
    district.save()
    page = make_form_page(make_call(home, requires_kgk=False))
    submit(client, page, valid_data(district))
    assert ApplicationSubmission.objects.count() == 1


def test_an_applicant_type_the_call_does_not_admit_is_refused(client, home, district):
    call = make_call(home, applicant_types=[ApplicantType.MUNICIPALITY, ApplicantType.TOWN])
    page = make_form_page(call)
    response = submit(client, page, valid_data(district, applicant_type="arbeitsgemeinschaft"))
    assert_refused(
        response, "Diese Ausschreibung lässt Bewerbungen dieser Art nicht zu", "applicant_type"
    )


def test_an_unknown_applicant_type_is_refused(client, form_page, district):
    response = submit(client, form_page, valid_data(district, applicant_type="verein"))
    assert_refused(
        response, "Bitte wählen Sie eine der angebotenen Möglichkeiten.", "applicant_type"
    )


def test_an_unpublished_call_accepts_nothing(client, call, form_page, district):
    call.unpublish()
    response = submit(client, form_page, valid_data(district))
    assert_refused(response, "Über dieses Formular können keine Bewerbungen eingereicht werden.")


# Escaping -------------------------------------------------------------------------


def test_markup_in_text_fields_is_escaped_on_the_landing_page(client, form_page, district):
    data = valid_data(
        district,
        project_title='<script>alert("x")</script>',
        applicant_name='"onmouseover="alert(1)',
    )
    content = submit(client, form_page, data).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert '"onmouseover="' not in content
    assert ApplicationSubmission.objects.get().project_title == '<script>alert("x")</script>'


def test_markup_typed_into_a_refused_form_is_escaped(client, form_page, district):
    data = valid_data(district, project_title="<script>alert(1)</script>", email="x")
    content = submit(client, form_page, data).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_html_in_an_editors_label_and_help_text_is_escaped(client, call):
    from b52_wagtail.applications.models import ApplicationFormField

    page = make_form_page(call, extra_fields=False)
    page.form_fields = [
        ApplicationFormField(
            label="<b>Fett</b>",
            help_text='<img src="x" onerror="alert(1)">',
            field_type="singleline",
            required=False,
        )
    ]
    page.save_revision().publish()
    content = client.get(page.url).content.decode()
    assert "<b>Fett</b>" not in content
    assert "&lt;b&gt;Fett&lt;/b&gt;" in content
    assert '<img src="x"' not in content


def test_a_name_with_a_header_injection_is_stored_and_mailed_safely(
    client, form_page, district, django_capture_on_commit_callbacks
):
    name = "Anna\r\nBcc: evil@example.org"
    data = valid_data(district, contact_name=name)
    response = submit(client, form_page, data, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    submission = ApplicationSubmission.objects.get()
    # Stored on one line: a single-line answer keeps no control character.
    assert submission.contact_name == "Anna Bcc: evil@example.org"
    confirmation, notification = mail.outbox
    for message in mail.outbox:
        assert message.bcc == []
        headers = message.message()
        assert headers["Bcc"] is None
        assert "evil@example.org" not in ",".join(message.recipients())
    assert confirmation.to == ["anna.muster@salach.example"]
    # The mails are plain text: nothing to run in a mail client.
    assert not getattr(confirmation, "alternatives", [])


# Spam -------------------------------------------------------------------------------


def test_a_filled_honeypot_looks_like_success_but_is_flagged_and_sends_nothing(
    client, form_page, district, django_capture_on_commit_callbacks
):
    data = valid_data(district, b52_homepage="https://spam.example")
    response = submit(client, form_page, data, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Vielen Dank für Ihre Bewerbung" in response.content.decode()
    assert "B52-2026" not in response.content.decode()
    submission = ApplicationSubmission.objects.get()
    assert submission.is_spam
    assert submission.status == ApplicationStatus.SPAM
    assert submission.receipt_number == ""
    assert Attachment.objects.count() == 0
    assert stored_files() == []
    assert mail.outbox == []
    assert MailDelivery.objects.count() == 0
    # Spam does not use up a receipt number: the next real one is 0001.
    submit(client, form_page, valid_data(district))
    assert ApplicationSubmission.objects.get(is_spam=False).receipt_number == "B52-2026-0001"


def test_a_form_posted_too_fast_is_flagged_as_spam(client, form_page, district):
    # One second after the form was issued, however slow the machine.
    with time_machine.travel(timezone.now(), tick=False):
        response = submit(client, form_page, valid_data(district, b52_token=token(1)))
    assert "Vielen Dank für Ihre Bewerbung" in response.content.decode()
    assert ApplicationSubmission.objects.get().is_spam
    assert stored_files() == []
    assert mail.outbox == []


def test_a_forged_render_time_is_flagged_as_spam(client, form_page, district):
    genuine = token(0)
    forged = genuine.replace(genuine.split(":")[1], f"{time.time() - 600:.3f}")
    submit(client, form_page, valid_data(district, b52_token=forged))
    assert ApplicationSubmission.objects.get().is_spam


def test_the_minimum_time_is_a_setting(client, form_page, district, settings):
    settings.B52_APPLICATION_MIN_SECONDS = 0
    submit(client, form_page, valid_data(district, b52_token=token(0)))
    assert not ApplicationSubmission.objects.get().is_spam


def test_an_invalid_spam_post_learns_nothing_and_stores_nothing(client, form_page):
    response = client.post(form_page.url, {"b52_homepage": "x", "email": "nope"})
    assert response.status_code == 200
    assert "Vielen Dank für Ihre Bewerbung" in response.content.decode()
    assert "b52-error-summary" not in response.content.decode()
    assert_nothing_stored()


# Rate limit ---------------------------------------------------------------------------


def test_too_many_posts_from_one_client_get_429(client, form_page, district, settings):
    settings.B52_APPLICATION_RATE_LIMIT = 3
    for _ in range(3):
        assert submit(client, form_page, valid_data(district)).status_code == 200
    response = submit(client, form_page, valid_data(district))
    assert response.status_code == 429
    assert "Zu viele Versuche" in response.content.decode()
    assert ApplicationSubmission.objects.count() == 3


DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "b52_cache_never_created",
}


@pytest.mark.parametrize("backend", ["memory", "database"])
def test_a_clients_window_opens_with_its_first_post_and_429_says_how_long_to_wait(
    client, form_page, settings, backend
):
    if backend == "database":
        settings.CACHES = {**settings.CACHES, "b52_database": DATABASE_CACHE}
        settings.B52_APPLICATION_CACHE = "b52_database"
    settings.B52_APPLICATION_RATE_LIMIT = 2
    settings.B52_APPLICATION_RATE_WINDOW = 60
    first = berlin(2026, 11, 2, 10, 0, 50)

    def post_at(seconds):
        with time_machine.travel(first + datetime.timedelta(seconds=seconds), tick=False):
            return client.post(form_page.url, {})

    # The minute on the clock turns at 10:01:00; the client's window does not.
    assert post_at(0).status_code == 200
    assert post_at(30).status_code == 200
    limited = post_at(45)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "15"
    assert "Zu viele Versuche" in limited.content.decode()
    assert post_at(59)["Retry-After"] == "1"
    # The window is over: the next POST opens a new one.
    assert [post_at(seconds).status_code for seconds in (60, 61, 62)] == [200, 200, 429]


def test_a_count_that_lost_its_expiry_does_not_outlive_its_window(client, form_page, settings):
    """Django's RedisCache increments in two steps (EXISTS, INCR): a counter
    that expired in between comes back without an expiry. It must not keep
    the client out after its window."""
    settings.B52_APPLICATION_RATE_LIMIT = 2
    first = berlin(2026, 11, 2, 10)
    with time_machine.travel(first, tick=False):
        assert client.post(form_page.url, {}).status_code == 200
    client_key = hashlib.sha256(b"127.0.0.1").hexdigest()[:32]
    key = f"b52:applications:rate:{client_key}"
    with time_machine.travel(first + datetime.timedelta(seconds=30), tick=False):
        ends = caches["default"].get(f"{key}:ends")
        caches["default"].set(f"{key}:{ends:.6f}", 99, timeout=None)
        assert client.post(form_page.url, {}).status_code == 429
    with time_machine.travel(first + datetime.timedelta(seconds=61), tick=False):
        assert client.post(form_page.url, {}).status_code == 200


def test_forwarded_for_is_ignored_without_trusted_proxies(client, form_page, settings):
    settings.B52_APPLICATION_RATE_LIMIT = 2
    statuses = [
        client.post(form_page.url, {}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_saw(
    client, form_page, settings
):
    settings.B52_APPLICATION_RATE_LIMIT = 2
    settings.B52_TRUSTED_PROXY_COUNT = 1
    # Two different clients behind the proxy each get their own limit …
    for address in ("192.0.2.1", "192.0.2.2"):
        for _ in range(2):
            response = client.post(form_page.url, {}, HTTP_X_FORWARDED_FOR=address)
            assert response.status_code == 200
    # … and a client cannot escape by forging the first entry.
    forged = [
        client.post(form_page.url, {}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.1").status_code
        for n in range(2)
    ]
    assert forged == [429, 429]


def test_get_requests_are_not_rate_limited(client, form_page, settings):
    settings.B52_APPLICATION_RATE_LIMIT = 1
    assert [client.get(form_page.url).status_code for _ in range(3)] == [200, 200, 200]


# Idempotency and reliability -----------------------------------------------------------


def test_a_resubmitted_form_gives_the_same_receipt_and_one_row(
    client, form_page, district, django_capture_on_commit_callbacks
):
    data = valid_data(district)
    first = submit(client, form_page, data, capture=django_capture_on_commit_callbacks)
    second = submit(client, form_page, data, capture=django_capture_on_commit_callbacks)
    assert "B52-2026-0001" in first.content.decode()
    assert "B52-2026-0001" in second.content.decode()
    assert ApplicationSubmission.objects.count() == 1
    assert Attachment.objects.count() == 1
    assert len(stored_files()) == 1
    assert len(mail.outbox) == 2


def test_a_resubmission_after_the_deadline_still_shows_its_receipt(client, home, district):
    call = make_call(home, start=berlin(2026, 1, 1), deadline=berlin(2026, 11, 30, 23, 59))
    page = make_form_page(call)
    with time_machine.travel(berlin(2026, 11, 30, 23, 50), tick=False):
        data = valid_data(district)
        submit(client, page, data)
    with time_machine.travel(berlin(2026, 12, 1, 0, 5), tick=False):
        response = submit(client, page, data)
    assert "B52-2026-0001" in response.content.decode()
    assert ApplicationSubmission.objects.count() == 1


def test_the_error_summary_names_the_consent_field_without_a_nested_link(client, form_page, home):
    privacy = home.add_child(instance=Page(title="Datenschutz", slug="datenschutz"))
    site_settings = B52Settings.for_site(form_page.get_site())
    site_settings.privacy_policy_page = privacy
    site_settings.save()
    response = client.post(form_page.url, {"b52_token": token()})
    assert response.status_code == 200
    summary = response.content.decode().split('id="b52-error-summary"')[1].split("</div>")[0]
    assert 'href="#id_consent"' in summary
    assert 'href="/datenschutz/"' not in summary
    # Each entry names its field once, with one separator: a short name for
    # the consent sentence, no colon after a question.
    entries = [
        html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in summary.split("<li>")[1:]
    ]
    assert (
        "Einwilligung in die Datenschutzerklärung: Bitte stimmen Sie der Datenschutzerklärung zu."
        in entries
    )
    assert "Wer bewirbt sich? Bitte füllen Sie dieses Feld aus." in entries
    assert "Projekttitel: Bitte füllen Sie dieses Feld aus." in entries
    assert not any("?:" in entry or ".:" in entry for entry in entries)


def test_multi_line_text_keeps_its_line_breaks_but_no_other_control_character(
    client, form_page, district
):
    # (A NUL byte is refused at the field by Django itself.)
    data = valid_data(district, summary="Zeile eins\nZeile zwei\tmit Tab\x07\x1b Ende")
    submit(client, form_page, data)
    summary = ApplicationSubmission.objects.get().summary
    assert summary == "Zeile eins\nZeile zwei\tmit Tab   Ende"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1" * 100_000, "Bitte geben Sie eine Zahl mit höchstens 12 Stellen ein."),
        ("2000000000", "Bitte geben Sie eine Zahl von höchstens 1000000000 ein."),
        ("1.234", "Bitte geben Sie höchstens 2 Nachkommastellen ein."),
    ],
)
def test_an_editors_number_field_is_bounded(client, form_page, district, typed, message):
    response = submit(client, form_page, valid_data(district, anzahl_der_beteiligten_akteure=typed))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert_nothing_stored()
