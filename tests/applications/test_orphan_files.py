"""``manage.py b52_orphan_files``: files in the private storage that no
attachment refers to (left by a process that died between writing the file
and committing its row) are listed, and deleted only with ``--delete``."""

import datetime
import os
from io import StringIO

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from b52_wagtail.applications.models import Attachment
from b52_wagtail.applications.storage import attachment_upload_to, private_storage

from .test_form import submit
from .utils import pdf, pdf_bytes, stored_files, valid_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.B52_LANGUAGE = "en"


def orphan_of_a_killed_submission(content=b"%PDF-1.7 half an application"):
    """What a worker killed after ``storage.save`` and before the commit
    leaves: a file under a generated name, its row rolled back."""
    return private_storage.save(attachment_upload_to(None, "bogen.pdf"), ContentFile(content))


def run(*args):
    output = StringIO()
    call_command("b52_orphan_files", *args, stdout=output, stderr=StringIO())
    return output.getvalue()


def test_an_orphan_is_listed_and_deleted_only_with_delete(client, form_page, district):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit(client, form_page, valid_data(district), files=[pdf()])
        orphan = orphan_of_a_killed_submission()
    referenced = Attachment.objects.get().file.name
    size = private_storage.size(orphan)
    with time_machine.travel(start + datetime.timedelta(minutes=50), tick=False):
        fresh = orphan_of_a_killed_submission(b"an upload in flight")

    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        listed = run()
        assert listed.splitlines() == [
            f"{orphan}\t{size}",
            f"1 orphaned attachment file older than 60 minutes ({size}\xa0bytes); "
            "nothing deleted, run with --delete to remove it.",
            "1 file without an attachment kept: younger than 60 minutes (perhaps an upload "
            "in flight) or of unknown age.",
        ]
        assert sorted(stored_files()) == sorted([referenced, orphan, fresh])

        deleted = run("--delete")
    assert deleted.splitlines()[:2] == [
        f"{orphan}\t{size}",
        f"Deleted 1 orphaned attachment file ({size}\xa0bytes).",
    ]
    assert sorted(stored_files()) == sorted([referenced, fresh])
    # The application's own file is untouched and still downloads.
    with Attachment.objects.get().file.open("rb") as file:
        assert file.read().startswith(b"%PDF")

    # Once it is old enough, the upload that never got its row goes too.
    with time_machine.travel(start + datetime.timedelta(minutes=200), tick=False):
        assert run("--delete").splitlines()[0] == f"{fresh}\t{len(b'an upload in flight')}"
    assert stored_files() == [referenced]


def test_min_age_and_nothing_outside_the_attachment_folder(settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        orphan = orphan_of_a_killed_submission(pdf_bytes())
        nested = private_storage.save("b52-applications/2026/alt.pdf", ContentFile(b"x"))
        other = private_storage.save("exports/bewerbungen.csv", ContentFile(b"a;b"))
    with time_machine.travel(start + datetime.timedelta(minutes=20), tick=False):
        assert run("--min-age", "30").splitlines()[0].startswith("0 orphaned")
        output = run("--min-age", "10", "--delete")
    assert f"{orphan}\t" in output
    assert f"{nested}\t1" in output
    assert "Deleted 2 orphaned attachment files" in output
    assert stored_files() == [other]


def test_nothing_to_do_and_a_negative_age_is_refused():
    assert run() == (
        "0 orphaned attachment files older than 60 minutes (0\xa0bytes); "
        "nothing deleted, run with --delete to remove them.\n"
    )
    with pytest.raises(CommandError, match="--min-age must not be negative"):
        run("--min-age", "-5")


@pytest.mark.real_clock  # the file system's times
def test_on_a_disk_storage_the_file_age_is_the_files_modification_time(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "b52_private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    old = orphan_of_a_killed_submission()
    new = orphan_of_a_killed_submission()
    two_hours_ago = (timezone.now() - datetime.timedelta(hours=2)).timestamp()
    os.utime(tmp_path / old, (two_hours_ago, two_hours_ago))

    assert run("--delete").splitlines()[0].startswith(f"{old}\t")
    assert not (tmp_path / old).exists()
    assert (tmp_path / new).exists()


def test_a_file_that_cannot_be_deleted_is_reported_and_the_others_go(monkeypatch):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        stubborn = orphan_of_a_killed_submission()
        other = orphan_of_a_killed_submission()
    original_delete = private_storage._wrapped.__class__.delete

    def delete(storage, name):
        if name == stubborn:
            raise PermissionError("read-only bucket")
        return original_delete(storage, name)

    monkeypatch.setattr(private_storage._wrapped.__class__, "delete", delete)
    errors = StringIO()
    with (
        time_machine.travel(start + datetime.timedelta(hours=2), tick=False),
        pytest.raises(CommandError, match="1 file could not be deleted"),
    ):
        call_command("b52_orphan_files", "--delete", stdout=StringIO(), stderr=errors)
    assert f"{stubborn}\tPermissionError: read-only bucket" in errors.getvalue()
    assert stored_files() == [stubborn]
    assert other not in stored_files()
