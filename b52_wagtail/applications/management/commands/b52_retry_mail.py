from django.core.management.base import BaseCommand

from ...tasks import retry_due


class Command(BaseCommand):
    help = (
        "Send the application mails that are due: queued ones whose task was lost, "
        "failed ones whose next attempt has come, and ones stuck while sending. "
        "Run it from cron, e.g. every five minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Also retry mails that have used up their attempts.",
        )

    def handle(self, *args, **options):
        outcome = retry_due(include_exhausted=options["all"])
        summary = ", ".join(f"{state}: {count}" for state, count in sorted(outcome.items()))
        self.stdout.write(f"application mails: {summary or 'nothing due'}")
