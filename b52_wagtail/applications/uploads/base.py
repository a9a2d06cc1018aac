"""What every check shares: the kinds of content, the accepted upload and
the messages for content that is not what it claims to be."""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PDF = "pdf"
DOCX = "docx"
ODT = "odt"
JPEG = "jpeg"
PNG = "png"
WEBP = "webp"

CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ODT: "application/vnd.oasis.opendocument.text",
    JPEG: "image/jpeg",
    PNG: "image/png",
    WEBP: "image/webp",
}
STORED_EXTENSIONS = {
    PDF: "pdf",
    DOCX: "docx",
    ODT: "odt",
    JPEG: "jpg",
    PNG: "png",
    WEBP: "webp",
}

ZIP_MAGIC = b"PK\x03\x04"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass
class CheckedFile:
    """An accepted upload, ready to be stored under a generated name.

    ``warnings`` lists the codes of what staff should know before opening
    it (active PDF content when ``B52_APPLICATION_ACTIVE_PDF`` is "flag");
    :func:`~.findings.warning_labels` turns them into words."""

    original_name: str
    kind: str
    content: bytes
    warnings: list = field(default_factory=list)

    @property
    def content_type(self):
        return CONTENT_TYPES[self.kind]

    @property
    def extension(self):
        return STORED_EXTENSIONS[self.kind]

    @property
    def size(self):
        return len(self.content)

    @property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()


def allowed_types_text():
    return "PDF, DOCX, ODT, JPEG, PNG, WebP"


def sniff(head):
    """The kind of content the first bytes announce, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(JPEG_MAGIC):
        return JPEG
    if head.startswith(PNG_MAGIC):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def wrong_type(name):
    return ValidationError(
        _(
            "The content of “%(name)s” is not a valid PDF, DOCX, ODT, JPEG, PNG or WebP "
            "file (the file type is checked by its content, not its name)."
        ),
        code="bad_content",
        params={"name": name},
    )


def damaged(name):
    return ValidationError(
        _("“%(name)s” is damaged or cannot be read. Please save it again and upload it anew."),
        code="damaged",
        params={"name": name},
    )


def encrypted(name):
    return ValidationError(
        _("“%(name)s” is encrypted or password-protected. Please upload it without a password."),
        code="encrypted",
        params={"name": name},
    )


def shown_part(part):
    """A part name from inside an uploaded file, short enough to show."""
    part = "".join(char for char in part if char.isprintable())
    return part if len(part) <= 80 else part[:77] + "…"
