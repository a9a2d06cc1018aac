import datetime

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from .... import localization
from ...models import Attachment
from ...storage import private_storage

# Where attachment_upload_to puts every attachment.
FOLDER = "b52-applications"
# Names checked against the database per query.
BATCH = 500


def stored_names(storage, folder=FOLDER):
    """Every file below ``folder``, through the Storage API only (``listdir``),
    so that it works on S3 as on a disk."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}"
    for directory in sorted(directories):
        yield from stored_names(storage, f"{folder}/{directory}")


def _batches(names):
    batch = []
    for name in names:
        batch.append(name)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def orphan_files(storage, min_age, now=None):
    """``(name, size)`` of the files no attachment refers to that are older
    than ``min_age``, and the number of orphans too young (or of unknown age)
    to be touched: a file is written before its row commits."""
    now = now or timezone.now()
    orphans, kept = [], 0
    for batch in _batches(stored_names(storage)):
        referenced = set(Attachment.objects.filter(file__in=batch).values_list("file", flat=True))
        for name in batch:
            if name in referenced:
                continue
            try:
                modified = storage.get_modified_time(name)
            except (NotImplementedError, FileNotFoundError):
                kept += 1
                continue
            if timezone.is_naive(modified):
                modified = timezone.make_aware(modified)
            if modified > now - min_age:
                kept += 1
                continue
            orphans.append((name, storage.size(name)))
    return orphans, kept


class Command(BaseCommand):
    help = (
        "List the files in the private storage (B52_PRIVATE_STORAGE, folder "
        "b52-applications/) that no attachment refers to, for example left by a "
        "process that died while an application was stored. Only files older than "
        "--min-age minutes count, so uploads in flight are never touched. Lists "
        "them by default; --delete removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            help="Only files older than this many minutes (default 60).",
        )
        parser.add_argument(
            "--delete", action="store_true", help="Delete the files instead of listing them."
        )

    def handle(self, *args, **options):
        with localization.override(localization.default_language()):
            if options["min_age"] < 0:
                raise CommandError(gettext("--min-age must not be negative."))
            self.run(datetime.timedelta(minutes=options["min_age"]), options["delete"])

    def run(self, min_age, delete):
        orphans, kept = orphan_files(private_storage, min_age)
        deleted, errors = [], []
        for name, size in orphans:
            self.stdout.write(f"{name}\t{size}")
            if delete:
                try:
                    private_storage.delete(name)
                except Exception as error:  # noqa: BLE001  (report it, go on with the others)
                    errors.append(name)
                    self.stderr.write(f"{name}\t{type(error).__name__}: {error}")
                else:
                    deleted.append(size)
        minutes = int(min_age.total_seconds() // 60)
        total = filesizeformat(sum(size for _name, size in orphans))
        if delete:
            summary = ngettext(
                "Deleted %(count)d orphaned attachment file (%(size)s).",
                "Deleted %(count)d orphaned attachment files (%(size)s).",
                len(deleted),
            ) % {"count": len(deleted), "size": filesizeformat(sum(deleted))}
        else:
            summary = ngettext(
                "%(count)d orphaned attachment file older than %(minutes)d minutes "
                "(%(size)s); nothing deleted, run with --delete to remove it.",
                "%(count)d orphaned attachment files older than %(minutes)d minutes "
                "(%(size)s); nothing deleted, run with --delete to remove them.",
                len(orphans),
            ) % {"count": len(orphans), "minutes": minutes, "size": total}
        self.stdout.write(summary)
        if kept:
            self.stdout.write(
                ngettext(
                    "%(count)d file without an attachment kept: younger than %(minutes)d "
                    "minutes (perhaps an upload in flight) or of unknown age.",
                    "%(count)d files without an attachment kept: younger than %(minutes)d "
                    "minutes (perhaps uploads in flight) or of unknown age.",
                    kept,
                )
                % {"count": kept, "minutes": minutes}
            )
        if errors:
            raise CommandError(
                ngettext(
                    "%(count)d file could not be deleted.",
                    "%(count)d files could not be deleted.",
                    len(errors),
                )
                % {"count": len(errors)}
            )
