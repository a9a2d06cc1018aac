"""PDFs with active content (JavaScript, launch actions, embedded files,
XFA): refused by default with a German message; with
``B52_APPLICATION_ACTIVE_PDF = "flag"`` accepted, stored with warnings and
shown to staff with a warning in the inbox, on the application and before
the download."""

import html

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission

from b52_wagtail.applications.models import ApplicationSubmission, Attachment
from b52_wagtail.applications.storage import private_storage
from b52_wagtail.applications.uploads import check_upload, warning_labels

from . import pdfs
from .test_form import assert_refused, submit
from .utils import pdf, stored_files, valid_data

pytestmark = pytest.mark.django_db

ACTIVE = [
    # (builder, what the German message names, warning code)
    (pdfs.javascript_pdf, "JavaScript", "pdf_javascript"),
    (pdfs.launch_pdf, "Programmstart", "pdf_launch"),
    (pdfs.attachment_pdf, "eingebettete Dateien", "pdf_embedded_file"),
    (pdfs.xfa_pdf, "XFA-Formular", "pdf_xfa"),
    (pdfs.page_action_pdf, "JavaScript", "pdf_javascript"),
    (pdfs.hidden_javascript_pdf, "JavaScript", "pdf_javascript"),
    (pdfs.unreachable_javascript_pdf, "JavaScript", "pdf_javascript"),
]
IDS = [builder.__name__ for builder, _label, _code in ACTIVE]


def upload(name, content):
    return SimpleUploadedFile(name, content, "application/pdf")


def text(response):
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("builder,label,code", ACTIVE, ids=IDS)
def test_an_active_pdf_is_refused_by_default(client, form_page, district, builder, label, code):
    response = submit(
        client, form_page, valid_data(district), files=[upload("bewerbung.pdf", builder())]
    )
    assert_refused(
        response,
        f"„bewerbung.pdf“ enthält aktive Inhalte ({label}). Bitte speichern Sie die Datei "
        "ohne Skripte, zum Beispiel über „Drucken als PDF“, und laden Sie sie erneut hoch.",
        "attachments",
    )


def test_the_names_hidden_in_an_object_stream_are_found():
    content = pdfs.hidden_javascript_pdf()
    # Neither the name nor its escaped form is in the file's bytes.
    assert b"JavaScript" not in content and b"J#61va" not in content
    with pytest.raises(ValidationError) as error:
        check_upload(upload("versteckt.pdf", content))
    assert error.value.code == "active_content"


def test_one_active_pdf_among_clean_files_stores_nothing(client, form_page, district):
    files = [pdf("eins.pdf"), upload("zwei.pdf", pdfs.javascript_pdf()), pdf("drei.pdf")]
    response = submit(client, form_page, valid_data(district), files=files)
    assert_refused(response, "„zwei.pdf“ enthält aktive Inhalte (JavaScript)", "attachments")


def test_a_plain_pdf_has_no_warnings(settings):
    settings.B52_APPLICATION_ACTIVE_PDF = "flag"
    checked = check_upload(upload("bogen.pdf", pdfs.packed_pdf()))
    assert checked.warnings == []


@pytest.mark.parametrize("builder,label,code", ACTIVE, ids=IDS)
def test_flagged_an_active_pdf_is_stored_with_its_warning(
    client, form_page, district, settings, builder, label, code
):
    settings.B52_APPLICATION_ACTIVE_PDF = "flag"
    content = builder()
    response = submit(client, form_page, valid_data(district), files=[upload("aktiv.pdf", content)])
    assert "B52-2026-0001" in response.content.decode()
    attachment = ApplicationSubmission.objects.get().attachments.get()
    assert attachment.warnings == [code]
    assert stored_files() == [attachment.file.name]
    with private_storage.open(attachment.file.name) as handle:
        assert handle.read() == content


def test_warning_labels_are_german_words_in_a_fixed_order():
    from django.utils import translation

    with translation.override("de"):
        labels = [str(label) for label in warning_labels(["pdf_xfa", "pdf_javascript", "x"])]
    assert labels == ["JavaScript", "XFA-Formular", "x"]


# Staff ------------------------------------------------------------------------


@pytest.fixture
def flagged(client, form_page, district, settings):
    """An application with a clean PDF and a PDF with JavaScript and an
    embedded file, accepted with ``B52_APPLICATION_ACTIVE_PDF = "flag"``."""
    settings.B52_APPLICATION_ACTIVE_PDF = "flag"
    writer_content = pdfs.packed_pdf(
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "
        b"/Names << /EmbeddedFiles << /Names [(a.txt) 4 0 R] >> >>",
        extra_objects={4: b"<< /Type /Filespec /F (a.txt) /EF << /F 5 0 R >> >>"},
    )
    files = [pdf("bewerbungsbogen.pdf"), upload("präsentation.pdf", writer_content)]
    submit(client, form_page, valid_data(district), files=files)
    submission = ApplicationSubmission.objects.get()
    clean, active = submission.attachments.order_by("sort_order")
    assert clean.warnings == []
    assert active.warnings == ["pdf_javascript", "pdf_embedded_file"]
    return submission, clean, active


def test_the_application_page_warns_next_to_the_flagged_file(admin_client, flagged):
    submission, clean, active = flagged
    response = admin_client.get(reverse("b52_applications_admin:detail", args=[submission.pk]))
    content = text(response)
    assert response.status_code == 200
    item = content[content.index("präsentation.pdf") :]
    item = item[: item.index("</li>")]
    assert "Aktive Inhalte:" in item
    assert "JavaScript, eingebettete Dateien" in item
    assert "Nur in einem PDF-Betrachter ohne JavaScript öffnen." in item
    assert "icon-warning" in item  # an icon and words, not colour alone
    clean_item = content[content.index("bewerbungsbogen.pdf") :]
    assert "Aktive Inhalte" not in clean_item[: clean_item.index("</li>")]


def test_the_inbox_marks_the_row_of_a_flagged_application(
    admin_client, flagged, form_page, client, district
):
    other = valid_data(district, project_title="Ohne Warnung")
    submit(client, form_page, other, files=[pdf("sauber.pdf")])
    response = admin_client.get(reverse("wagtailforms:list_submissions", args=[form_page.pk]))
    content = text(response)
    listing = content[content.index('<table class="listing">') :]
    body = listing[listing.index("<tbody>") : listing.index("</tbody>")]
    rows = body.split("<tr>")[1:]
    marked = [row for row in rows if "Aktive Inhalte" in row]
    assert len(rows) == 2 and len(marked) == 1
    assert flagged[0].receipt_number in marked[0]
    assert 'title="Ein Anhang enthält aktive Inhalte"' in marked[0]


def test_the_download_link_of_a_flagged_file_leads_to_a_confirmation(admin_client, flagged):
    _submission, _clean, active = flagged
    download = reverse("b52_applications:attachment", args=[active.pk])
    response = admin_client.get(download)
    confirm = reverse("b52_applications_admin:attachment", args=[active.pk])
    assert response.status_code == 302 and response["Location"] == confirm
    page = admin_client.get(confirm)
    content = text(page)
    assert "Diese Datei enthält aktive Inhalte (JavaScript, eingebettete Dateien)." in content
    assert "nur in einem PDF-Betrachter ohne JavaScript" in content
    assert f'<form method="post" action="{download}">' in content
    assert "Trotzdem herunterladen" in content
    assert "„präsentation.pdf“ herunterladen?" in content


def test_confirming_downloads_the_file_with_the_security_headers(flagged, django_user_model):
    _submission, _clean, active = flagged
    admin = django_user_model.objects.create_superuser("chefin", "c@example.org", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    download = reverse("b52_applications:attachment", args=[active.pk])
    # Without the form's CSRF token a POST downloads nothing.
    assert client.post(download).status_code == 403
    page = client.get(reverse("b52_applications_admin:attachment", args=[active.pk]))
    token = page.context["csrf_token"]
    with private_storage.open(active.file.name) as handle:
        stored = handle.read()
    response = client.post(download, {"csrfmiddlewaretoken": str(token)})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored
    assert stored.startswith(b"%PDF-1.7")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_clean_file_of_the_same_application_downloads_directly(admin_client, flagged):
    _submission, clean, _active = flagged
    response = admin_client.get(reverse("b52_applications:attachment", args=[clean.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    confirm = admin_client.get(reverse("b52_applications_admin:attachment", args=[clean.pk]))
    assert confirm.status_code == 302


def test_the_confirmation_and_the_download_check_the_permission(flagged, django_user_model, home):
    _submission, _clean, active = flagged
    editors = Group.objects.create(name="Redaktion")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=editors, page=home, permission=Permission.objects.get(codename="change_page")
    )
    editor = django_user_model.objects.create_user("editor", "e@example.org", "pw")
    editor.groups.add(editors)
    client = Client()
    client.force_login(editor)
    confirm = client.get(reverse("b52_applications_admin:attachment", args=[active.pk]))
    assert confirm.status_code == 403
    response = client.post(reverse("b52_applications:attachment", args=[active.pk]))
    assert response.status_code == 403
    assert "Trotzdem herunterladen" not in confirm.content.decode()
    assert Attachment.objects.count() == 2
