"""Models of the applications app: the form page (:mod:`.page`), its
submissions, attachments and mails (:mod:`.submission`) and the counters
kept in the database (:mod:`.counters`)."""

from .counters import RateCounter, ReceiptSequence
from .jury import Criterion, Juror, Jury, JuryReminder, Review, Score
from .page import (
    AbstractApplicationFormPage,
    ApplicationFormField,
    ApplicationFormPage,
    enqueue_deliveries,
)
from .submission import ApplicationStatus, ApplicationSubmission, Attachment, MailDelivery
from .workflow import (
    ApplicationMailTemplate,
    ApplicationNote,
    DocumentRequest,
    MailTemplateKind,
)

__all__ = [
    "AbstractApplicationFormPage",
    "ApplicationFormField",
    "ApplicationFormPage",
    "ApplicationMailTemplate",
    "ApplicationNote",
    "ApplicationStatus",
    "ApplicationSubmission",
    "Attachment",
    "Criterion",
    "DocumentRequest",
    "Juror",
    "Jury",
    "JuryReminder",
    "MailDelivery",
    "MailTemplateKind",
    "RateCounter",
    "ReceiptSequence",
    "Review",
    "Score",
    "enqueue_deliveries",
]
