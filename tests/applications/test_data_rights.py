"""The applicant's data rights in the admin: staff find every application of
one person (by e-mail address, across calls), export everything stored about
them as one ZIP archive (Art. 15) and anonymise them on request (Art. 17),
keeping counts, statistics and the public winner entries."""

import datetime
import io
import json
import uuid
import zipfile

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, PageLogEntry

from b52_wagtail import localization
from b52_wagtail.applications import data_rights
from b52_wagtail.applications.models import (
    ApplicationFormField,
    ApplicationNote,
    ApplicationSubmission,
    Attachment,
    DocumentRequest,
    MailDelivery,
    Review,
    Score,
)
from b52_wagtail.applications.storage import private_storage
from b52_wagtail.awards.models import Winner

from ..awards.conftest import make_showcase
from .jury_helpers import make_juror, make_jury
from .test_form import submit
from .test_permissions import make_group, make_user
from .utils import make_call, make_form_page, pdf, pdf_bytes, stored_files, valid_data

pytestmark = pytest.mark.django_db

ANNA = "anna.muster@salach.example"
FORM_NUMBER = "12"
PERSONAL = ("Anna", "Muster", "anna.muster", "ANNA.MUSTER", "07162", "Salach")


@pytest.fixture
def staff(django_user_model, home):
    office = make_group(
        "Geschäftsstelle",
        "view_all_applications",
        "change_applicationsubmission",
        "delete_applicationsubmission",
    )
    reader = make_group("Nur lesen", "view_all_applications")
    jury = make_group("Jury 2026", "view_applications")
    return {
        "office": make_user(django_user_model, "office", office),
        "reader": make_user(django_user_model, "reader", reader),
        "jury": make_user(django_user_model, "jury", jury),
        "editor": make_user(django_user_model, "editor", make_group("Redaktion")),
        "admin": make_user(django_user_model, "admin", is_superuser=True, is_staff=True),
    }


@pytest.fixture
def person(client, home, form_page, district, districts, no_rate_limit, staff):
    """Anna's applications to two calls (the second with another spelling of
    her address and a second file), and Bert's application."""
    other_page = make_form_page(
        make_call(home, edition=2027, slug="ausschreibung-2027"), slug="bewerbung-2027"
    )
    submit(client, form_page, valid_data(district))
    submit(
        client,
        other_page,
        valid_data(
            districts["Esslingen"],
            email="Anna.Muster@SALACH.example",
            project_title="Bewegter Ort",
            summary="Anna Muster lädt zum Spaziergang ein.",
        ),
        files=[pdf("anlage.pdf", pdf_bytes(pages=2)), pdf("projektskizze.pdf")],
    )
    submit(
        client,
        form_page,
        valid_data(
            district,
            contact_name="Bert Beispiel",
            email="bert@ebersbach.example",
            applicant_name="Gemeinde Ebersbach",
            project_title="Ebersbach bewegt",
        ),
    )
    first, second, bert = ApplicationSubmission.objects.order_by("pk")
    # The states mails reach: one sent, one failed with the address in the
    # error, one still queued.
    MailDelivery.objects.filter(submission=first, kind="confirmation").update(state="sent")
    MailDelivery.objects.filter(submission=first, kind="notification").update(
        state="failed", last_error=f"550 <{ANNA}>: mailbox unknown"
    )
    MailDelivery.objects.filter(submission=second).update(state="queued")
    # What staff did: a status change (logged), a note naming her and a log
    # entry that quotes her address.
    client.force_login(staff["office"])
    client.post(reverse("b52_applications_admin:status", args=[first.pk]), {"status": "in_review"})
    client.logout()
    ApplicationNote.objects.create(submission=first, text="Frau Muster ruft Montag zurück.")
    DocumentRequest.objects.create(
        submission=second, expires_at=timezone.now() + datetime.timedelta(days=14)
    )
    log(
        instance=form_page,
        action="b52_applications.status",
        user=staff["office"],
        data={
            "submission_id": first.pk,
            "receipt_number": first.receipt_number,
            "old": "in_review",
            "new": "in_review",
            "comment": f"Rückfrage an {ANNA} (Anna Muster)",
        },
    )
    # An entry on the application itself (a ModelLogEntry).
    log(instance=first, action="wagtail.edit", user=staff["office"], data={"by": "Anna Muster"})
    return {"first": first, "second": second, "bert": bert, "other_page": other_page}


JUROR_IDENTITY = ("petra-pruef", "petra.pruef@jury.example", "Petra", "Prüfer")


@pytest.fixture
def reviewed(django_user_model, person):
    """The jury of Anna's first call: Petra scored her first application
    (weights 2 and 1) with a comment naming her, Paul declared a conflict
    of interest."""
    first = person["first"]
    jury = make_jury(first.call)
    petra = make_juror(django_user_model, "petra-pruef", jury, last_name="Prüfer")
    petra.first_name, petra.email = "Petra", "petra.pruef@jury.example"
    petra.save()
    paul = make_juror(django_user_model, "paul-pruef", jury)
    scored = Review.objects.create(
        submission=first, juror=petra, comment="Anna Muster überzeugt mit klarem Konzept."
    )
    wirkung, nachhaltigkeit = jury.criteria.order_by("sort_order")
    Score.objects.create(review=scored, criterion=nachhaltigkeit, value=4)
    Score.objects.create(review=scored, criterion=wirkung, value=9)
    conflict = Review.objects.create(submission=first, juror=paul, conflict_of_interest=True)
    return {"scored": scored, "conflict": conflict, "jurors": (petra, paul)}


def url(name, submission):
    return reverse(f"b52_applications_admin:{name}", args=[submission.pk])


def ids(*submissions):
    return {"applications": [str(submission.pk) for submission in submissions]}


def read_zip(response):
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def counts():
    return sorted(
        ApplicationSubmission.objects.values_list("page_id", "call_id", "district_id", "status")
    )


# Finding the person ---------------------------------------------------------------


def test_the_detail_page_links_data_rights_and_shows_the_consent(client, person, staff):
    first = person["first"]
    client.force_login(staff["office"])
    content = client.get(url("detail", first)).content.decode()
    assert url("data_rights", first) in content
    assert first.privacy_notice_version and first.privacy_notice_version in content
    assert first.consent_at is not None


def test_staff_find_every_application_of_the_person_across_calls(client, person, staff):
    client.force_login(staff["office"])
    response = client.get(url("data_rights", person["second"]))
    assert response.status_code == 200
    assert list(response.context["found"]) == [person["first"], person["second"]]
    content = response.content.decode()
    assert f'value="{person["first"].pk}"' in content
    assert f'value="{person["bert"].pk}"' not in content
    # Both are offered for confirmation, checked.
    assert content.count('name="applications"') == 2
    assert content.count("checked") == 2


# Auskunft (Art. 15) -----------------------------------------------------------------


def test_the_archive_holds_answers_files_mails_log_and_consent(client, person, staff):
    first, second = person["first"], person["second"]
    client.force_login(staff["office"])
    response = client.post(url("data_rights_export", first), ids(first, second))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "auskunft-" in response["Content-Disposition"]
    archive = read_zip(response)
    names = archive.namelist()
    assert {"auskunft.json", "auskunft.html"} <= set(names)

    data = json.loads(archive.read("auskunft.json"))
    assert data["email"] == ANNA
    one, two = data["applications"]
    assert one["receipt_number"] == first.receipt_number
    assert two["receipt_number"] == second.receipt_number
    assert one["contact_name"] == "Anna Muster"
    assert two["email"] == "Anna.Muster@salach.example"
    assert one["privacy_notice_version"] == first.privacy_notice_version
    assert one["consent_at"].endswith(("+01:00", "+02:00"))  # Berlin time
    assert one["answers"] == [
        {
            "name": "anzahl_der_beteiligten_akteure",
            "label": "Anzahl der beteiligten Akteure",
            "value": "12",
        }
    ]
    assert [mail["last_error"] for mail in one["mails"]] == ["", f"550 <{ANNA}>: mailbox unknown"]
    assert [mail["state"] for mail in one["mails"]] == ["Gesendet", "Fehlgeschlagen"]
    (note,) = one["other_records"]
    assert note["kind"] == "Hinweis"  # the German verbose name of ApplicationNote
    assert {"name": "text", "label": "Hinweis", "value": "Frau Muster ruft Montag zurück."} in (
        note["values"]
    )
    # The request for documents, without the secret key of its upload link.
    (request,) = two["other_records"]
    assert [item["name"] for item in request["values"]] == ["created_at", "expires_at", "used_at"]
    assert [entry["action"] for entry in one["log"]] == [
        "b52_applications.status",
        "b52_applications.status",
        "wagtail.edit",
    ]
    assert two["log"] == []

    # Every file, under its original name, byte for byte.
    files = {
        attachment["path"]: attachment
        for record in (one, two)
        for attachment in record["attachments"]
    }
    assert len(files) == 3
    for attachment in Attachment.objects.filter(submission__in=[first, second]):
        (path,) = [
            path
            for path, f in files.items()
            if (f["sha256"], f["original_name"]) == (attachment.sha256, attachment.original_name)
        ]
        assert path.startswith("dateien/") and path.endswith(attachment.original_name)
        with private_storage.open(attachment.file.name) as handle:
            assert archive.read(path) == handle.read()

    summary = archive.read("auskunft.html").decode()
    assert '<html lang="de">' in summary
    for text in (first.receipt_number, "Anna Muster", "Anzahl der beteiligten Akteure", "12"):
        assert text in summary
    assert "Bert" not in summary and "Bert" not in json.dumps(data)

    # Logged on each form page, with receipt numbers, without personal data.
    entries = PageLogEntry.objects.filter(action=data_rights.EXPORT_ACTION)
    assert sorted((entry.data["receipt_number"], entry.page_id) for entry in entries) == sorted(
        [(first.receipt_number, first.page_id), (second.receipt_number, second.page_id)]
    )
    assert {entry.user for entry in entries} == {staff["office"]}
    for entry in entries:
        assert "muster" not in json.dumps(entry.data).lower()
        assert entry.data["receipt_number"] in str(entry.message)


def test_the_archive_holds_the_jury_reviews_with_their_scores_but_not_the_juror(
    client, person, staff, reviewed
):
    first, second = person["first"], person["second"]
    scored, conflict = reviewed["scored"], reviewed["conflict"]
    client.force_login(staff["office"])
    archive = read_zip(client.post(url("data_rights_export", first), ids(first, second)))
    data = json.loads(archive.read("auskunft.json"))
    one, two = data["applications"]
    assert [
        {key: review[key] for key in ("conflict_of_interest", "comment", "scores")}
        for review in one["reviews"]
    ] == [
        {
            "conflict_of_interest": False,
            "comment": "Anna Muster überzeugt mit klarem Konzept.",
            # In the criteria's order, each with its weight.
            "scores": [
                {"criterion": "Wirkung", "weight": 2, "score": 9},
                {"criterion": "Nachhaltigkeit", "weight": 1, "score": 4},
            ],
        },
        {"conflict_of_interest": True, "comment": "", "scores": []},
    ]
    for review, row in zip(one["reviews"], (scored, conflict), strict=True):
        assert set(review) == {
            "conflict_of_interest",
            "comment",
            "created_at",
            "updated_at",
            "scores",
        }
        assert review["created_at"] == localization.isoformat(row.created_at)
        assert review["updated_at"].endswith(("+01:00", "+02:00"))  # Berlin time
    assert two["reviews"] == []
    # In their own section, not again among the further records.
    assert [record["kind"] for record in one["other_records"]] == ["Hinweis"]

    summary = archive.read("auskunft.html").decode()
    assert "Bewertungen der Jury" in summary
    assert "<dt>Befangenheit</dt><dd>Ja</dd>" in summary
    assert "Anna Muster überzeugt mit klarem Konzept." in summary
    for text in ("<td>Wirkung</td><td>2</td><td>9</td>", "<td>Nachhaltigkeit</td><td>1</td>"):
        assert text in summary
    # Who reviewed is not Anna's data.
    everything = (json.dumps(data, ensure_ascii=False) + summary).lower()
    for juror in reviewed["jurors"]:
        for value in (juror.username, juror.email, juror.get_full_name()):
            assert value.lower() not in everything
    for value in JUROR_IDENTITY:
        assert value.lower() not in everything


def test_only_the_confirmed_applications_are_exported(client, person, staff):
    client.force_login(staff["office"])
    response = client.post(url("data_rights_export", person["first"]), ids(person["second"]))
    data = json.loads(read_zip(response).read("auskunft.json"))
    assert [item["receipt_number"] for item in data["applications"]] == [
        person["second"].receipt_number
    ]


def test_another_persons_application_cannot_be_slipped_in(client, person, staff):
    client.force_login(staff["office"])
    response = client.post(
        url("data_rights_export", person["first"]), ids(person["first"], person["bert"])
    )
    assert response.status_code == 400
    assert not PageLogEntry.objects.filter(action=data_rights.EXPORT_ACTION).exists()
    # The list is shown again with the error and what was chosen.
    assert response.context["form"].errors["applications"]
    content = response.content.decode()
    assert content.count("checked") == 1
    assert f'value="{person["bert"].pk}"' not in content
    response = client.post(url("data_rights_export", person["first"]), {})
    assert response.status_code == 400


def test_a_file_missing_in_the_storage_is_named_not_fatal(client, person, staff):
    first = person["first"]
    private_storage.delete(first.attachments.get().file.name)
    client.force_login(staff["office"])
    archive = read_zip(client.post(url("data_rights_export", first), ids(first)))
    (record,) = json.loads(archive.read("auskunft.json"))["applications"]
    assert record["attachments"][0]["missing"] is True
    assert not any(name.startswith("dateien/") for name in archive.namelist())


# Erasure (Art. 17) -------------------------------------------------------------------


def test_erasure_asks_for_confirmation_first(client, person, staff):
    first, second = person["first"], person["second"]
    client.force_login(staff["office"])
    response = client.post(url("data_rights_erase", first), ids(first, second))
    assert response.status_code == 200
    assert response.context["attachment_count"] == 3
    content = response.content.decode()
    assert 'name="confirm" value="yes"' in content
    assert ApplicationSubmission.objects.filter(anonymised_at__isnull=True).count() == 3
    assert len(stored_files()) == 4


def test_staff_anonymise_a_person_keeping_counts_and_winners(
    client, person, staff, home, district, django_capture_on_commit_callbacks
):
    first, second, bert = person["first"], person["second"], person["bert"]
    showcase = make_showcase(
        home,
        first.call,
        [("Gemeinde Salach", district, "Gesund altern in Salach")],
        slug="preistraeger-2026",
    )
    winners_before = list(Winner.objects.values())
    counts_before = counts()
    bert_files = [a.file.name for a in bert.attachments.all()]
    client.force_login(staff["office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("data_rights_erase", first), {**ids(first, second), "confirm": "yes"}
        )
    assert response.status_code == 302
    assert response["Location"] == url("detail", first)

    # Rows: the person is gone, what counts stays.
    for submission in (first, second):
        submission.refresh_from_db()
        assert submission.anonymised_at is not None
        for name in data_rights.PERSONAL_FIELDS:
            assert getattr(submission, name) == "anonymisiert"
        assert submission.receipt_number
    # A number answer says nothing about the person and stays.
    assert first.form_data["anzahl_der_beteiligten_akteure"] == FORM_NUMBER
    assert counts() == counts_before
    # Files: rows and stored files gone, Bert's stay.
    assert not Attachment.objects.filter(submission__in=[first, second]).exists()
    assert sorted(stored_files()) == sorted(bert_files)
    # Mails: the unsent one is dropped, the others keep kind and state only.
    assert not MailDelivery.objects.filter(submission=second).exists()
    kept = MailDelivery.objects.filter(submission=first)
    assert sorted(kept.values_list("state", flat=True)) == ["failed", "sent"]
    assert kept.get(state="failed").last_error == "anonymisiert"
    # The open upload link no longer works.
    assert not DocumentRequest.objects.get().is_open()
    # Notes and the log lose the person.
    assert ModelLogEntry.objects.get(action="wagtail.edit").data == {"by": "anonymisiert"}
    assert ApplicationNote.objects.get().text == "anonymisiert"
    everything = json.dumps(
        [
            list(PageLogEntry.objects.values("label", "data")),
            list(ModelLogEntry.objects.values("label", "data")),
            list(ApplicationSubmission.objects.filter(pk__in=[first.pk, second.pk]).values()),
            list(MailDelivery.objects.filter(submission=first).values()),
        ],
        default=str,
    ).lower()
    for private in PERSONAL:
        assert private.lower() not in everything
    # The erasure is logged per form page, without personal data.
    entries = PageLogEntry.objects.filter(action=data_rights.ERASE_ACTION)
    assert sorted(entry.data["submission_id"] for entry in entries) == [first.pk, second.pk]
    assert {entry.user for entry in entries} == {staff["office"]}
    assert {entry.data["files"] for entry in entries} == {1, 2}
    # Bert and the public winners are untouched.
    bert.refresh_from_db()
    assert (bert.contact_name, bert.email, bert.anonymised_at) == (
        "Bert Beispiel",
        "bert@ebersbach.example",
        None,
    )
    assert list(Winner.objects.values()) == winners_before
    assert showcase.winners.get().municipality == "Gemeinde Salach"
    # The detail page says what happened and offers nothing more to erase.
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == 1
    content = client.get(url("detail", first)).content.decode()
    assert url("data_rights", first) not in content
    assert client.get(url("data_rights", first)).context["found"].count() == 0


def test_erasure_blanks_review_comments_and_keeps_the_scores(client, person, staff, reviewed):
    first = person["first"]
    scores_before = sorted(Score.objects.values_list("review_id", "criterion_id", "value"))
    reviews_before = sorted(
        Review.objects.values_list("pk", "submission_id", "juror_id", "conflict_of_interest")
    )
    result = data_rights.erase(staff["office"], [first.pk], ANNA)
    assert result.count == 1
    # The comment named Anna: gone. An empty one stays empty.
    assert Review.objects.get(pk=reviewed["scored"].pk).comment == "anonymisiert"
    assert Review.objects.get(pk=reviewed["conflict"].pk).comment == ""
    # What the ranking and the statistics count stays.
    assert sorted(Score.objects.values_list("review_id", "criterion_id", "value")) == (
        scores_before
    )
    assert (
        sorted(
            Review.objects.values_list("pk", "submission_id", "juror_id", "conflict_of_interest")
        )
        == reviews_before
    )
    assert "muster" not in json.dumps(list(Review.objects.values("comment"))).lower()


def test_the_retention_purge_deletes_anonymised_applications(client, person, staff):
    first = person["first"]
    data_rights.erase(staff["office"], [first.pk], ANNA)
    # Past the retention period after the calls' deadlines, whatever today is.
    later = timezone.now() + datetime.timedelta(days=365 + 60)
    with time_machine.travel(later, tick=False):
        call_command("b52_purge_applications", stdout=io.StringIO())
    assert not ApplicationSubmission.objects.filter(pk=first.pk).exists()
    assert not ApplicationSubmission.objects.exists()


def test_a_database_failure_changes_nothing(client, person, staff, monkeypatch):
    first, second = person["first"], person["second"]

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(data_rights, "log", fail)
    files_before = sorted(stored_files())
    client.force_login(staff["office"])
    response = client.post(
        url("data_rights_erase", first), {**ids(first, second), "confirm": "yes"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("data_rights", first)
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    for submission in (first, second):
        submission.refresh_from_db()
        assert submission.anonymised_at is None
        assert submission.contact_name == "Anna Muster"
    assert Attachment.objects.filter(submission__in=[first, second]).count() == 3
    assert MailDelivery.objects.filter(submission=second).exists()
    assert ApplicationNote.objects.get().text.startswith("Frau Muster")
    assert sorted(stored_files()) == files_before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_storage_failure_leaves_anonymised_rows_and_says_so(client, person, staff, monkeypatch):
    first = person["first"]
    name = first.attachments.get().file.name
    storage = private_storage._wrapped

    def fail(path):
        raise OSError("storage unavailable")

    monkeypatch.setattr(storage, "delete", fail)
    client.force_login(staff["office"])
    response = client.post(url("data_rights_erase", first), {**ids(first), "confirm": "yes"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.anonymised_at is not None and first.email == "anonymisiert"
    assert not Attachment.objects.filter(submission=first).exists()
    # The file is left, unlinked, and the user and the log say so.
    assert name in stored_files()
    (message,) = get_messages(response.wsgi_request)
    assert message.level_tag == "warning"
    assert "b52_orphan_files" in str(message)
    entry = PageLogEntry.objects.get(action=data_rights.FILES_LEFT_ACTION)
    assert entry.data == {
        "submission_id": first.pk,
        "receipt_number": first.receipt_number,
        "files": 1,
    }


# Permissions -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["jury", "editor"])
def test_users_who_do_not_read_every_form_get_403(client, person, staff, who):
    first = person["first"]
    client.force_login(staff[who])
    assert client.get(url("data_rights", first)).status_code == 403
    assert client.post(url("data_rights_export", first), ids(first)).status_code == 403
    response = client.post(url("data_rights_erase", first), {**ids(first), "confirm": "yes"})
    assert response.status_code == 403
    first.refresh_from_db()
    assert first.anonymised_at is None


def test_the_jury_sees_no_data_rights_link(client, person, staff, form_page):
    form_page.reviewer_groups = list(staff["jury"].groups.all())
    form_page.save_revision().publish()
    client.force_login(staff["jury"])
    response = client.get(url("detail", person["first"]))
    assert response.status_code == 200
    assert url("data_rights", person["first"]) not in response.content.decode()


def test_readers_without_the_delete_permission_export_but_do_not_erase(client, person, staff):
    first = person["first"]
    client.force_login(staff["reader"])
    response = client.get(url("data_rights", first))
    assert response.status_code == 200
    assert url("data_rights_erase", first) not in response.content.decode()
    assert client.post(url("data_rights_export", first), ids(first)).status_code == 200
    response = client.post(url("data_rights_erase", first), {**ids(first), "confirm": "yes"})
    assert response.status_code == 403
    first.refresh_from_db()
    assert first.anonymised_at is None


def test_anonymous_users_are_sent_to_the_login(client, person):
    first = person["first"]
    response = client.post(url("data_rights_erase", first), {**ids(first), "confirm": "yes"})
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]
    first.refresh_from_db()
    assert first.anonymised_at is None


def test_superusers_may_do_everything(client, person, staff):
    first = person["first"]
    client.force_login(staff["admin"])
    assert client.get(url("data_rights", first)).status_code == 200
    response = client.post(url("data_rights_erase", first), {**ids(first), "confirm": "yes"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.anonymised_at is not None


def test_free_text_answers_go_numbers_and_choices_stay(home, district, staff):
    page = make_form_page(
        make_call(home, edition=2028, slug="ausschreibung-2028"), slug="b", extra_fields=False
    )
    page.form_fields = [
        ApplicationFormField(label="Ansprechpartner vor Ort", field_type="singleline"),
        ApplicationFormField(label="Anmerkungen", field_type="multiline"),
        ApplicationFormField(label="Akteure", field_type="number"),
        ApplicationFormField(label="Umfang", field_type="dropdown", choices="klein\ngroß"),
        ApplicationFormField(label="Geburtstag", field_type="date"),
    ]
    page.save_revision().publish()
    submission = ApplicationSubmission.objects.create(
        page=page,
        call=page.call,
        applicant_type="gemeinde",
        applicant_name="Gemeinde Salach",
        district=district,
        project_title="P",
        summary="S",
        contact_name="Anna Muster",
        email=ANNA,
        phone="07162 1",
        form_data={
            "ansprechpartner_vor_ort": "Herr Schmidt",
            "anmerkungen": "",
            "akteure": "12",
            "umfang": "klein",
            "geburtstag": "1970-01-01",
            "removed_field": "Alte Antwort",
        },
        idempotency_token=uuid.uuid4(),
    )
    result = data_rights.erase(staff["office"], [submission.pk], ANNA.upper())
    assert result.count == 1
    submission.refresh_from_db()
    assert submission.form_data == {
        "ansprechpartner_vor_ort": "anonymisiert",
        "anmerkungen": "",
        "akteure": "12",
        "umfang": "klein",
        "geburtstag": "anonymisiert",
        "removed_field": "anonymisiert",
    }
    # A second erasure finds nothing left to do.
    assert data_rights.erase(staff["office"], [submission.pk], ANNA).count == 0
