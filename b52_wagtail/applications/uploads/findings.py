"""Codes of active content found in an upload, and their words.

A code is what is stored (``Attachment.warnings``), so that staff see the
labels in their own language and the labels may change without a data
migration."""

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PDF_JAVASCRIPT = "pdf_javascript"
PDF_LAUNCH = "pdf_launch"
PDF_EMBEDDED_FILE = "pdf_embedded_file"
PDF_XFA = "pdf_xfa"
PDF_RICH_MEDIA = "pdf_rich_media"
PDF_SUBMIT_FORM = "pdf_submit_form"
PDF_IMPORT_DATA = "pdf_import_data"
PDF_OTHER_FILE = "pdf_other_file"

# In the order they are shown.
WARNING_LABELS = {
    PDF_JAVASCRIPT: _("JavaScript"),
    PDF_LAUNCH: _("program launch"),
    PDF_EMBEDDED_FILE: _("embedded files"),
    PDF_XFA: _("XFA form"),
    PDF_RICH_MEDIA: _("Flash/rich media"),
    PDF_SUBMIT_FORM: pgettext_lazy("b52", "form submission"),
    PDF_IMPORT_DATA: _("data import"),
    PDF_OTHER_FILE: _("links that open other files"),
}


def ordered(codes):
    """``codes`` without repeats, in the order of :data:`WARNING_LABELS`
    (unknown codes last)."""
    order = list(WARNING_LABELS)
    unique = set(codes or ())
    return sorted(
        unique, key=lambda code: (order.index(code) if code in order else len(order), code)
    )


def warning_labels(codes):
    """The words for stored warning codes, e.g. ``["JavaScript", "embedded
    files"]`` (in the active language); an unknown code is shown as it is."""
    return [WARNING_LABELS.get(code, code) for code in ordered(codes)]


def _joined(codes):
    return ", ".join(str(label) for label in warning_labels(codes))


# The labels joined with commas, translated when the text is shown.
joined_labels = lazy(_joined, str)
