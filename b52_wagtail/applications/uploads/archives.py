"""Zip packages (DOCX and ODT) read by what they really hold.

Nothing a zip declares about its sizes is trusted. Every member is
inflated in chunks and its real bytes are counted, against a limit per
file (``B52_APPLICATION_MAX_INFLATED_SIZE``), a ratio to the size of the
upload and the request's :class:`~.budget.InspectionBudget`. The reader is
told to accept at most what is still allowed instead of the declared size,
so a member that claims ten bytes and inflates to a gigabyte stops at the
limit; a member whose real size differs from the declared one is refused
as manipulated, because other programs would read it differently.

A package inside the upload (the workbook behind a DOCX chart) is opened as
a :class:`ZipPackage` with the upload's package as its ``parent``: what it
inflates counts against its own limits and against the parent's, and so
against the same budget.
"""

import copy
import io
import zipfile
import zlib

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ...conf import b52_settings
from .base import ZIP_MAGIC, damaged, shown_part
from .budget import BudgetExceeded

MAX_MEMBERS = 2000
CHUNK_SIZE = 64 * 1024
# Structure parts ([Content_Types].xml, relationships, manifest) are read
# into memory; real ones are a few kilobytes.
MAX_STRUCTURE_PART_SIZE = 2 * 1024 * 1024
# A package may unpack to at most this many times its size once it unpacks
# to more than RATIO_FLOOR (text-only XML packs about 5-20 times; zip bombs
# about 1000 times).
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
HEAD_SIZE = 1024

ARCHIVE_MAGIC = (
    ZIP_MAGIC,
    b"PK\x05\x06",  # an empty zip
    b"PK\x07\x08",  # a spanned zip
    b"\x1f\x8b\x08",  # gzip (deflate)
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"MSCF",  # cabinet
)
ARCHIVE_EXTENSIONS = {
    "zip", "gz", "tgz", "7z", "rar", "cab", "tar", "docx", "docm", "dotx", "dotm", "xlsx",
    "xlsm", "xlsb", "pptx", "pptm", "odt", "ods", "odp", "odg", "jar",
}  # fmt: skip
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXECUTABLE_EXTENSIONS = {
    "exe", "dll", "js", "jse", "vbs", "vbe", "wsf", "wsh", "ps1", "psm1", "bat", "cmd", "com",
    "scr", "msi", "msp", "jar", "hta", "cpl", "pif", "lnk", "reg", "ocx", "sys", "sh", "so",
    "dylib", "app", "apk",
}  # fmt: skip
EXECUTABLE_MAGIC = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java class
)


def extension(part):
    base = part.rsplit("/", 1)[-1]
    return base.rpartition(".")[2].lower() if "." in base else ""


def is_windows_program(head):
    """A DOS/Windows program: "MZ" and, where the header says, "PE\\0\\0"."""
    if not head.startswith(b"MZ") or len(head) < 64:
        return False
    offset = int.from_bytes(head[60:64], "little")
    return head[offset : offset + 4] == b"PE\x00\x00" or b"This program cannot be run" in head


def too_many_parts(name):
    return ValidationError(
        _("“%(name)s” consists of too many parts (more than %(limit)d)."),
        code="too_many_parts",
        params={"name": name, "limit": MAX_MEMBERS},
    )


def too_large_unpacked(name):
    return ValidationError(
        _(
            "“%(name)s” unpacks to more than %(limit)s. Please save it with smaller images "
            "or as PDF and upload it again."
        ),
        code="inflated_too_large",
        params={
            "name": name,
            "limit": filesizeformat(b52_settings.APPLICATION_MAX_INFLATED_SIZE),
        },
    )


def packed_too_densely(name):
    return ValidationError(
        _(
            "“%(name)s” is packed in an unusual way (it unpacks to many times its size) "
            "and is not accepted. Please save it again, for example as PDF."
        ),
        code="inflated_ratio",
        params={"name": name},
    )


def manipulated(name):
    return ValidationError(
        _("“%(name)s” is damaged or manipulated: the sizes it declares do not match its content."),
        code="zip_sizes",
        params={"name": name},
    )


def nested_archive(name, part):
    return ValidationError(
        _(
            "“%(name)s” contains another archive or embedded document (%(part)s). "
            "Please save the document without embedded files, for example as PDF, "
            "and upload it again."
        ),
        code="nested_archive",
        params={"name": name, "part": shown_part(part)},
    )


def program_file(name, part):
    return ValidationError(
        _("“%(name)s” contains a program file (%(part)s) and is not accepted."),
        code="program_file",
        params={"name": name, "part": shown_part(part)},
    )


def embedded_object(name, part):
    return ValidationError(
        _(
            "“%(name)s” contains embedded objects or controls (%(part)s). Please save the "
            "document without embedded objects, for example as PDF, and upload it again."
        ),
        code="embedded_object",
        params={"name": name, "part": shown_part(part)},
    )


class ZipPackage:
    """A zip upload: members listed when opened, inflated only through
    :meth:`read` and :meth:`inspect`, which count every real byte.

    ``parent`` is the package this one is a part of (``prefix`` its part
    name there): messages still name the upload, part names are shown as
    ``prefix/part`` and every inflated byte is also charged to the parent."""

    def __init__(self, name, content, budget, *, parent=None, prefix=""):
        self.name = name
        self.size = len(content)
        self.budget = budget
        self.parent = parent
        self.prefix = prefix
        self.limit = b52_settings.APPLICATION_MAX_INFLATED_SIZE
        self.inflated = 0
        self.heads = {}
        self.parts = {}
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(content))
            self.infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as error:
            raise damaged(name) from error
        if len(self.infos) > MAX_MEMBERS:
            raise too_many_parts(name)
        names = [info.filename for info in self.infos]
        # Two members of one name: programs disagree about which one counts.
        if len(set(names)) != len(names):
            raise damaged(name)
        self.names = set(names)
        self.members = [info for info in self.infos if not info.is_dir()]

    def first_name(self):
        return self.infos[0].filename if self.infos else None

    def shown(self, part):
        """A part name as the person sees it: inside a nested package with
        the nested package's part name in front."""
        return f"{self.prefix}/{part}" if self.prefix else part

    def read(self, part, limit=MAX_STRUCTURE_PART_SIZE, too_large=None):
        """The inflated bytes of a part of at most ``limit`` bytes, or None;
        a larger part raises ``too_large`` (default: "damaged")."""
        if part not in self.names:
            return None
        if part not in self.parts:
            chunks, size = [], 0
            for chunk in self._inflate(self.zip.getinfo(part)):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise too_large or damaged(self.name)
            self.parts[part] = b"".join(chunks)
        return self.parts[part]

    def inspect(self, consumer_for=None, checked=()):
        """Inflate every member once: the real total and ratio are checked,
        and nested archives and programs (by name or content) are refused,
        except the parts in ``checked`` (nested packages the caller has
        checked itself). ``consumer_for(part)`` may return a callable that
        is fed each chunk of that part and called with ``None`` at its end."""
        for info in self.members:
            consume = consumer_for(info.filename) if consumer_for else None
            if info.filename in self.parts:
                if consume:
                    consume(self.parts[info.filename])
            else:
                for chunk in self._inflate(info):
                    if consume:
                        consume(chunk)
            if consume:
                consume(None)
            if info.filename not in checked:
                self.check_foreign(info.filename, self.heads.get(info.filename, b""))

    def check_foreign(self, part, head):
        """Refuse a member that is a program or an archive of its own."""
        if extension(part) in EXECUTABLE_EXTENSIONS:
            raise program_file(self.name, self.shown(part))
        if is_windows_program(head) or head.startswith(EXECUTABLE_MAGIC):
            raise program_file(self.name, self.shown(part))
        if extension(part) in ARCHIVE_EXTENSIONS or head.startswith(ARCHIVE_MAGIC):
            raise nested_archive(self.name, self.shown(part))
        if head.startswith(OLE_MAGIC):
            raise embedded_object(self.name, self.shown(part))

    def file_left(self):
        """Bytes this package (and every package it is part of) may still
        inflate."""
        left = self.limit - self.inflated
        if self.parent is not None:
            left = min(left, self.parent.file_left())
        return max(left, 0)

    def _inflate(self, info):
        """The real content of one member, chunk by chunk."""
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise damaged(self.name)
        self.budget.check_time()
        file_left = self.file_left()
        budget_left = self.budget.inflated_left
        allowed = min(file_left, budget_left)
        probe = copy.copy(info)
        # Read at most one byte more than is still allowed, whatever the
        # member declares.
        probe.file_size = allowed + 1
        real = 0
        try:
            with self.zip.open(probe) as handle:
                while chunk := handle.read(CHUNK_SIZE):
                    if real == 0:
                        self.heads[info.filename] = chunk[:HEAD_SIZE]
                    real += len(chunk)
                    self._charge(len(chunk))
                    yield chunk
        except ValidationError:
            raise
        except zipfile.BadZipFile as error:
            # Stopping at the cap ends the member early, which its CRC
            # reports: that is "too large", not "damaged".
            if real + CHUNK_SIZE > allowed:
                if file_left <= budget_left:
                    raise too_large_unpacked(self.name) from error
                raise BudgetExceeded("inflated") from error
            raise damaged(self.name) from error
        except (
            zlib.error,
            EOFError,
            OSError,
            RuntimeError,
            ValueError,
            NotImplementedError,
        ) as error:
            raise damaged(self.name) from error
        if real != info.file_size:
            raise manipulated(self.name)

    def _charge(self, count):
        self.inflated += count
        if self.inflated > self.limit:
            raise too_large_unpacked(self.name)
        if self.inflated > RATIO_FLOOR and self.inflated > MAX_RATIO * self.size:
            raise packed_too_densely(self.name)
        if self.parent is not None:
            self.parent._charge(count)
        else:
            self.budget.spend_inflated(count)
