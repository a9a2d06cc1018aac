"""Checks for application attachments: the content decides, not the name.

Every upload is identified by its magic bytes and then parsed for real
(PDF with pypdf, DOCX/ODT as zip packages, JPEG/PNG/WebP with Pillow).
What cannot be parsed is refused with a German message at the field.
Images are re-encoded without metadata, so a stored image carries no EXIF,
GPS, XMP or text chunks.
"""

import hashlib
import io
import logging
import posixpath
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..conf import b52_settings

logger = logging.getLogger(__name__)

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
# File name extensions accepted for each kind of content.
NAME_EXTENSIONS = {
    "pdf": PDF,
    "docx": DOCX,
    "odt": ODT,
    "jpg": JPEG,
    "jpeg": JPEG,
    "png": PNG,
    "webp": WEBP,
}
# Suffixes that a web server might execute or a browser render as active
# content, anywhere in a name ("foto.php.jpg" as well as "foto.jpg.php").
DANGEROUS_SUFFIXES = {
    "php", "php3", "php4", "php5", "php7", "phtml", "phar", "pht", "cgi", "pl", "py", "rb",
    "asp", "aspx", "jsp", "jspx", "sh", "bash", "exe", "dll", "bat", "cmd", "com", "scr",
    "msi", "ps1", "vbs", "js", "mjs", "html", "htm", "xhtml", "shtml", "svg", "svgz", "xml",
    "swf", "jar", "hta", "htaccess",
}  # fmt: skip

ZIP_MAGIC = b"PK\x03\x04"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A zip package may not unpack to more than this (zip bombs).
MAX_UNPACKED_SIZE = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
MAX_NAME_LENGTH = 200

DOCX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass
class CheckedFile:
    """An accepted upload, ready to be stored under a generated name."""

    original_name: str
    kind: str
    content: bytes

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


def check_name(name):
    """The display name of an upload, or a ValidationError.

    The name is only shown, never used as a storage path."""
    if not name or any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise ValidationError(
            _("The file name “%(name)s” contains characters that are not allowed."),
            code="bad_name",
            params={"name": (name or "").replace("\x00", "")},
        )
    name = unicodedata.normalize("NFC", posixpath.basename(name.replace("\\", "/")))
    if not name or name in {".", ".."} or len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            _("The file name “%(name)s” is not allowed."), code="bad_name", params={"name": name}
        )
    stem, dot, extension = name.rpartition(".")
    inner = {part.lower() for part in stem.split(".")[1:]} if dot else set()
    if not dot or extension.lower() not in NAME_EXTENSIONS or inner & DANGEROUS_SUFFIXES:
        raise ValidationError(
            _(
                "“%(name)s” is not an allowed file type. Allowed are: %(types)s "
                "(for example your Bewerbungsbogen as PDF)."
            ),
            code="bad_type",
            params={"name": name, "types": allowed_types_text()},
        )
    return name


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


def _wrong_type(name):
    return ValidationError(
        _(
            "The content of “%(name)s” is not a valid PDF, DOCX, ODT, JPEG, PNG or WebP "
            "file (the file type is checked by its content, not its name)."
        ),
        code="bad_content",
        params={"name": name},
    )


def _damaged(name):
    return ValidationError(
        _("“%(name)s” is damaged or cannot be read. Please save it again and upload it anew."),
        code="damaged",
        params={"name": name},
    )


def check_pdf(name, content):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                raise ValidationError(
                    _(
                        "“%(name)s” is encrypted or password-protected. Please upload "
                        "it without a password."
                    ),
                    code="encrypted",
                    params={"name": name},
                )
            if len(reader.pages) < 1:
                raise _damaged(name)
            reader.pages[0].mediabox  # noqa: B018  (parses the first page)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
        logger.info("refused a PDF that does not parse: %s", type(error).__name__)
        raise _damaged(name) from error
    except Exception as error:  # noqa: BLE001  (any parser failure is a damaged file)
        logger.info("refused a PDF that does not parse: %s", type(error).__name__)
        raise _damaged(name) from error
    return PDF


def _open_zip(name, content):
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
        infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _damaged(name) from error
    if len(infos) > MAX_ZIP_ENTRIES or sum(info.file_size for info in infos) > MAX_UNPACKED_SIZE:
        raise _damaged(name)
    return package, infos


def _read_member(package, member, name, limit=2 * 1024 * 1024):
    try:
        info = package.getinfo(member)
        if info.file_size > limit:
            raise _damaged(name)
        return package.read(info)
    except KeyError as error:
        raise _wrong_type(name) from error
    except (zipfile.BadZipFile, ValueError, OSError, RuntimeError) as error:
        raise _damaged(name) from error


def check_zip_document(name, content):
    """DOCX (Office Open XML) or ODT (OpenDocument text), or a ValidationError."""
    package, infos = _open_zip(name, content)
    names = {info.filename for info in infos}
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        types = _read_member(package, "[Content_Types].xml", name)
        if DOCX_MAIN_TYPE.encode() not in types:
            raise _wrong_type(name)
        kind = DOCX
    elif infos and infos[0].filename == "mimetype" and "content.xml" in names:
        if _read_member(package, "mimetype", name).strip() != ODT_MIMETYPE:
            raise _wrong_type(name)
        kind = ODT
    else:
        raise _wrong_type(name)
    try:
        broken = package.testzip()
    except (zipfile.BadZipFile, ValueError, OSError, RuntimeError, EOFError) as error:
        raise _damaged(name) from error
    if broken is not None:
        raise _damaged(name)
    return kind


def check_image(name, content, expected):
    """Parse a JPEG, PNG or WebP with a pixel bound and return a copy
    without metadata."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    max_pixels = b52_settings.APPLICATION_MAX_IMAGE_PIXELS
    too_large = ValidationError(
        _(
            "The image “%(name)s” has too many pixels (at most %(limit)s megapixels). "
            "Please reduce its size."
        ),
        code="too_many_pixels",
        params={"name": name, "limit": f"{max_pixels / 1_000_000:g}"},
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Image.open only reads the header: the size is known before
            # any pixel data is decoded.
            with Image.open(io.BytesIO(content)) as probe:
                # Phones save photos with a second image (MPO, a JPEG with
                # an MPF index); only the first image is kept.
                if probe.format != expected.upper() and (probe.format, expected) != ("MPO", JPEG):
                    raise _wrong_type(name)
                width, height = probe.size
                if width * height > max_pixels:
                    raise too_large
                probe.verify()
            with Image.open(io.BytesIO(content)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                # Pillow writes a JPEG comment and XMP (which may hold GPS
                # data) from ``info`` again unless they are dropped.
                for key in ("comment", "xmp", "exif"):
                    image.info.pop(key, None)
                output = io.BytesIO()
                if expected == JPEG:
                    if image.mode not in ("RGB", "L", "CMYK"):
                        image = image.convert("RGB")
                    # No exif, no comments: only the pixels (and the colour
                    # profile, which holds no personal data) are kept.
                    image.save(
                        output,
                        "JPEG",
                        quality=92,
                        icc_profile=image.info.get("icc_profile"),
                    )
                elif expected == WEBP:
                    image.save(
                        output, "WEBP", quality=90, icc_profile=image.info.get("icc_profile")
                    )
                else:
                    # Only the pixels: no tEXt/iTXt/zTXt chunks, no eXIf.
                    image.save(output, "PNG", icc_profile=image.info.get("icc_profile"))
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        raise _damaged(name) from error
    except Exception as error:  # noqa: BLE001  (any decoder failure is a damaged file)
        raise _damaged(name) from error
    return output.getvalue()


def read_limited(upload, limit):
    """The bytes of an upload, refusing more than ``limit`` without reading it all."""
    upload.seek(0)
    content = upload.read(limit + 1)
    upload.seek(0)
    return content


def check_upload(upload):
    """Check one uploaded file and return a :class:`CheckedFile`."""
    name = check_name(upload.name)
    max_size = b52_settings.APPLICATION_MAX_FILE_SIZE
    if upload.size is not None and upload.size > max_size:
        raise file_too_large(name, max_size)
    content = read_limited(upload, max_size)
    if len(content) > max_size:
        raise file_too_large(name, max_size)
    if not content:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    kind = sniff(content[:16])
    named_kind = NAME_EXTENSIONS[name.rpartition(".")[2].lower()]
    if kind is None:
        raise _wrong_type(name)
    if kind == PDF:
        check_pdf(name, content)
    elif kind == "zip":
        kind = check_zip_document(name, content)
    else:
        content = check_image(name, content, kind)
    if kind != named_kind:
        raise ValidationError(
            _(
                "The content of “%(name)s” does not match its file name extension. "
                "Please check the file."
            ),
            code="mismatch",
            params={"name": name},
        )
    return CheckedFile(original_name=name, kind=kind, content=content)


def file_too_large(name, limit):
    return ValidationError(
        _("“%(name)s” is too large: at most %(limit)s per file."),
        code="file_too_large",
        params={"name": name, "limit": filesizeformat(limit)},
    )
