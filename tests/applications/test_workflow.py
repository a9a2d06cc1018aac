"""The review workflow: allowed transitions only, in the table and through
the admin's status form; every change, note, download and export in the
application's history (“Verlauf”), without the applicant's data."""

import html

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from wagtail.models import PageLogEntry, Site

from b52_wagtail.applications import workflow
from b52_wagtail.applications.history import DOCUMENTS_ACTION, log_application
from b52_wagtail.applications.models import (
    ApplicationNote,
    ApplicationStatus,
    ApplicationSubmission,
)
from b52_wagtail.applications.models.page import NO_RECIPIENT
from b52_wagtail.applications.workflow import TransitionRefused, change_status
from b52_wagtail.models import B52Settings

from .test_form import submit
from .test_permissions import make_group, make_user
from .utils import valid_data

pytestmark = pytest.mark.django_db

S = ApplicationStatus
PRIVATE = ("Anna", "Salach", "anna.muster", "07162", "Gesund altern", "bewerbungsbogen")

ALLOWED = {
    (S.RECEIVED, S.IN_REVIEW),
    (S.RECEIVED, S.SPAM),
    (S.RECEIVED, S.WITHDRAWN),
    (S.IN_REVIEW, S.INCOMPLETE),
    (S.IN_REVIEW, S.JURY),
    (S.IN_REVIEW, S.NOT_SELECTED),
    (S.IN_REVIEW, S.SPAM),
    (S.IN_REVIEW, S.WITHDRAWN),
    (S.INCOMPLETE, S.IN_REVIEW),
    (S.INCOMPLETE, S.NOT_SELECTED),
    (S.INCOMPLETE, S.WITHDRAWN),
    (S.JURY, S.AWARDED),
    (S.JURY, S.NOT_SELECTED),
    (S.JURY, S.IN_REVIEW),
    (S.JURY, S.WITHDRAWN),
    (S.SPAM, S.RECEIVED),
}
EVERY_PAIR = [(old, new) for old in S for new in S if old != new]


@pytest.fixture
def office(django_user_model):
    group = make_group("Geschäftsstelle", "view_all_applications", "change_applicationsubmission")
    return make_user(django_user_model, "office", group, first_name="Olga", last_name="Office")


@pytest.fixture
def reader(django_user_model):
    return make_user(django_user_model, "reader", make_group("Lesen", "view_all_applications"))


@pytest.fixture
def submission(client, form_page, district):
    submit(client, form_page, valid_data(district))
    return ApplicationSubmission.objects.get()


def set_status(submission, status):
    ApplicationSubmission.objects.filter(pk=submission.pk).update(status=status)
    submission.refresh_from_db()


def status_url(submission):
    return reverse("b52_applications_admin:status", args=[submission.pk])


def detail_url(submission):
    return reverse("b52_applications_admin:detail", args=[submission.pk])


def page_text(response):
    return html.unescape(response.content.decode())


# The table ---------------------------------------------------------------------------


def test_the_table_is_the_workflow_of_the_issue():
    table = {(old, new) for old, targets in workflow.TRANSITIONS.items() for new in targets}
    assert table == ALLOWED
    assert set(workflow.TRANSITIONS) == set(S)
    for final in (S.AWARDED, S.NOT_SELECTED, S.WITHDRAWN):
        assert workflow.allowed_targets(final) == ()
    assert not any(workflow.can_withdraw(status) for status in workflow.FINAL)


@pytest.mark.parametrize(("old", "new"), EVERY_PAIR)
def test_every_transition_is_allowed_or_refused_as_the_table_says(submission, old, new):
    set_status(submission, old)
    if (old, new) in ALLOWED:
        assert change_status(submission, new) == old
        submission.refresh_from_db()
        assert submission.status == new
        assert submission.is_spam == (new == S.SPAM)
        entry = PageLogEntry.objects.get(action="b52_applications.status")
        assert entry.data["old"] == old and entry.data["new"] == new
    else:
        with pytest.raises(TransitionRefused):
            change_status(submission, new)
        submission.refresh_from_db()
        assert submission.status == old
        assert not PageLogEntry.objects.filter(action="b52_applications.status").exists()


def test_a_stale_status_cannot_be_changed_twice(submission):
    stale = ApplicationSubmission.objects.get(pk=submission.pk)
    change_status(submission, S.IN_REVIEW)
    # Someone else moved it meanwhile: the second change from "received" fails.
    with pytest.raises(TransitionRefused):
        change_status(stale, S.SPAM)
    submission.refresh_from_db()
    assert submission.status == S.IN_REVIEW


# The status form ---------------------------------------------------------------------


def test_the_status_form_offers_only_the_allowed_statuses(client, office, submission):
    client.force_login(office)
    set_status(submission, S.IN_REVIEW)
    response = client.get(detail_url(submission))
    form = response.context["status_form"]
    offered = [value for value, _label in form.fields["status"].widget.choices]
    assert offered == [S.INCOMPLETE, S.JURY, S.NOT_SELECTED, S.SPAM, S.WITHDRAWN]
    content = response.content.decode()
    assert 'value="awarded"' not in content
    assert 'value="received"' not in content


def test_a_final_status_shows_no_status_form(client, office, submission):
    client.force_login(office)
    set_status(submission, S.AWARDED)
    response = client.get(detail_url(submission))
    assert response.context["status_form"] is None
    assert response.context["is_final"]
    assert 'name="status"' not in response.content.decode()


def test_a_forbidden_post_changes_nothing_and_says_why_in_german(client, office, submission):
    client.force_login(office)
    response = client.post(status_url(submission), {"status": S.AWARDED})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == S.RECEIVED
    assert not PageLogEntry.objects.filter(action="b52_applications.status").exists()
    messages = [str(message).strip() for message in get_messages(response.wsgi_request)]
    # Needs the compiled catalogue (msgids-workflow.json).
    assert messages == [
        "Eine Bewerbung kann nicht von „Eingegangen“ zu „Ausgezeichnet“ wechseln. "
        "Es wurde nichts geändert."
    ]


def test_an_unknown_status_is_refused(client, office, submission):
    client.force_login(office)
    client.post(status_url(submission), {"status": "shortlisted"})
    submission.refresh_from_db()
    assert submission.status == S.RECEIVED


def test_an_allowed_post_changes_and_logs_without_personal_data(client, office, submission):
    client.force_login(office)
    response = client.post(status_url(submission), {"status": S.IN_REVIEW})
    assert response.status_code == 302
    assert response.url == detail_url(submission)
    submission.refresh_from_db()
    assert submission.status == S.IN_REVIEW
    entry = PageLogEntry.objects.get(action="b52_applications.status")
    assert entry.user == office
    text = str(entry.message) + str(entry.data) + entry.label
    assert "B52-2026-0001" in text
    for private in PRIVATE:
        assert private not in text


@pytest.mark.parametrize(
    ("old", "new", "mail"),
    [
        (S.IN_REVIEW, S.INCOMPLETE, "request_documents"),
        (S.JURY, S.AWARDED, "awarded"),
        (S.JURY, S.NOT_SELECTED, "not_selected"),
    ],
)
def test_a_status_that_needs_a_mail_leads_to_writing_it(client, office, submission, old, new, mail):
    client.force_login(office)
    set_status(submission, old)
    response = client.post(status_url(submission), {"status": new})
    assert response.url == reverse(
        "b52_applications_admin:compose_mail", args=[submission.pk, mail]
    )


def test_readers_and_anonymous_users_cannot_change_the_status(client, reader, submission):
    client.force_login(reader)
    assert client.post(status_url(submission), {"status": S.IN_REVIEW}).status_code == 403
    client.logout()
    assert client.post(status_url(submission), {"status": S.IN_REVIEW}).status_code in (302, 403)
    submission.refresh_from_db()
    assert submission.status == S.RECEIVED


# History -----------------------------------------------------------------------------


def test_the_history_shows_changes_notes_downloads_and_exports(client, office, submission):
    client.force_login(office)
    client.post(status_url(submission), {"status": S.IN_REVIEW})
    note_url = reverse("b52_applications_admin:note", args=[submission.pk])
    client.post(note_url, {"text": "Rückruf bei Frau Muster vereinbart"})
    attachment = submission.attachments.get()
    download = client.get(reverse("b52_applications:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    b"".join(download.streaming_content)
    listing = reverse("wagtailforms:list_submissions", args=[submission.page_id])
    b"".join(client.get(listing + "?export=csv").streaming_content)

    response = client.get(detail_url(submission))
    entries = response.context["history"]
    assert [entry["user"] for entry in entries] == [office] * 4
    assert len({entry["timestamp"] for entry in entries}) >= 1
    notes = [entry for entry in entries if entry.get("note")]
    assert [entry["note"] for entry in notes] == ["Rückruf bei Frau Muster vereinbart"]
    content = page_text(response)
    assert 'id="b52-history"' in content
    assert "Rückruf bei Frau Muster vereinbart" in content
    assert "Olga Office" in content
    # Needs the compiled catalogue.
    assert "Verlauf" in content
    assert "von „Eingegangen“ in „In Prüfung“ geändert" in content
    assert f"Anhang Nr. {attachment.pk} der Bewerbung B52-2026-0001 heruntergeladen" in content

    # The log itself holds the receipt number and nothing of the applicant.
    for entry in PageLogEntry.objects.all():
        text = str(entry.message) + str(entry.data) + entry.label
        for private in PRIVATE:
            assert private not in text, entry.action
    note_entry = PageLogEntry.objects.get(action="b52_applications.note")
    assert note_entry.data == {"submission_id": submission.pk, "receipt_number": "B52-2026-0001"}
    assert ApplicationNote.objects.get().user == office


def test_the_history_of_one_application_leaves_out_the_others(
    client, office, form_page, district, no_rate_limit
):
    submit(client, form_page, valid_data(district))
    submit(client, form_page, valid_data(district))
    first, second = ApplicationSubmission.objects.order_by("pk")
    client.force_login(office)
    client.post(status_url(second), {"status": S.SPAM})
    response = client.get(detail_url(first))
    assert response.context["history"] == []
    assert len(client.get(detail_url(second)).context["history"]) == 1


def test_notes_need_the_change_permission_and_a_text(client, office, reader, submission):
    url = reverse("b52_applications_admin:note", args=[submission.pk])
    client.force_login(reader)
    assert client.post(url, {"text": "x"}).status_code == 403
    client.force_login(office)
    client.post(url, {"text": "   "})
    assert not ApplicationNote.objects.exists()
    assert not PageLogEntry.objects.filter(action="b52_applications.note").exists()


def test_readers_see_the_history_but_no_forms(client, office, reader, submission):
    client.force_login(office)
    client.post(status_url(submission), {"status": S.IN_REVIEW})
    client.force_login(reader)
    response = client.get(detail_url(submission))
    assert len(response.context["history"]) == 1
    content = response.content.decode()
    assert reverse("b52_applications_admin:note", args=[submission.pk]) not in content
    assert reverse("b52_applications_admin:reply", args=[submission.pk]) not in content


def test_a_deletion_through_wagtails_view_stays_in_the_form_pages_log(client, submission):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    url = reverse("wagtailforms:delete_submissions", args=[submission.page_id])
    response = client.post(f"{url}?selected-submissions={submission.pk}")
    assert response.status_code == 302
    assert not ApplicationSubmission.objects.exists()
    entry = PageLogEntry.objects.get(action="b52_applications.delete")
    assert entry.user == admin
    assert entry.data["receipt_number"] == "B52-2026-0001"


@pytest.fixture
def jury_member(django_user_model, form_page):
    group = make_group("Jury 2026", "view_applications")
    form_page.reviewer_groups = [group]
    form_page.save_revision().publish()
    return make_user(django_user_model, "juror", group)


def test_jury_members_see_neither_history_nor_notes(client, jury_member, office, submission):
    client.force_login(office)
    client.post(
        reverse("b52_applications_admin:note", args=[submission.pk]), {"text": "Interne Notiz"}
    )
    client.force_login(jury_member)
    response = client.get(detail_url(submission))
    assert response.status_code == 200
    assert response.context["history"] == []
    content = response.content.decode()
    assert "Interne Notiz" not in content
    assert 'id="b52-history"' not in content


# Nobody notified ------------------------------------------------------------------------


def test_the_detail_page_warns_when_the_form_notifies_nobody(client, office, submission):
    client.force_login(office)
    assert 'class="b52-no-recipient"' not in page_text(client.get(detail_url(submission)))
    form_page = submission.page.specific
    form_page.to_address = ""
    form_page.save_revision().publish()
    site_settings = B52Settings.for_site(Site.objects.get(is_default_site=True))
    assert not site_settings.office_email
    content = page_text(client.get(detail_url(submission)))
    assert 'class="b52-no-recipient"' in content
    with translation.override("de"):
        assert str(NO_RECIPIENT) in content
    site_settings.office_email = "geschaeftsstelle@example.org"
    site_settings.save()
    assert 'class="b52-no-recipient"' not in page_text(client.get(detail_url(submission)))


# Counted words in the history -----------------------------------------------------------


@pytest.mark.parametrize(
    ("by", "count", "expected"),
    [
        ("applicant", 1, "The applicant uploaded 1 document to application B52-2026-0001"),
        ("applicant", 3, "The applicant uploaded 3 documents to application B52-2026-0001"),
        (None, 1, "Attached 1 file of the applicant's reply to B52-2026-0001"),
        (None, 2, "Attached 2 files of the applicant's reply to B52-2026-0001"),
    ],
)
def test_the_history_counts_documents_in_singular_and_plural(submission, by, count, expected):
    data = {"count": count, **({"by": by} if by else {})}
    entry = log_application(submission, DOCUMENTS_ACTION, **data)
    with translation.override("en"):
        assert entry.message == expected
