"""The ZIP of a juror's applications: per application a folder with a text
of its answers and its attachments, read through the storage API (the
private storage may be S3) and written into a temporary file that is
streamed, so memory stays flat whatever the size of the files."""

import logging
import re
import tempfile
import zipfile

from django.template.loader import render_to_string

from ..storage import private_storage

COPY_CHUNK = 1024 * 1024
logger = logging.getLogger(__name__)


def safe_name(text, fallback="datei"):
    """A file or folder name without path separators or control characters."""
    name = re.sub(r"[\x00-\x1f/\\:*?\"<>|]+", "_", text or "").strip(" ._")
    return name[:80] or fallback


def folder_name(submission):
    return safe_name(f"{submission.receipt_number or submission.pk} {submission.project_title}")


def summary_text(submission):
    return render_to_string(
        "b52_wagtail/applications/jury/application.txt",
        {"submission": submission, "extra": submission.extra_answers(submission.page.specific)},
    )


def build_zip(submissions):
    """The ZIP as an open temporary file positioned at its start, and the
    number of applications in it."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (the response streams and closes it)
    count = 0
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for submission in submissions:
            count += 1
            folder = folder_name(submission)
            archive.writestr(f"{folder}/bewerbung.txt", summary_text(submission))
            used = set()
            for attachment in submission.attachments.all():
                name = safe_name(attachment.original_name)
                while name in used:
                    name = f"{attachment.pk}_{name}"
                used.add(name)
                try:
                    source = private_storage.open(attachment.file.name, "rb")
                except OSError:
                    # A file lost in the storage must not cost the juror the others.
                    logger.warning("Attachment %s missing from the ZIP", attachment.pk)
                    continue
                with source, archive.open(f"{folder}/{name}", "w", force_zip64=True) as target:
                    while chunk := source.read(COPY_CHUNK):
                        target.write(chunk)
    handle.seek(0)
    return handle, count
