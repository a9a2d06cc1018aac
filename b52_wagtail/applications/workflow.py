"""The review workflow of an application: which status may follow which,
and the one function that changes a status (checked, race-free, logged).

::

    received ──► in_review ──► jury ──► awarded
       │ ▲          │ ▲  │        │
       ▼ │          ▼ │  ▼        ▼
       spam     incomplete   not_selected

Every status that is not final may become ``withdrawn`` (the applicant
withdraws through the link in their confirmation, or tells the office).
``awarded``, ``not_selected``, ``withdrawn`` and ``spam`` are final; only
spam can be undone (back to ``received``).
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .history import STATUS_ACTION, log_application
from .models import ApplicationStatus

S = ApplicationStatus

TRANSITIONS = {
    S.RECEIVED: (S.IN_REVIEW, S.SPAM, S.WITHDRAWN),
    S.IN_REVIEW: (S.INCOMPLETE, S.JURY, S.NOT_SELECTED, S.SPAM, S.WITHDRAWN),
    # The applicant's reply arrived (back to review) or never came.
    S.INCOMPLETE: (S.IN_REVIEW, S.NOT_SELECTED, S.WITHDRAWN),
    S.JURY: (S.AWARDED, S.NOT_SELECTED, S.IN_REVIEW, S.WITHDRAWN),
    S.AWARDED: (),
    S.NOT_SELECTED: (),
    S.WITHDRAWN: (),
    # Undo: a real application caught by the spam filter or marked by mistake.
    S.SPAM: (S.RECEIVED,),
}

FINAL = frozenset({S.AWARDED, S.NOT_SELECTED, S.WITHDRAWN, S.SPAM})

# Transitions after which staff write a mail to the applicant.
MAIL_AFTER = {
    S.INCOMPLETE: "request_documents",
    S.AWARDED: "awarded",
    S.NOT_SELECTED: "not_selected",
}


def allowed_targets(status):
    """The statuses ``status`` may change to, in the workflow's order."""
    return TRANSITIONS.get(status, ())


def is_allowed(old, new):
    return new in allowed_targets(old)


def can_withdraw(status):
    return S.WITHDRAWN in allowed_targets(status)


class TransitionRefused(Exception):
    """A status change the workflow does not allow; ``message`` is for the user."""

    def __init__(self, old, new):
        self.old, self.new = old, new
        labels = dict(S.choices)
        super().__init__(
            _("An application cannot go from “%(old)s” to “%(new)s”. Nothing was changed.")
            % {"old": labels.get(old, old), "new": labels.get(new, new)}
        )

    @property
    def message(self):
        return str(self.args[0])


def change_status(submission, new, *, user=None, by=None):
    """Move ``submission`` to ``new`` when the workflow allows it, and log it.

    The update is conditional on the status read before, so two people (or
    the applicant and staff) changing it at once cannot both succeed from a
    stale status. ``by`` says who acted without an account (``"applicant"``).
    Raises :class:`TransitionRefused`; returns the old status."""
    old = submission.status
    if not is_allowed(old, new):
        raise TransitionRefused(old, new)
    with transaction.atomic():
        updated = (
            type(submission)
            .objects.filter(pk=submission.pk, status=old)
            .update(status=new, is_spam=new == S.SPAM)
        )
        if not updated:
            current = (
                type(submission).objects.filter(pk=submission.pk).values_list("status", flat=True)
            ).first()
            raise TransitionRefused(current or old, new)
        submission.status = new
        submission.is_spam = new == S.SPAM
        data = {"old": old, "new": str(new)}
        if by:
            data["by"] = by
        log_application(submission, STATUS_ACTION, user=user, **data)
    return old
