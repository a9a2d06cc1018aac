"""File names of uploads: shown to staff, never used as a storage path."""

import posixpath
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .base import DOCX, JPEG, ODT, PDF, PNG, WEBP, allowed_types_text

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
MAX_NAME_LENGTH = 200


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


def named_kind(name):
    """The kind of content a checked name's extension promises."""
    return NAME_EXTENSIONS[name.rpartition(".")[2].lower()]
