from django.core.management.base import BaseCommand

from ...jury.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Remind jurors with open reviews of the review deadline "
        "(B52_JURY_REMINDER_DAYS days before it; each juror once per deadline). "
        "Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Days before the deadline (default: setting)."
        )

    def handle(self, *args, days=None, **options):
        sent = send_reminders(days=days)
        self.stdout.write(f"{sent} reminder(s) sent.")
