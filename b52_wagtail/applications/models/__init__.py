"""Models of the applications app: the form page (:mod:`.page`), its
submissions, attachments and mails (:mod:`.submission`) and the counters
kept in the database (:mod:`.counters`)."""

from .counters import RateCounter, ReceiptSequence
from .page import (
    AbstractApplicationFormPage,
    ApplicationFormField,
    ApplicationFormPage,
    enqueue_deliveries,
)
from .submission import ApplicationStatus, ApplicationSubmission, Attachment, MailDelivery

__all__ = [
    "AbstractApplicationFormPage",
    "ApplicationFormField",
    "ApplicationFormPage",
    "ApplicationStatus",
    "ApplicationSubmission",
    "Attachment",
    "MailDelivery",
    "RateCounter",
    "ReceiptSequence",
    "enqueue_deliveries",
]
