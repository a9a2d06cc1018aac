"""A mail worker that is killed in the middle of a send (tests/applications/test_mail_lease.py).

Run as ``python -m tests.applications.killed_worker DELIVERY_ID`` with
``B52_WORKER_MARKER`` (a file path) and ``DATABASE_URL`` (the test database)
in the environment. It picks up the send task of the delivery as any
worker would; its mail server hangs in the middle of the send, and the
worker writes the marker file when it got there, so that the test can
kill it with SIGKILL. With ``B52_WORKER_ACCEPT=1`` the server has already
accepted the mail when it hangs: it appends the mail to ``MARKER.accepted``
(the mail that is out although the worker never recorded it).
"""

import json
import os
import sys
import time

from django.core.mail.backends.base import BaseEmailBackend


class HangingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        marker = os.environ["B52_WORKER_MARKER"]
        if os.environ.get("B52_WORKER_ACCEPT"):
            with open(f"{marker}.accepted", "a", encoding="utf-8") as accepted:
                for message in email_messages:
                    accepted.write(json.dumps({"to": message.to, "subject": message.subject}))
                    accepted.write("\n")
        with open(marker, "w", encoding="utf-8") as file:
            file.write(str(os.getpid()))
        time.sleep(600)
        return 0


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "tests.applications.killed_worker.HangingBackend"
    from b52_wagtail.applications import tasks

    tasks.send_application_mail.call(int(sys.argv[1]))


if __name__ == "__main__":
    main()
