"""PDFs: parsed with pypdf, and searched for active content.

Active content is what a PDF viewer may run or open on its own: JavaScript
(document scripts, ``/OpenAction``, ``/AA`` additional actions, form
fields), launch actions, embedded files, XFA forms, rich media (Flash),
form submission and data import actions and links that open other files.

The search walks the real object graph with pypdf: every object the
cross-reference table lists, reachable from the catalog or not, including
objects packed into compressed object streams (pypdf inflates them, which is
charged to the request's budget), and every dictionary and array inside
them. PDF names are compared after pypdf has decoded them, so
``/J#61vaScript`` is ``/JavaScript``. There is no byte grep: names inside
object streams are compressed, names may be escaped, and compressed page
data contains "/JS" by chance, so a grep would both miss and misfire.

``B52_APPLICATION_ACTIVE_PDF`` decides what happens to a PDF with active
content: "refuse" (the default) or "flag" (accepted; the codes travel with
the file as :attr:`~.base.CheckedFile.warnings` and staff are warned).
"""

import contextlib
import io
import logging
import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ...conf import b52_settings
from .base import damaged, encrypted
from .budget import BudgetExceeded
from .findings import (
    PDF_EMBEDDED_FILE,
    PDF_IMPORT_DATA,
    PDF_JAVASCRIPT,
    PDF_LAUNCH,
    PDF_OTHER_FILE,
    PDF_RICH_MEDIA,
    PDF_SUBMIT_FORM,
    PDF_XFA,
    joined_labels,
    ordered,
)

logger = logging.getLogger(__name__)

FLAG = "flag"
REFUSE = "refuse"
# pypdf's own bound for one decoded stream.
PYPDF_STREAM_LIMIT = 75_000_000
# How often (in visited objects) the walk asks the budget for the time.
TIME_CHECK_INTERVAL = 256

# Action types (/S) and what they do.
ACTIONS = {
    "/JavaScript": PDF_JAVASCRIPT,
    "/Launch": PDF_LAUNCH,
    "/SubmitForm": PDF_SUBMIT_FORM,
    "/ImportData": PDF_IMPORT_DATA,
    "/GoToR": PDF_OTHER_FILE,
    "/GoToE": PDF_EMBEDDED_FILE,
    "/RichMediaExecute": PDF_RICH_MEDIA,
}
# Keys whose mere presence is active content.
KEYS = {
    "/JS": PDF_JAVASCRIPT,
    "/JavaScript": PDF_JAVASCRIPT,  # the document's script name tree
    "/EmbeddedFiles": PDF_EMBEDDED_FILE,  # the name tree of attachments
    "/EF": PDF_EMBEDDED_FILE,  # a file specification that carries the file
    "/XFA": PDF_XFA,
    "/RichMediaContent": PDF_RICH_MEDIA,
    "/RichMediaSettings": PDF_RICH_MEDIA,
}
TYPES = {"/EmbeddedFile": PDF_EMBEDDED_FILE}
SUBTYPES = {"/FileAttachment": PDF_EMBEDDED_FILE, "/RichMedia": PDF_RICH_MEDIA}


def active_content(name, found):
    return ValidationError(
        _(
            "“%(name)s” contains active content (%(found)s). Please save the file without "
            "scripts, for example via “Print to PDF”, and upload it again."
        ),
        code="active_content",
        params={"name": name, "found": joined_labels(found)},
    )


def check_pdf(name, content, budget):
    """Parse a PDF and search it for active content. Returns the warning
    codes to store with an accepted file (empty for a plain PDF)."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    limit = min(PYPDF_STREAM_LIMIT, budget.inflated_left + 1)
    try:
        with warnings.catch_warnings(), stream_limits(limit):
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                raise encrypted(name)
            if len(reader.pages) < 1:
                raise damaged(name)
            reader.pages[0].mediabox  # noqa: B018  (parses the first page)
            found = ordered(find_active_content(reader, budget))
    except (ValidationError, BudgetExceeded):
        raise
    except LimitReachedError as error:
        # A stream that inflates beyond what the request has left.
        if limit < PYPDF_STREAM_LIMIT:
            raise BudgetExceeded("inflated") from error
        raise damaged(name) from error
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
        logger.info("refused a PDF that does not parse: %s", type(error).__name__)
        raise damaged(name) from error
    except Exception as error:  # noqa: BLE001  (any parser failure is a damaged file)
        logger.info("refused a PDF that does not parse: %s", type(error).__name__)
        raise damaged(name) from error
    if found and b52_settings.APPLICATION_ACTIVE_PDF != FLAG:
        raise active_content(name, found)
    return found


def stream_limits(limit):
    """Bound what pypdf inflates per stream (pypdf 6.4 and later)."""
    try:
        from pypdf import apply_configuration
    except ImportError:  # an older pypdf keeps its own bound of 75 MB
        return contextlib.nullcontext()
    return apply_configuration(
        zlib_maximum_output_length=limit,
        lzw_maximum_output_length=limit,
        run_length_maximum_output_length=limit,
        array_based_stream_maximum_output_length=limit,
    )


def listed_objects(reader):
    """A reference to every object of the cross-reference table(s)."""
    from pypdf.generic import IndirectObject

    for generation, numbers in reader.xref.items():
        for number in numbers:
            yield IndirectObject(number, generation, reader)
    for number in reader.xref_objStm:
        yield IndirectObject(number, 0, reader)


def find_active_content(reader, budget):
    """The codes of the active content in the object graph of ``reader``."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found = set()
    seen = set()
    charged = set()
    pending = [reader.trailer, *listed_objects(reader)]
    visited = 0
    while pending:
        item = pending.pop()
        visited += 1
        if visited % TIME_CHECK_INTERVAL == 0:
            budget.check_time()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            charge_object_stream(reader, item, budget, charged)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            inspect_dictionary(item, found)
            # dict.values: the raw entries, references not yet resolved.
            pending.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            pending.extend(list.__iter__(item))
    return found


def charge_object_stream(reader, reference, budget, charged):
    """Charge the inflated size of the object stream holding ``reference``
    once, before pypdf reads the object from it."""
    if reference.generation != 0 or reference.idnum not in reader.xref_objStm:
        return
    number = reader.xref_objStm[reference.idnum][0]
    if number in charged:
        return
    charged.add(number)
    stream = reader.get_object(number)
    if hasattr(stream, "get_data"):
        budget.spend_inflated(len(stream.get_data()))


def name_value(value):
    """A PDF name (as text, e.g. "/JavaScript") or None."""
    from pypdf.generic import NameObject

    if value is None:
        return None
    value = value.get_object()
    return str(value) if isinstance(value, NameObject) else None


def inspect_dictionary(dictionary, found):
    for key, code in KEYS.items():
        if key in dictionary:
            found.add(code)
    action = name_value(dict.get(dictionary, "/S"))
    if action in ACTIONS:
        found.add(ACTIONS[action])
    kind = name_value(dict.get(dictionary, "/Type"))
    if kind in TYPES:
        found.add(TYPES[kind])
    subtype = name_value(dict.get(dictionary, "/Subtype"))
    if subtype in SUBTYPES:
        found.add(SUBTYPES[subtype])
