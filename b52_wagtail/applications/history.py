"""The history (“Verlauf”) of an application: what staff and the applicant
did with it, as entries of Wagtail's log (``PageLogEntry`` on the form
page, ``data["submission_id"]`` naming the application), and the staff's
notes.

A log entry names the application by its receipt number only: never the
applicant, their answers or a file name (a file name can name a person).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.log_actions import LogFormatter
from wagtail.models import PageLogEntry

STATUS_ACTION = "b52_applications.status"
EXPORT_ACTION = "b52_applications.export"
DELETE_ACTION = "b52_applications.delete"
NOTE_ACTION = "b52_applications.note"
MAIL_ACTION = "b52_applications.mail"
DOWNLOAD_ACTION = "b52_applications.download"
DOCUMENTS_ACTION = "b52_applications.documents"
LINK_ACTION = "b52_applications.link"


def receipt(data):
    return data.get("receipt_number") or data.get("submission_id") or "?"


def log_application(submission, action, *, user=None, **data):
    """Log ``action`` on ``submission`` (on its form page, with its id and
    receipt number). ``data`` must hold no personal data."""
    from wagtail.log_actions import log

    return log(
        instance=submission.page.specific,
        action=action,
        user=user,
        data={"submission_id": submission.pk, "receipt_number": submission.receipt_number, **data},
    )


class ApplicationFormatter(LogFormatter):
    """A message with ``%(receipt)s`` and the entry's data; ``fallback``
    when an old entry lacks a key."""

    message = ""
    fallback = ""

    def values(self, data):
        return {}

    def format_message(self, log_entry):
        data = log_entry.data or {}
        try:
            return self.message % {"receipt": receipt(data), **self.values(data)}
        except (KeyError, TypeError):
            return self.fallback or self.label


def register(actions):
    """Register the workflow's log actions (``register_log_actions`` hook)."""
    from .models import MailDelivery

    kinds = dict(MailDelivery.Kind.choices)

    @actions.register_action(NOTE_ACTION)
    class NoteFormatter(ApplicationFormatter):
        label = _("Add a note to an application")
        message = _("Added a note to application %(receipt)s")

    @actions.register_action(MAIL_ACTION)
    class MailFormatter(ApplicationFormatter):
        label = _("Send a mail about an application")
        message = _("Queued the mail “%(kind)s” of application %(receipt)s")

        def values(self, data):
            return {"kind": kinds.get(data["kind"], data["kind"])}

    @actions.register_action(DOWNLOAD_ACTION)
    class DownloadFormatter(ApplicationFormatter):
        label = _("Download an attachment of an application")
        message = _("Downloaded attachment no. %(number)s of application %(receipt)s")

        def values(self, data):
            return {"number": data["attachment_id"]}

    @actions.register_action(DOCUMENTS_ACTION)
    class DocumentsFormatter(ApplicationFormatter):
        label = _("Add documents to an application")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            count = data.get("count", 0)
            values = {"receipt": receipt(data), "count": count}
            if data.get("by") == "applicant":
                message = ngettext(
                    "The applicant uploaded %(count)s document to application %(receipt)s",
                    "The applicant uploaded %(count)s documents to application %(receipt)s",
                    count,
                )
            else:
                message = ngettext(
                    "Attached %(count)s file of the applicant's reply to %(receipt)s",
                    "Attached %(count)s files of the applicant's reply to %(receipt)s",
                    count,
                )
            return message % values

    @actions.register_action(LINK_ACTION)
    class LinkFormatter(ApplicationFormatter):
        label = _("Create an upload link for an application")
        message = _("Created a one-time upload link for %(receipt)s, valid until %(until)s")

        def values(self, data):
            return {"until": data["until"]}


def history(submission):
    """The entries of the application's history, oldest first: its log
    entries, the exports of its form since it arrived (each may have held
    it) and the notes, as dicts with ``timestamp``, ``user``, ``message``
    and, for notes, ``note``."""
    entries = [
        {"timestamp": entry.timestamp, "user": entry.user, "message": entry.message}
        for entry in PageLogEntry.objects.filter(page_id=submission.page_id)
        .filter(data__submission_id=submission.pk)
        .exclude(action=NOTE_ACTION)
        .select_related("user")
    ]
    entries += [
        {"timestamp": entry.timestamp, "user": entry.user, "message": entry.message}
        for entry in PageLogEntry.objects.filter(
            page_id=submission.page_id,
            action=EXPORT_ACTION,
            timestamp__gte=submission.submit_time,
        ).select_related("user")
    ]
    entries += [
        {
            "timestamp": note.created_at,
            "user": note.user,
            "message": _("Note"),
            "note": note.text,
        }
        for note in submission.notes.select_related("user")
    ]
    entries.sort(key=lambda entry: entry["timestamp"])
    return entries
