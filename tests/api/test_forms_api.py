"""The JSON form API of application forms: the same form, rules and storing
as the HTML page (tests/applications/test_form.py), answered as JSON."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from b52_wagtail import localization
from b52_wagtail.applications.forms import token_uuid
from b52_wagtail.applications.models import (
    ApplicationFormField,
    ApplicationStatus,
    ApplicationSubmission,
    Attachment,
    MailDelivery,
)
from b52_wagtail.conf import b52_settings
from tests.applications.utils import (
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


def url(page_or_id):
    return reverse("b52_api_forms:form", args=[getattr(page_or_id, "pk", page_or_id)])


def submit(client, page, data, files=None, capture=None, **extra):
    payload = {**data, "attachments": files if files is not None else [pdf()]}
    if capture is None:
        return client.post(url(page), payload, **extra)
    with capture(execute=True):
        return client.post(url(page), payload, **extra)


# GET ----------------------------------------------------------------------------


def test_get_describes_the_form_in_its_order(client, form_page, call, district):
    response = client.get(url(form_page))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["title"] == "Bewerbung 2026"
    assert data["accepts_applications"] is True
    assert data["closed_message"] is None
    assert data["deadline"] == call.deadline.astimezone(berlin(2026, 1, 1).tzinfo).isoformat()
    assert datetime.datetime.fromisoformat(data["deadline"]) == call.deadline
    names = [field["name"] for field in data["fields"]]
    assert names == [
        "applicant_type",
        "applicant_name",
        "district",
        "project_title",
        "summary",
        "contact_name",
        "email",
        "phone",
        "anzahl_der_beteiligten_akteure",
        "attachments",
        "consent",
    ]
    fields = {field["name"]: field for field in data["fields"]}
    assert fields["applicant_type"]["label"] == "Wer bewirbt sich?"
    assert fields["applicant_type"]["type"] == "select"
    assert {"value": "gemeinde", "label": "Gemeinde"} in fields["applicant_type"]["choices"]
    assert "" not in [choice["value"] for choice in fields["applicant_type"]["choices"]]
    assert {"value": str(district.pk), "label": str(district)} in fields["district"]["choices"]
    assert fields["summary"]["widget"] == "textarea"
    assert fields["summary"]["max_length"] == 3000
    assert fields["email"]["type"] == "email"
    assert fields["email"]["required"] is True
    assert fields["email"]["help_text"]
    assert fields["anzahl_der_beteiligten_akteure"]["type"] == "number"
    assert fields["anzahl_der_beteiligten_akteure"]["required"] is False
    assert fields["attachments"]["type"] == "file"
    assert fields["attachments"]["multiple"] is True
    assert fields["consent"]["type"] == "checkbox"
    assert data["upload_limits"] == {
        "max_files": 5,
        "max_file_size": 10 * 1024 * 1024,
        "max_total_size": 25 * 1024 * 1024,
        "accept": [".pdf", ".docx", ".odt", ".jpg", ".jpeg", ".png", ".webp"],
    }
    assert data["honeypot_field"]["name"] == "b52_homepage"
    assert set(data["hidden_fields"]) == {"b52_token"}


def test_get_gives_fresh_tokens_the_form_accepts(client, form_page, district, settings):
    first = client.get(url(form_page)).json()["hidden_fields"]
    second = client.get(url(form_page)).json()["hidden_fields"]
    assert first["b52_token"] != second["b52_token"]
    settings.B52_APPLICATION_MIN_SECONDS = 0
    response = submit(client, form_page, valid_data(district, **first))
    assert response.status_code == 201
    submission = ApplicationSubmission.objects.get()
    assert not submission.is_spam
    assert submission.idempotency_token == token_uuid(first["b52_token"])


def test_get_of_a_closed_call_says_why(client, home):
    call = make_call(home, start=berlin(2020, 1, 1), deadline=berlin(2020, 3, 31, 23, 59))
    page = make_form_page(call)
    data = client.get(url(page)).json()
    assert data["accepts_applications"] is False
    assert "abgelaufen" in data["closed_message"]
    assert data["deadline"] == "2020-03-31T23:59:00+02:00"


def test_the_browser_language_does_not_change_the_answer(client, form_page):
    data = client.get(url(form_page), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").json()
    labels = {field["name"]: field["label"] for field in data["fields"]}
    assert labels["applicant_type"] == "Wer bewirbt sich?"
    assert data["language"] == "de"


def test_a_client_asks_for_english_explicitly(client, form_page):
    data = client.get(url(form_page) + "?lang=en").json()
    labels = {field["name"]: field["label"] for field in data["fields"]}
    assert labels["applicant_type"] == "Who is applying?"
    assert data["language"] == "en"
    assert client.get(url(form_page) + "?lang=fr").json()["language"] == "de"


@pytest.mark.parametrize("host_zone", ["UTC", "America/New_York", "Europe/Berlin"])
def test_times_carry_the_berlin_offset_whatever_the_host_zone(
    client, form_page, settings, host_zone
):
    settings.TIME_ZONE = host_zone
    data = client.get(url(form_page)).json()
    assert data["time_zone"] == "Europe/Berlin"
    assert data["deadline"].endswith(("+01:00", "+02:00"))
    assert data["deadline"] == localization.isoformat(form_page.call.deadline)


def test_get_needs_the_same_queries_for_few_and_many_editor_fields(client, call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few = make_form_page(call)
    many = make_form_page(call, slug="bewerbung-lang", extra_fields=False)
    many.form_fields = [
        ApplicationFormField(label=f"Frage {number}", field_type="singleline")
        for number in range(12)
    ]
    many.save_revision().publish()
    client.get(url(few))
    counts = []
    for page in (few, many):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(page))
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.json()["fields"]) == 10 + 12
    assert counts[0] == counts[1]
    assert counts[0] <= 15, counts


def test_a_draft_is_404(client, call):
    page = make_form_page(call)
    page.unpublish()
    assert client.get(url(page)).status_code == 404
    assert client.post(url(page), {}).status_code == 404


def test_a_view_restricted_page_is_404(client, form_page):
    restriction = PageViewRestriction.objects.create(
        page=form_page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Jury")])
    assert client.get(url(form_page)).status_code == 404
    assert client.post(url(form_page), {}).status_code == 404


def test_a_page_below_a_restricted_page_is_404(client, call, form_page):
    PageViewRestriction.objects.create(
        page=call, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    assert client.get(url(form_page)).status_code == 404


def test_other_page_types_and_unknown_ids_are_404(client, call, home):
    assert client.get(url(call)).status_code == 404
    assert client.get(url(home)).status_code == 404
    assert client.get(url(999999)).status_code == 404
    assert client.get("/b52/api/forms/abc/").status_code == 404


# POST ---------------------------------------------------------------------------


def test_a_valid_post_stores_the_application_and_queues_the_mails(
    client, form_page, district, django_capture_on_commit_callbacks
):
    response = submit(
        client, form_page, valid_data(district), capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["receipt_number"] == "B52-2026-0001"
    submission = ApplicationSubmission.objects.get()
    assert submission.receipt_number == "B52-2026-0001"
    assert submission.status == ApplicationStatus.RECEIVED
    assert submission.project_title == "Gesund altern in Salach"
    assert submission.form_data == {"anzahl_der_beteiligten_akteure": "12"}
    assert datetime.datetime.fromisoformat(data["submitted_at"]) == submission.submit_time
    attachment = Attachment.objects.get()
    assert attachment.original_name == "bewerbungsbogen.pdf"
    assert len(stored_files()) == 1
    assert MailDelivery.objects.count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "anna.muster@salach.example",
        "office@example.org",
    ]


def test_an_invalid_post_is_400_with_german_messages_and_stores_nothing(
    client, form_page, district
):
    data = valid_data(district, email="nicht-gueltig", applicant_name=None, consent=None)
    response = submit(client, form_page, data, files=[])
    assert response.status_code == 400
    body = response.json()
    assert body["non_field_errors"] == []
    assert body["errors"]["applicant_name"] == ["Bitte füllen Sie dieses Feld aus."]
    assert "gültige E-Mail-Adresse" in body["errors"]["email"][0]
    assert body["errors"]["consent"] == ["Bitte stimmen Sie der Datenschutzerklärung zu."]
    assert body["errors"]["attachments"]
    assert set(body["errors"]) == {"applicant_name", "email", "consent", "attachments"}
    assert_nothing_stored()


def test_a_file_that_is_not_what_it_claims_is_refused(client, form_page, district):
    fake = pdf(content=b"MZ not a pdf at all")
    response = submit(client, form_page, valid_data(district), files=[fake])
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["attachments"]
    assert_nothing_stored()


def test_messages_follow_the_page_or_an_explicit_lang(client, form_page, district):
    data = valid_data(district, applicant_name=None)
    german = submit(client, form_page, data, HTTP_ACCEPT_LANGUAGE="en")
    assert german.status_code == 400
    assert german.json()["errors"]["applicant_name"] == ["Bitte füllen Sie dieses Feld aus."]
    english = client.post(url(form_page) + "?lang=en", {**data, "attachments": [pdf()]})
    assert english.json()["errors"]["applicant_name"] == ["Please fill in this field."]


def test_a_missing_or_made_up_token_is_treated_like_a_bot(client, form_page, district):
    for made_up in (None, "3f2504e0-4f89-11d3-9a0c-0305e82c3301"):
        response = submit(client, form_page, valid_data(district, b52_token=made_up))
        assert response.status_code == 201
        assert response.json()["receipt_number"] is None
    assert ApplicationSubmission.objects.filter(is_spam=False).count() == 0
    assert mail.outbox == []


def test_a_resubmission_gives_the_same_receipt_and_one_row(
    client, form_page, district, django_capture_on_commit_callbacks
):
    data = valid_data(district)
    first = submit(client, form_page, data, capture=django_capture_on_commit_callbacks)
    second = submit(client, form_page, data, capture=django_capture_on_commit_callbacks)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json() == first.json()
    assert ApplicationSubmission.objects.count() == 1
    assert len(mail.outbox) == 2


def test_a_closed_call_is_400_with_the_reason(client, home, district):
    call = make_call(home, start=berlin(2020, 1, 1), deadline=berlin(2020, 3, 31, 23, 59))
    page = make_form_page(call)
    response = submit(client, page, valid_data(district))
    assert response.status_code == 400
    (message,) = response.json()["non_field_errors"]
    assert message.startswith("Die Bewerbungsfrist ist am 31. März 2020")
    assert message.endswith("Bewerbungen können nicht mehr eingereicht werden.")
    assert_nothing_stored()


def test_too_many_posts_get_429_in_german(client, form_page, district, settings):
    settings.B52_APPLICATION_RATE_LIMIT = 2
    for _ in range(2):
        assert submit(client, form_page, valid_data(district)).status_code == 201
    response = submit(client, form_page, valid_data(district))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["stored"] is False
    assert "zu oft" in response.json()["non_field_errors"][0]
    assert ApplicationSubmission.objects.count() == 2


def test_a_filled_honeypot_looks_like_success_but_is_flagged_and_sends_nothing(
    client, form_page, district, django_capture_on_commit_callbacks
):
    data = valid_data(district, b52_homepage="https://spam.example")
    response = submit(client, form_page, data, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 201
    assert response.json()["receipt_number"] is None
    submission = ApplicationSubmission.objects.get()
    assert submission.is_spam
    assert submission.receipt_number == ""
    assert Attachment.objects.count() == 0
    assert stored_files() == []
    assert MailDelivery.objects.count() == 0
    assert mail.outbox == []


def test_a_post_too_soon_after_the_get_is_spam(client, form_page, district):
    with time_machine.travel(timezone.now(), tick=False):
        response = submit(client, form_page, valid_data(district, b52_token=token(0)))
    assert response.status_code == 201
    assert response.json()["receipt_number"] is None
    assert ApplicationSubmission.objects.get().is_spam


def test_an_invalid_spam_post_learns_nothing_and_stores_nothing(client, form_page):
    response = client.post(url(form_page), {"b52_homepage": "x", "email": "nope"})
    assert response.status_code == 201
    assert set(response.json()) == {"stored", "receipt_number", "submitted_at"}
    assert_nothing_stored()


def test_unknown_extra_fields_are_ignored(client, form_page, district):
    data = valid_data(district, status="awarded", receipt_number="X-1", is_spam="1", foo="bar")
    response = submit(client, form_page, data)
    assert response.status_code == 201
    submission = ApplicationSubmission.objects.get()
    assert submission.status == ApplicationStatus.RECEIVED
    assert submission.receipt_number == "B52-2026-0001"
    assert "foo" not in submission.form_data


def test_a_json_body_is_refused(client, form_page, district):
    response = client.post(url(form_page), valid_data(district), content_type="application/json")
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["non_field_errors"][0]
    assert_nothing_stored()


def test_no_csrf_token_is_needed(form_page, district):
    from django.test import Client

    client = Client(enforce_csrf_checks=True, headers={"Origin": "http://testserver"})
    assert submit(client, form_page, valid_data(district)).status_code == 201


# CORS ---------------------------------------------------------------------------


@pytest.fixture
def embed_origins(settings):
    settings.B52_EMBED_ORIGINS = ["https://www.gemeinde.example"]


def test_an_allowed_origin_gets_cors_headers(client, form_page, district, embed_origins):
    origin = "https://www.gemeinde.example"
    preflight = client.options(
        url(form_page),
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == origin
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert "Origin" in preflight["Vary"]
    response = client.get(url(form_page), HTTP_ORIGIN=origin)
    assert response["Access-Control-Allow-Origin"] == origin
    assert "Origin" in response["Vary"]
    posted = submit(client, form_page, valid_data(district), HTTP_ORIGIN=origin)
    assert posted.status_code == 201
    assert posted["Access-Control-Allow-Origin"] == origin


def test_another_origin_gets_no_cors_headers(client, form_page, embed_origins):
    origin = "https://evil.example"
    preflight = client.options(url(form_page), HTTP_ORIGIN=origin)
    assert preflight.status_code == 204
    assert "Access-Control-Allow-Origin" not in preflight
    assert "Access-Control-Allow-Methods" not in preflight
    response = client.get(url(form_page), HTTP_ORIGIN=origin)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert "Origin" in response["Vary"]


def test_no_origin_is_allowed_by_default(client, form_page):
    response = client.get(url(form_page), HTTP_ORIGIN="https://www.gemeinde.example")
    assert "Access-Control-Allow-Origin" not in response


def test_other_methods_are_405_in_german(client, form_page):
    response = client.put(url(form_page))
    assert response.status_code == 405
    assert response.json()["detail"] == "Diese Anfragemethode ist nicht erlaubt."
    assert "POST" in response["Allow"]


def test_too_many_fields_get_a_json_answer(client, form_page, district, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    data = {**valid_data(district), **{f"extra_{number}": "x" for number in range(60)}}
    response = client.post(url(form_page), data)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["non_field_errors"] == [
        "Das Formular wurde mit zu vielen Feldern oder Dateien gesendet. Es wurde nichts "
        "gespeichert; bitte senden Sie das Formular unverändert erneut."
    ]
    assert_nothing_stored()


def test_an_expired_form_token_is_replaced_and_the_next_attempt_arrives(
    client, form_page, district
):
    """A script keeps the form open for long: the 400 names a fresh token,
    and sending again with it stores the application."""
    old = token(seconds_ago=b52_settings.APPLICATION_TOKEN_MAX_AGE + 60)
    response = submit(client, form_page, valid_data(district, b52_token=old))
    assert response.status_code == 400
    fresh = response.json()["hidden_fields"]["b52_token"]
    assert fresh and fresh != old and token_uuid(fresh) is not None
    assert ApplicationSubmission.objects.count() == 0
    # The applicant picks the attachments again: past the spam check's minimum.
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=2)
    with time_machine.travel(later):
        again = submit(client, form_page, valid_data(district, b52_token=fresh))
    assert again.status_code == 201
    assert again.json()["receipt_number"]


def test_a_partner_script_may_read_retry_after(client, form_page, district, settings):
    settings.B52_EMBED_ORIGINS = ["https://www.kasse.example"]
    settings.B52_APPLICATION_RATE_LIMIT = 1
    partner = {"HTTP_ORIGIN": "https://www.kasse.example"}
    assert submit(client, form_page, valid_data(district), **partner).status_code == 201
    response = submit(client, form_page, valid_data(district), **partner)
    assert response.status_code == 429
    assert response["Access-Control-Allow-Origin"] == "https://www.kasse.example"
    assert response["Access-Control-Expose-Headers"] == "Retry-After"
