"""manage.py b52_purge_applications: past the retention period of their
call, submissions, files and queued mails are gone; the audit log stays
without personal data."""

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import PageLogEntry

from b52_wagtail.applications.models import ApplicationSubmission, Attachment, MailDelivery

from .test_form import submit
from .utils import berlin, make_call, make_form_page, stored_files, valid_data

pytestmark = pytest.mark.django_db


def purge(*args):
    call_command("b52_purge_applications", *args, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def old_and_new(client, home, district, admin_user):
    old_call = make_call(
        home,
        edition=2024,
        slug="ausschreibung-2024",
        start=berlin(2024, 6, 1),
        deadline=berlin(2024, 11, 30, 23, 59),
    )
    old_page = make_form_page(old_call, slug="bewerbung-2024")
    with time_machine.travel(berlin(2024, 11, 1, 12), tick=False):
        submit(client, old_page, valid_data(district, project_title="Altes Projekt"))
        submit(client, old_page, valid_data(district, project_title="Zweites altes Projekt"))
    old = ApplicationSubmission.objects.get(project_title="Altes Projekt")
    # A queued mail that never went out must go too.
    MailDelivery.objects.filter(submission=old).update(state="queued")
    client.force_login(admin_user)
    status_url = reverse("b52_applications_admin:status", args=[old.pk])
    # The workflow: received → in review → not selected.
    client.post(status_url, {"status": "in_review"})
    client.post(status_url, {"status": "not_selected"})
    client.logout()
    new_page = make_form_page(make_call(home), slug="bewerbung-neu")
    submit(client, new_page, valid_data(district, project_title="Neues Projekt"))
    return old_page, new_page


def test_purge_deletes_what_is_past_the_retention_period(
    old_and_new, django_capture_on_commit_callbacks
):
    old_page, new_page = old_and_new
    assert len(stored_files()) == 3
    # Stored files are deleted once the deletion has committed.
    with (
        time_machine.travel(berlin(2025, 12, 2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        purge()
    assert list(ApplicationSubmission.objects.values_list("project_title", flat=True)) == [
        "Neues Projekt"
    ]
    assert Attachment.objects.count() == 1
    assert stored_files() == [Attachment.objects.get().file.name]
    assert not MailDelivery.objects.exclude(submission__page=new_page).exists()
    purge_entry = PageLogEntry.objects.get(action="b52_applications.purge")
    assert purge_entry.page_id == old_page.pk
    assert purge_entry.data == {"count": 2}
    # The status change stays in the audit log, without personal data.
    status_entry = (
        PageLogEntry.objects.filter(action="b52_applications.status").order_by("pk").last()
    )
    assert status_entry.data["new"] == "not_selected"
    text = str(status_entry.message) + str(status_entry.data)
    for private in ("Anna", "Salach", "anna.muster", "Altes Projekt"):
        assert private not in text


def test_nothing_is_deleted_before_the_retention_period_ends(old_and_new):
    with time_machine.travel(berlin(2025, 11, 29), tick=False):
        purge()
    assert ApplicationSubmission.objects.count() == 3
    assert len(stored_files()) == 3


def test_the_retention_period_is_a_setting(old_and_new, settings):
    settings.B52_APPLICATION_RETENTION_DAYS = 30
    with time_machine.travel(berlin(2025, 1, 15), tick=False):
        purge()
    assert ApplicationSubmission.objects.count() == 1


def test_a_dry_run_deletes_nothing(old_and_new):
    with time_machine.travel(berlin(2026, 6, 1), tick=False):
        purge("--dry-run")
    assert ApplicationSubmission.objects.count() == 3
    assert not PageLogEntry.objects.filter(action="b52_applications.purge").exists()
