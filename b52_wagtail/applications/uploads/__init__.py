"""Checks for application attachments: the content decides, not the name.

Every upload is identified by its magic bytes and then parsed for real:
PDF with pypdf and searched for active content (:mod:`.pdf`), DOCX/ODT as
zip packages by their real structure and real inflated size
(:mod:`.office`, :mod:`.archives`), JPEG/PNG/WebP with Pillow and
re-encoded without metadata (:mod:`.images`). What cannot be parsed or is
not allowed is refused with a German message at the field. What all files
of one request may cost together is bounded by an
:class:`~.budget.InspectionBudget`.
"""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ...conf import b52_settings
from .base import (
    CONTENT_TYPES,
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    STORED_EXTENSIONS,
    WEBP,
    CheckedFile,
    allowed_types_text,
    sniff,
    wrong_type,
)
from .budget import BudgetExceeded, InspectionBudget, budget_exceeded
from .findings import WARNING_LABELS, warning_labels
from .images import check_image
from .names import DANGEROUS_SUFFIXES, NAME_EXTENSIONS, check_name, named_kind
from .office import check_zip_document
from .pdf import check_pdf

__all__ = [
    "CONTENT_TYPES",
    "DANGEROUS_SUFFIXES",
    "DOCX",
    "JPEG",
    "NAME_EXTENSIONS",
    "ODT",
    "PDF",
    "PNG",
    "STORED_EXTENSIONS",
    "WARNING_LABELS",
    "WEBP",
    "BudgetExceeded",
    "CheckedFile",
    "InspectionBudget",
    "allowed_types_text",
    "budget_exceeded",
    "check_image",
    "check_name",
    "check_pdf",
    "check_upload",
    "check_uploads",
    "check_zip_document",
    "file_too_large",
    "read_limited",
    "sniff",
    "warning_labels",
]


def read_limited(upload, limit):
    """The bytes of an upload, refusing more than ``limit`` without reading it all."""
    upload.seek(0)
    content = upload.read(limit + 1)
    upload.seek(0)
    return content


def file_too_large(name, limit):
    return ValidationError(
        _("“%(name)s” is too large: at most %(limit)s per file."),
        code="file_too_large",
        params={"name": name, "limit": filesizeformat(limit)},
    )


def check_upload(upload, budget=None):
    """Check one uploaded file and return a :class:`CheckedFile`.

    ``budget`` is the :class:`InspectionBudget` of the request (a fresh one
    when checking a single file); :class:`BudgetExceeded` is raised when it
    is used up."""
    if budget is None:
        budget = InspectionBudget.from_settings()
    name = check_name(upload.name)
    budget.check_time()
    max_size = b52_settings.APPLICATION_MAX_FILE_SIZE
    if upload.size is not None and upload.size > max_size:
        raise file_too_large(name, max_size)
    content = read_limited(upload, max_size)
    if len(content) > max_size:
        raise file_too_large(name, max_size)
    if not content:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    kind = sniff(content[:16])
    if kind is None:
        raise wrong_type(name)
    warnings = []
    if kind == PDF:
        warnings = check_pdf(name, content, budget)
    elif kind == "zip":
        kind = check_zip_document(name, content, budget)
    else:
        content = check_image(name, content, kind, budget)
    if kind != named_kind(name):
        raise ValidationError(
            _(
                "The content of “%(name)s” does not match its file name extension. "
                "Please check the file."
            ),
            code="mismatch",
            params={"name": name},
        )
    return CheckedFile(original_name=name, kind=kind, content=content, warnings=warnings)


def display_name(name):
    try:
        return check_name(name)
    except ValidationError:
        return str(name or "")


def check_uploads(uploads, budget=None):
    """Check the files of one request within one budget: a list of
    :class:`CheckedFile`, or a ValidationError listing every refusal.
    Once the budget is used up the remaining files are not checked."""
    budget = budget or InspectionBudget.from_settings()
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload, budget))
        except ValidationError as error:
            errors.extend(error.error_list)
        except BudgetExceeded:
            errors.append(budget_exceeded(display_name(upload.name)))
            break
    if errors:
        raise ValidationError(errors)
    return checked
