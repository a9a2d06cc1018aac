from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from .... import localization
from ...models import MailDelivery
from ...tasks import retry_due


class Command(BaseCommand):
    help = (
        "Send the application mails that are due: queued ones whose task was lost, "
        "failed ones whose next attempt has come, and ones whose worker died while "
        "sending (still “sending” after B52_APPLICATION_MAIL_LEASE seconds). Task runs "
        "do this too; run it from cron as a safety net, e.g. every five minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Also retry mails that have used up their attempts.",
        )

    def handle(self, *args, **options):
        outcome = retry_due(include_exhausted=options["all"])
        with localization.override(localization.default_language()):
            self.stdout.write(summary(outcome))


def summary(outcome):
    if not outcome:
        return gettext("Application mails: nothing due.")
    labels = dict(MailDelivery.State.choices)
    labels["skipped"] = gettext("taken by another worker")
    parts = ", ".join(
        f"{labels.get(state, state)}: {count}" for state, count in sorted(outcome.items())
    )
    return gettext("Application mails: %(outcome)s.") % {"outcome": parts}
