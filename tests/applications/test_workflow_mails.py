"""The mails staff write (request for missing documents, decision) from
editable templates, the one-time upload link and the reply attached in the
admin."""

import datetime
import html
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Locale, PageLogEntry

from b52_wagtail.applications.applicant_mail import template_for
from b52_wagtail.applications.models import (
    ApplicationMailTemplate,
    ApplicationStatus,
    ApplicationSubmission,
    DocumentRequest,
    MailDelivery,
)

from .test_form import submit
from .test_permissions import make_group, make_user
from .test_workflow import PRIVATE, detail_url, set_status
from .utils import pdf, valid_data

pytestmark = pytest.mark.django_db

S = ApplicationStatus
LINK = re.compile(r"https?://\S+/applications/documents/[^/\s]+/")


@pytest.fixture
def office(django_user_model):
    group = make_group("Geschäftsstelle", "view_all_applications", "change_applicationsubmission")
    return make_user(django_user_model, "office", group)


@pytest.fixture
def submission(client, form_page, district):
    submit(client, form_page, valid_data(district))
    return ApplicationSubmission.objects.get()


def compose_url(submission, kind):
    return reverse("b52_applications_admin:compose_mail", args=[submission.pk, kind])


def send_request(client, submission, capture, **overrides):
    url = compose_url(submission, "request_documents")
    initial = client.get(url).context["form"].initial
    data = {
        "subject": initial["subject"],
        # The template's placeholder line replaced by what is missing.
        "body": initial["body"].replace("- …", "- Kostenplan"),
        "valid_until": initial["valid_until"].isoformat(),
        "action": "send",
        **overrides,
    }
    with capture(execute=True):
        return client.post(url, data)


def sent_link(message):
    return urlsplit(LINK.search(message.body)[0]).path


# Templates ---------------------------------------------------------------------------


def test_the_data_migration_made_the_german_templates():
    templates = ApplicationMailTemplate.objects.filter(language="de")
    kinds = set(templates.values_list("kind", flat=True))
    assert kinds == {"request_documents", "awarded", "not_selected"}
    subject, body = template_for("request_documents", "de")
    assert "{receipt_number}" in subject
    assert "{upload_link}" in body


def test_edited_templates_are_used_and_the_default_is_the_fallback(django_assert_num_queries):
    assert set(ApplicationMailTemplate.objects.values_list("language", flat=True)) == {"de", "en"}
    ApplicationMailTemplate.objects.filter(kind="awarded", language="de").update(
        subject="Glückwunsch {call}"
    )
    assert template_for("awarded", "de")[0] == "Glückwunsch {call}"
    # An English form page keeps its English template, edited or not.
    assert template_for("awarded", "en")[0] == (
        "Your application {receipt_number}: you will receive an award"
    )
    ApplicationMailTemplate.objects.filter(language="en").delete()
    assert template_for("awarded", "en")[0] == (
        "Your application {receipt_number}: you will receive an award"
    )
    # A language without templates of its own gets the German one, in one query.
    with django_assert_num_queries(1):
        assert template_for("awarded", "fr")[0] == "Glückwunsch {call}"
    ApplicationMailTemplate.objects.all().delete()
    assert template_for("awarded", "de")[0] == (
        "Ihre Bewerbung {receipt_number}: Sie werden ausgezeichnet"
    )
    assert template_for("not_selected", "fr")[0] == template_for("not_selected", "de")[0]


def test_a_template_with_an_unknown_placeholder_is_refused():
    template = ApplicationMailTemplate(
        kind="awarded", language="en", subject="{receipt_number}", body="{name.__class__} {iban}"
    )
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "body" in error.value.message_dict
    assert "subject" not in error.value.message_dict


def test_the_template_snippet_is_editable_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    template = ApplicationMailTemplate.objects.get(kind="awarded", language="de")
    viewset = "wagtailsnippets_b52_applications_applicationmailtemplate"
    url = reverse(f"{viewset}:edit", args=[template.pk])
    assert client.get(url).status_code == 200


# Request for missing documents --------------------------------------------------------


def test_the_request_is_prefilled_previewed_and_queued(
    client, office, submission, django_capture_on_commit_callbacks
):
    client.force_login(office)
    set_status(submission, S.INCOMPLETE)
    url = compose_url(submission, "request_documents")
    form = client.get(url).context["form"]
    assert "B52-2026-0001" in form.initial["subject"]
    assert "Gesund altern in Salach" in form.initial["body"]
    assert "Anna Muster" in form.initial["body"]
    assert "{upload_link}" in form.initial["body"]

    preview = client.post(
        url,
        {
            "subject": form.initial["subject"],
            "body": form.initial["body"].replace("- …", "- Kostenplan"),
            "valid_until": form.initial["valid_until"].isoformat(),
            "action": "preview",
        },
    )
    subject, body = preview.context["preview"]
    assert "{upload_link}" not in body
    assert "- Kostenplan" in body
    assert "{upload_deadline}" not in body
    assert not MailDelivery.objects.filter(kind="request_documents").exists()
    assert not DocumentRequest.objects.exists()

    mail.outbox.clear()
    response = send_request(client, submission, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    delivery = MailDelivery.objects.get(kind="request_documents")
    assert delivery.state == "sent"
    (message,) = mail.outbox
    assert message.to == ["anna.muster@salach.example"]
    assert message.subject == delivery.subject
    assert LINK.search(message.body)
    assert DocumentRequest.objects.get().created_by == office
    actions = set(PageLogEntry.objects.values_list("action", flat=True))
    assert {"b52_applications.mail", "b52_applications.link"} <= actions
    for entry in PageLogEntry.objects.all():
        text = str(entry.message) + str(entry.data)
        for private in PRIVATE:
            assert private not in text


@pytest.mark.parametrize("line", ["- …", "  - …  ", "- ...", "…", "• …"])
def test_the_request_is_refused_while_the_placeholder_line_is_in_the_text(
    client, office, submission, django_capture_on_commit_callbacks, line
):
    client.force_login(office)
    set_status(submission, S.INCOMPLETE)
    url = compose_url(submission, "request_documents")
    initial = client.get(url).context["form"].initial
    assert "\n- …\n" in initial["body"]  # the default text's placeholder
    body = initial["body"].replace("- …", line).replace("\n", "\r\n")  # as browsers send it
    for action in ("send", "preview"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url,
                {
                    "subject": initial["subject"],
                    "body": body,
                    "valid_until": initial["valid_until"].isoformat(),
                    "action": action,
                },
            )
        assert response.status_code == 200
        [error] = response.context["form"].errors["body"]
        assert f"„{line.strip()}“" in error
        assert "fehlenden Unterlagen" in error
        assert error in html.unescape(response.content.decode())
        assert response.context["preview"] is None
    assert not MailDelivery.objects.filter(kind="request_documents").exists()
    assert not DocumentRequest.objects.exists()


def test_an_ellipsis_inside_a_sentence_is_no_placeholder(
    client, office, submission, django_capture_on_commit_callbacks
):
    client.force_login(office)
    set_status(submission, S.INCOMPLETE)
    body = "Es fehlen der Kostenplan, der Zeitplan …\n- und ...die Unterschrift\n{upload_link}"
    response = send_request(client, submission, django_capture_on_commit_callbacks, body=body)
    assert response.status_code == 302
    assert MailDelivery.objects.get(kind="request_documents").state == "sent"


def test_the_request_can_be_sent_again_and_the_old_link_stops(
    client, office, submission, django_capture_on_commit_callbacks
):
    client.force_login(office)
    set_status(submission, S.INCOMPLETE)
    mail.outbox.clear()
    send_request(client, submission, django_capture_on_commit_callbacks)
    send_request(client, submission, django_capture_on_commit_callbacks)
    assert MailDelivery.objects.filter(kind="request_documents").count() == 2
    first, second = (sent_link(message) for message in mail.outbox)
    assert first != second
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_the_request_belongs_to_the_status_incomplete(client, office, submission):
    client.force_login(office)
    set_status(submission, S.IN_REVIEW)
    response = client.get(compose_url(submission, "request_documents"))
    assert response.status_code == 302
    assert response.url == detail_url(submission)
    assert client.get(compose_url(submission, "nonsense")).status_code == 302


def test_a_link_date_too_far_ahead_is_refused(
    client, office, submission, django_capture_on_commit_callbacks
):
    client.force_login(office)
    set_status(submission, S.INCOMPLETE)
    later = (datetime.date.today() + datetime.timedelta(days=200)).isoformat()
    response = send_request(
        client, submission, django_capture_on_commit_callbacks, valid_until=later
    )
    assert response.status_code == 200
    assert "valid_until" in response.context["form"].errors
    assert not MailDelivery.objects.filter(kind="request_documents").exists()


def test_the_mail_views_need_the_change_permission(client, django_user_model, submission):
    reader = make_user(django_user_model, "reader", make_group("Lesen", "view_all_applications"))
    set_status(submission, S.INCOMPLETE)
    client.force_login(reader)
    assert client.get(compose_url(submission, "request_documents")).status_code == 403
    reply = reverse("b52_applications_admin:reply", args=[submission.pk])
    assert client.post(reply, {"attachments": [pdf()]}).status_code == 403


# The upload page ---------------------------------------------------------------------


@pytest.fixture
def link(client, office, submission, django_capture_on_commit_callbacks):
    client.force_login(office)
    set_status(submission, S.INCOMPLETE)
    mail.outbox.clear()
    send_request(client, submission, django_capture_on_commit_callbacks)
    client.logout()
    mail.outbox.clear()
    # The link as the mail carries it (the delivery stores the text sent).
    return sent_link(MailDelivery.objects.get(kind="request_documents"))


def test_the_applicant_uploads_once_and_the_application_is_back_in_review(
    client, submission, link, django_capture_on_commit_callbacks
):
    page = client.get(link)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert 'lang="de"' in content
    assert page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "same-origin"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, {"attachments": [pdf("kostenplan.pdf")]})
    assert response.status_code == 200
    assert response.context["state"] == "done"
    submission.refresh_from_db()
    assert submission.status == S.IN_REVIEW
    names = list(submission.attachments.values_list("original_name", "sort_order"))
    assert names == [("bewerbungsbogen.pdf", 0), ("kostenplan.pdf", 1)]
    entry = PageLogEntry.objects.get(action="b52_applications.documents")
    assert entry.user is None and entry.data["by"] == "applicant" and entry.data["count"] == 1
    status = PageLogEntry.objects.filter(action="b52_applications.status").order_by("pk").last()
    assert status.data["new"] == "in_review" and status.data["by"] == "applicant"
    # The office hears of it: the receipt number and the admin link, nothing else.
    (notice,) = mail.outbox
    assert notice.to == ["office@example.org"]
    assert "B52-2026-0001" in notice.subject
    assert reverse("b52_applications_admin:detail", args=[submission.pk]) in notice.body
    for private in PRIVATE:
        assert private not in notice.body + notice.subject

    again = client.post(link, {"attachments": [pdf("noch-einer.pdf")]})
    assert again.status_code == 410
    assert submission.attachments.count() == 2


def test_a_refused_file_keeps_the_link_open(client, submission, link):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(link, {"attachments": [bad]})
    assert response.status_code == 400
    assert response.context["form"].errors["attachments"]
    assert 'id="b52-error-summary"' in response.content.decode()
    assert DocumentRequest.objects.get().used_at is None
    assert submission.attachments.count() == 1
    assert client.get(link).status_code == 200


def test_an_expired_or_forged_link_does_not_work(client, submission, link):
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = link.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert client.get(forged).status_code == 404
    assert client.post(forged, {"attachments": [pdf()]}).status_code == 404
    with time_machine.travel(datetime.datetime.now() + datetime.timedelta(days=20), tick=False):
        response = client.post(link, {"attachments": [pdf()]})
    assert response.status_code == 410
    assert response.context["state"] == "expired"
    assert submission.attachments.count() == 1


def test_the_link_closes_when_the_application_moves_on(client, submission, link):
    set_status(submission, S.NOT_SELECTED)
    response = client.get(link)
    assert response.status_code == 410
    assert response.context["state"] == "closed"


def test_the_upload_page_speaks_german(client, submission, link):
    # Needs the compiled catalogue.
    content = html.unescape(client.get(link).content.decode())
    assert "Fehlende Unterlagen senden" in content


# The reply attached in the admin -------------------------------------------------------


def test_staff_attach_the_reply_and_the_application_is_back_in_review(client, office, submission):
    client.force_login(office)
    set_status(submission, S.INCOMPLETE)
    reply = reverse("b52_applications_admin:reply", args=[submission.pk])
    response = client.post(reply, {"attachments": [pdf("antwort.pdf")]})
    assert response.status_code == 302
    # One file in the singular (the German catalogue once said “1 Dateien”).
    [message] = [str(m.message).strip() for m in get_messages(response.wsgi_request)]
    assert message in (
        "1 file attached to B52-2026-0001.",
        "1 Datei an B52-2026-0001 angehängt.",
    )
    submission.refresh_from_db()
    assert submission.status == S.IN_REVIEW
    assert submission.attachments.count() == 2
    entry = PageLogEntry.objects.get(action="b52_applications.documents")
    assert entry.user == office
    assert "antwort" not in str(entry.data) + str(entry.message)


def test_a_refused_reply_file_attaches_nothing(client, office, submission):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(office)
    set_status(submission, S.INCOMPLETE)
    reply = reverse("b52_applications_admin:reply", args=[submission.pk])
    bad = SimpleUploadedFile("antwort.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    client.post(reply, {"attachments": [bad]})
    submission.refresh_from_db()
    assert submission.status == S.INCOMPLETE
    assert submission.attachments.count() == 1


# Decision mails ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind", "phrase"),
    [(S.AWARDED, "awarded", "Herzlichen Glückwunsch"), (S.NOT_SELECTED, "not_selected", "leider")],
)
def test_the_decision_mail_is_previewed_and_queued(
    client, office, submission, django_capture_on_commit_callbacks, status, kind, phrase
):
    client.force_login(office)
    set_status(submission, status)
    url = compose_url(submission, kind)
    form = client.get(url).context["form"]
    assert "valid_until" not in form.fields
    data = {"subject": form.initial["subject"], "body": form.initial["body"]}
    preview = client.post(url, {**data, "action": "preview"})
    assert phrase in preview.context["preview"][1]
    assert "Ausschreibung 2026" in preview.context["preview"][1]
    assert not MailDelivery.objects.filter(kind="decision").exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "action": "send"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["anna.muster@salach.example"]
    assert phrase in message.body
    assert MailDelivery.objects.get(kind="decision").state == "sent"
    entry = PageLogEntry.objects.get(action="b52_applications.mail")
    assert entry.user == office and entry.data["kind"] == "decision"


def test_an_english_form_page_gets_the_english_decision_although_german_was_edited(
    client, settings, office, submission, form_page, django_capture_on_commit_callbacks
):
    """Staff edited the German template; the English page's applicant still
    reads English (the package's default, or the English row staff edit)."""
    settings.WAGTAIL_I18N_ENABLED = True
    settings.LANGUAGES = settings.WAGTAIL_CONTENT_LANGUAGES = [("de", "Deutsch"), ("en", "English")]
    ApplicationMailTemplate.objects.filter(kind="not_selected", language="de").update(
        subject="Bewerbung {receipt_number}: Absage"
    )
    ApplicationMailTemplate.objects.filter(language="en").delete()  # an install from before
    english = Locale.objects.create(language_code="en")
    english_form = form_page.copy_for_translation(english, copy_parents=True, alias=False)
    ApplicationSubmission.objects.filter(pk=submission.pk).update(page=english_form)
    client.force_login(office)
    set_status(submission, S.NOT_SELECTED)
    url = compose_url(submission, "not_selected")
    form = client.get(url).context["form"]
    number = submission.receipt_number
    assert form.initial["subject"] == f"Your application {number}: the jury's decision"
    mail.outbox.clear()
    data = {"subject": form.initial["subject"], "body": form.initial["body"], "action": "send"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    (message,) = mail.outbox
    assert message.subject.endswith("the jury's decision")
    assert message.body.startswith("Dear Anna Muster,")
    assert "Absage" not in message.body + message.subject


def test_migration_0009_adds_the_english_templates_and_keeps_edited_rows():
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "b52_wagtail.applications.migrations.0009_english_mail_templates"
    )
    ApplicationMailTemplate.objects.filter(language="en").delete()  # a site migrated before
    ApplicationMailTemplate.objects.filter(kind="awarded", language="de").update(subject="Eigen")
    migration.create_missing_templates(apps, None)
    english = ApplicationMailTemplate.objects.filter(language="en")
    assert set(english.values_list("kind", flat=True)) == {
        "request_documents",
        "awarded",
        "not_selected",
    }
    assert ApplicationMailTemplate.objects.get(kind="awarded", language="de").subject == "Eigen"
    migration.create_missing_templates(apps, None)  # again: nothing doubles
    assert ApplicationMailTemplate.objects.count() == 6
