import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log

from ....conf import b52_settings
from ...models import ApplicationSubmission
from ...views import PURGE_ACTION


def expired_submissions(now=None):
    """Submissions past the retention period: ``B52_APPLICATION_RETENTION_DAYS``
    after their call's deadline (after submission when the call is gone)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=b52_settings.APPLICATION_RETENTION_DAYS)
    return ApplicationSubmission.objects.filter(
        Q(call__deadline__lt=cutoff) | Q(call__isnull=True, submit_time__lt=cutoff)
    )


class Command(BaseCommand):
    help = (
        "Delete application submissions, their attachments and their mails "
        "B52_APPLICATION_RETENTION_DAYS after the deadline of their call. "
        "The audit log keeps one entry per form page, without personal data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args, **options):
        expired = expired_submissions()
        pages = {}
        for submission in expired.select_related("page"):
            pages.setdefault(submission.page_id, [submission.page, []])[1].append(submission.pk)
        total = sum(len(ids) for _page, ids in pages.values())
        if options["dry_run"]:
            self.stdout.write(f"would delete {total} applications")
            return
        for page, ids in pages.values():
            with transaction.atomic():
                ApplicationSubmission.objects.filter(pk__in=ids).delete()
                log(instance=page.specific, action=PURGE_ACTION, data={"count": len(ids)})
        self.stdout.write(f"deleted {total} applications")
