"""The B 52-Förderpreis: award calls (:mod:`.call`, copied to the next
edition by :mod:`.edition`), winner showcases (:mod:`.showcase`), the winners
archive (:mod:`.archive`) and the award's section page (:mod:`.index`).
Shared helpers are in :mod:`.common`."""

from .archive import AbstractWinnerArchivePage, WinnerArchivePage
from .call import (
    AbstractAwardCallPage,
    AwardCallDocument,
    AwardCallForm,
    AwardCallJuryMember,
    AwardCallPage,
    AwardCallPatron,
    CallDocumentKind,
    CallStatus,
)
from .common import (
    DEFAULT_AWARD_NAME,
    DEFAULT_PRIZE_MONEY,
    ApplicantTypesField,
    all_applicant_types,
    call_models,
    format_deadline,
    format_euro,
    showcase_models,
)
from .edition import NextEditionMixin
from .index import AbstractAwardIndexPage, AwardIndexPage
from .showcase import AbstractWinnerShowcasePage, Winner, WinnerShowcaseForm, WinnerShowcasePage

__all__ = [
    "AbstractAwardCallPage",
    "AbstractAwardIndexPage",
    "AbstractWinnerArchivePage",
    "AbstractWinnerShowcasePage",
    "ApplicantTypesField",
    "AwardCallDocument",
    "AwardCallForm",
    "AwardCallJuryMember",
    "AwardCallPage",
    "AwardCallPatron",
    "AwardIndexPage",
    "CallDocumentKind",
    "CallStatus",
    "DEFAULT_AWARD_NAME",
    "DEFAULT_PRIZE_MONEY",
    "NextEditionMixin",
    "Winner",
    "WinnerArchivePage",
    "WinnerShowcaseForm",
    "WinnerShowcasePage",
    "all_applicant_types",
    "call_models",
    "format_deadline",
    "format_euro",
    "showcase_models",
]
