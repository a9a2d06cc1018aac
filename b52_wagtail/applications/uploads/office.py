"""Word processing documents (DOCX and ODT) checked by their real structure.

A DOCX is an Office Open XML package: ``[Content_Types].xml`` and the
package relationships are parsed, the main part must be a word processing
document (not a macro-enabled or template one), and no part may be a macro
project, an ActiveX control, an OLE object, a binary part (except the
printer settings Word on Windows saves), a program or an archive (except
the workbook behind a chart, which is checked the same way, one level
deep), nor may a relationship fetch a template or file from a web server
or network share, nor a field run a program (DDE) or include a file or
picture from outside.

An ODT is an OpenDocument package: ``mimetype`` is its first member, stored
and exact, ``META-INF/manifest.xml`` is parsed and must describe a text
document, and there are no Basic or script libraries, no script event
bindings and no programs. Encrypted (password-protected) ODTs are refused.

All XML is parsed with defusedxml (no DTDs, no entities, no external
references), so a "billion laughs" document costs nothing.
"""

import posixpath
import re
import zipfile
from urllib.parse import unquote, urlsplit
from xml.parsers import expat

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import ParseError, fromstring
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ...conf import b52_settings
from .archives import HEAD_SIZE, ZipPackage, embedded_object, extension, nested_archive
from .base import DOCX, ODT, ZIP_MAGIC, damaged, encrypted, shown_part, wrong_type

CONTENT_TYPES_PART = "[Content_Types].xml"
PACKAGE_RELATIONSHIPS = "_rels/.rels"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT_RELATIONSHIPS = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
}
DOCX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# Lower-case pieces of content types, relationship types and part names.
MACRO_MARKERS = ("macroenabled", "vbaproject", "vbadata", "keymapcustomizations")
OBJECT_MARKERS = ("activex", "oleobject", "msdownload", "x-msdos-program", "java-archive")
OBJECT_RELATIONSHIPS = {"oleobject", "control", "activexcontrol", "activexcontrolbinary"}
SAFE_LINK_SCHEMES = {"http", "https", "mailto"}
DRIVE_PATH = re.compile(r"(?:file:/*)?[a-z]:/.*", re.IGNORECASE | re.DOTALL)
URL_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)

# Printer settings (binary DEVMODE) as Word and Excel on Windows save them.
PRINTER_SETTINGS_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.printersettings",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.printersettings",
}
# Part names are case-insensitive in a package.
WORD_PRINTER_SETTINGS = re.compile(r"word/printerSettings/printerSettings[0-9]+\.bin", re.I)
EXCEL_PRINTER_SETTINGS = re.compile(r"xl/printerSettings/printerSettings[0-9]+\.bin", re.I)

# The workbook with a chart's data, and what it may not contain: links to
# other workbooks (also DDE links), data connections and web queries.
XLSX_PACKAGE_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CHART_RELATIONSHIPS = re.compile(r"word/charts/_rels/chart(?:ex)?[0-9]+\.xml\.rels", re.IGNORECASE)
WORKBOOK_LINK_TYPES = ("spreadsheetml.externallink", "spreadsheetml.connections", "querytable")
WORKBOOK_LINK_RELATIONSHIPS = {"externallink", "externallinkpath", "connections", "querytable"}

# Fields: parts with text, and the instructions that are refused.
WORD_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
# {"namespace local": "local"} of the elements that make up fields.
FIELD_TAGS = {
    f"{namespace} {local}": local
    for namespace in WORD_NAMESPACES
    for local in ("fldSimple", "fldChar", "instrText", "delInstrText")
}
STORY_TYPES = {
    f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"
    for kind in (
        "document.main", "header", "footer", "footnotes", "endnotes", "comments",
        "document.glossary",
    )
}  # fmt: skip
STORY_PARTS = re.compile(
    r"word/(?:.*/)?(?:header[0-9]*|footer[0-9]*|footnotes|endnotes|comments|document)\.xml"
)
FIELD_KEYWORD = re.compile(r"\s*([a-z]+)", re.IGNORECASE)
DDE_FIELDS = {"DDE", "DDEAUTO"}
# INCLUDE and IMPORT are older names of INCLUDETEXT and INCLUDEPICTURE.
INCLUDE_FIELDS = {"INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "IMPORT"}
NESTED = "\x00"
MAX_FIELD_DEPTH = 64
MAX_INSTRUCTION = 4096

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
MANIFEST_PART = "META-INF/manifest.xml"
MANIFEST_NS = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
SCRIPT_FOLDERS = ("basic/", "scripts/", "dialogs/")
SCRIPT_MEDIA_MARKERS = ("script", "basic", "python", "java", "x-sh", "msdownload")
ODF_SCRIPT_NS = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
ODF_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODF_PRESENTATION_NS = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
XLINK_HREF = "http://www.w3.org/1999/xlink href"
SCRIPT_ELEMENTS = {
    f"{ODF_SCRIPT_NS} event-listener",
    f"{ODF_OFFICE_NS} script",
    f"{ODF_PRESENTATION_NS} event-listener",
}
SCRIPT_URL_PREFIXES = ("vnd.sun.star.script:", "macro:", "javascript:", "vbscript:")
# ODF parts whose XML may bind scripts to events or links.
ODT_XML_PARTS = {"content.xml", "styles.xml"}


def macros(name, part):
    return ValidationError(
        _(
            "“%(name)s” contains macros (%(part)s). Please save the document without macros "
            "(as .docx or .odt, or as PDF) and upload it again."
        ),
        code="macros",
        params={"name": name, "part": shown_part(part)},
    )


def external_reference(name, target):
    return ValidationError(
        _(
            "“%(name)s” refers to an external file or template (%(target)s). Please save the "
            "document as PDF, or without links to templates or other files, and upload it again."
        ),
        code="external_reference",
        params={"name": name, "target": shown_part(target)},
    )


def parse_xml(name, data):
    """An element tree of a structure part, or the "damaged" error."""
    try:
        return fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise damaged(name) from error


class XmlTarget:
    """Fed the chunks of an XML part (a consumer of
    :meth:`~.archives.ZipPackage.inspect`): parses them as they come,
    without building a tree, and calls :meth:`start`, :meth:`end` and
    :meth:`data`. Names are as expat gives them: ``"namespace local"``.

    Plain expat with defusedxml's refusals (no DTD, no entities, no
    external references) and the subclass's methods as its handlers:
    a target behind ElementTree's parser costs about twice as much on a
    large ``document.xml``."""

    def __init__(self, name):
        self.name = name
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.buffer_text = True
        self.parser.StartDoctypeDeclHandler = self.forbid_dtd
        self.parser.EntityDeclHandler = self.forbid_entity
        self.parser.UnparsedEntityDeclHandler = self.forbid_entity
        self.parser.ExternalEntityRefHandler = self.forbid_external
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.data

    def __call__(self, chunk):
        try:
            if chunk is None:
                self.parser.Parse(b"", True)
                self.close()
            else:
                self.parser.Parse(chunk, False)
        except ValidationError:
            raise
        except (expat.ExpatError, DefusedXmlException, ValueError) as error:
            raise damaged(self.name) from error

    @staticmethod
    def forbid_dtd(name, *args):
        raise DTDForbidden(name, None, None)

    @staticmethod
    def forbid_entity(name, *args):
        raise EntitiesForbidden(name, None, None, None, None, None)

    @staticmethod
    def forbid_external(context, base, system_id, public_id):
        raise ExternalReferenceForbidden(context, base, system_id, public_id)

    def start(self, tag, attributes):
        pass

    def end(self, tag):
        pass

    def data(self, data):
        pass

    def close(self):
        pass


def check_zip_document(name, content, budget):
    """DOCX (Office Open XML) or ODT (OpenDocument text): the kind, or a
    ValidationError."""
    package = ZipPackage(name, content, budget)
    if CONTENT_TYPES_PART in package.names:
        check_docx(package)
        return DOCX
    if package.first_name() == "mimetype":
        check_odt(package)
        return ODT
    raise wrong_type(name)


# DOCX -----------------------------------------------------------------------


def check_docx(package):
    name = package.name
    type_of = part_types(package)
    main = main_document(package)
    main_type = type_of(main)
    if any(marker in main_type for marker in MACRO_MARKERS):
        raise macros(name, main)
    if main_type != DOCX_MAIN_TYPE or main not in package.names:
        raise wrong_type(name)
    references = internal_references(package)
    check_parts(package, type_of, references, WORD_PRINTER_SETTINGS)
    for part in relationship_parts(package):
        check_relationships(package, part)
    workbooks = {
        info.filename
        for info in package.members
        if is_chart_workbook(info.filename, type_of(info.filename), references)
    }
    for part in sorted(workbooks):
        check_workbook(package, part)
    stories = {
        info.filename
        for info in package.members
        if info.filename == main or is_story(info.filename, type_of(info.filename))
    }
    package.inspect(
        lambda part: FieldCheck(package, part) if part in stories else None, checked=workbooks
    )


def part_types(package):
    """``type_of(part)``: the content type of a part, in lower case."""
    defaults, overrides = content_types(package)

    def type_of(part):
        return overrides.get("/" + part.lower()) or defaults.get(extension(part), "")

    return type_of


def check_parts(package, type_of, references, printer_settings, refused_types=()):
    """Refuse macro, object and binary parts; ``printer_settings`` is the
    pattern of the binary printer settings parts that are allowed."""
    for info in package.members:
        part, part_type = info.filename, type_of(info.filename)
        lowered = part.lower()
        if any(marker in part_type or marker in lowered for marker in MACRO_MARKERS):
            raise macros(package.name, package.shown(part))
        if any(marker in part_type or marker in lowered for marker in OBJECT_MARKERS):
            raise embedded_object(package.name, package.shown(part))
        if any(marker in part_type for marker in refused_types):
            raise external_reference(package.name, package.shown(part))
        if extension(part) == "bin" and not is_printer_settings(
            part, part_type, references, printer_settings
        ):
            raise embedded_object(package.name, package.shown(part))


def is_printer_settings(part, part_type, references, pattern):
    """The printer settings Word and Excel on Windows save (a DEVMODE
    structure): only at their own path, with their own content type and
    used by nothing but a printer settings relationship."""
    return (
        pattern.fullmatch(part) is not None
        and part_type in PRINTER_SETTINGS_TYPES
        and all(kind == "printersettings" for _source, kind in referrers(references, part))
    )


def is_chart_workbook(part, part_type, references):
    """The workbook holding a chart's data: a spreadsheet in
    ``word/embeddings/`` that only charts refer to (as their package)."""
    sources = referrers(references, part)
    return (
        posixpath.dirname(part).lower() == "word/embeddings"
        and extension(part) == "xlsx"
        and part_type == XLSX_PACKAGE_TYPE
        and bool(sources)
        and all(
            kind == "package" and CHART_RELATIONSHIPS.fullmatch(source) is not None
            for source, kind in sources
        )
    )


def check_workbook(package, part):
    """The workbook behind a chart, checked like the document around it:
    a spreadsheet without macros, objects, binary parts, links to other
    workbooks or data connections, and no package of its own inside."""
    name = package.name
    limit = b52_settings.APPLICATION_MAX_FILE_SIZE
    data = package.read(part, limit=limit, too_large=nested_archive(name, part))
    if not data.startswith(ZIP_MAGIC):
        package.check_foreign(part, data[:HEAD_SIZE])
        raise nested_archive(name, part)
    # Its parts are shown as "Microsoft_Excel_Worksheet.xlsx/xl/…" (short
    # enough to be shown whole).
    prefix = posixpath.basename(part)
    workbook = ZipPackage(name, data, package.budget, parent=package, prefix=prefix)
    if CONTENT_TYPES_PART not in workbook.names:
        raise nested_archive(name, part)
    try:
        type_of = part_types(workbook)
        main = main_document(workbook)
    except ValidationError as error:
        if error.code == "bad_content":
            raise nested_archive(name, part) from error
        raise
    main_type = type_of(main)
    if any(marker in main_type for marker in MACRO_MARKERS):
        raise macros(name, workbook.shown(main))
    if main_type != XLSX_MAIN_TYPE or main not in workbook.names:
        raise nested_archive(name, part)
    references = internal_references(workbook)
    check_parts(
        workbook, type_of, references, EXCEL_PRINTER_SETTINGS, refused_types=WORKBOOK_LINK_TYPES
    )
    for rels in relationship_parts(workbook):
        check_relationships(workbook, rels)
    # Nested packages inside the workbook are refused here (depth one).
    workbook.inspect()


def content_types(package):
    """``({extension: type}, {"/part": type})``, all in lower case."""
    root = parse_xml(package.name, package.read(CONTENT_TYPES_PART))
    if root.tag != f"{CT_NS}Types":
        raise wrong_type(package.name)
    defaults, overrides = {}, {}
    for element in root:
        content_type = (element.get("ContentType") or "").strip().lower()
        if element.tag == f"{CT_NS}Default":
            defaults[(element.get("Extension") or "").lower()] = content_type
        elif element.tag == f"{CT_NS}Override":
            overrides[(element.get("PartName") or "").lower()] = content_type
    return defaults, overrides


def relationship_parts(package):
    return [
        info.filename
        for info in package.members
        if posixpath.basename(posixpath.dirname(info.filename)) == "_rels"
        and info.filename.endswith(".rels")
    ]


def relationships(package, part):
    root = parse_xml(package.name, package.read(part))
    if root.tag != f"{REL_NS}Relationships":
        raise damaged(package.name)
    return [element for element in root if element.tag == f"{REL_NS}Relationship"]


def relationship_kind(relationship):
    """The last segment of a relationship type, in lower case
    (``…/relationships/hyperlink`` → ``hyperlink``)."""
    return (relationship.get("Type") or "").rstrip("/").rsplit("/", 1)[-1].lower()


def internal_references(package):
    """``{part in lower case: [(relationships part, kind), …]}`` for every
    relationship inside the package."""
    references = {}
    for rels in relationship_parts(package):
        source = posixpath.dirname(posixpath.dirname(rels))
        for relationship in relationships(package, rels):
            if (relationship.get("TargetMode") or "").lower() == "external":
                continue
            target = unquote((relationship.get("Target") or "").strip()).replace("\\", "/")
            if target.startswith("/"):
                target = target.lstrip("/")
            else:
                target = posixpath.join(source, target)
            target = posixpath.normpath(target).lower()
            references.setdefault(target, []).append((rels, relationship_kind(relationship)))
    return references


def referrers(references, part):
    """``[(relationships part, kind), …]`` of the relationships to ``part``."""
    return references.get(posixpath.normpath(unquote(part)).lower(), ())


def main_document(package):
    """The part the package relationships name as the office document."""
    if PACKAGE_RELATIONSHIPS not in package.names:
        raise wrong_type(package.name)
    for relationship in relationships(package, PACKAGE_RELATIONSHIPS):
        if relationship.get("Type") in OFFICE_DOCUMENT_RELATIONSHIPS:
            target = (relationship.get("Target") or "").replace("\\", "/")
            return posixpath.normpath(target.lstrip("/"))
    raise wrong_type(package.name)


def check_relationships(package, part):
    for relationship in relationships(package, part):
        kind = relationship_kind(relationship)
        target = (relationship.get("Target") or "").strip()
        if any(marker in kind for marker in MACRO_MARKERS):
            raise macros(package.name, target or package.shown(part))
        external = (relationship.get("TargetMode") or "").lower() == "external"
        if external and not is_harmless_external(kind, target):
            raise external_reference(package.name, target)
        if kind in OBJECT_RELATIONSHIPS:
            raise embedded_object(package.name, target or package.shown(part))
        if kind in WORKBOOK_LINK_RELATIONSHIPS:
            raise external_reference(package.name, target or package.shown(part))


def is_harmless_external(kind, target):
    """A link to a web page or a mail address, or a template on a local
    drive (a corporate template; it cannot be planted from outside). A
    template on a web server is remote template injection, and any target
    on a network share (``\\\\server\\…``, ``file://server/…``) makes
    Windows send the user's credentials to that server; every other
    outside target is refused as well."""
    if kind == "hyperlink":
        return is_safe_link(target)
    if kind == "attachedtemplate":
        return is_drive_path(target)
    return False


def is_safe_link(target):
    try:
        parts = urlsplit(target)
    except ValueError:
        return False
    if parts.scheme.lower() not in SAFE_LINK_SCHEMES:
        return False
    return parts.scheme.lower() == "mailto" or bool(parts.netloc)


def is_drive_path(target):
    """``C:\\…``, ``C:/…`` or ``file:///C:/…``: a path on a drive letter."""
    return DRIVE_PATH.fullmatch(target.strip().replace("\\", "/")) is not None


def is_local_path(target):
    """A drive path or a path relative to the document; not a URL of any
    other scheme and not a network share."""
    target = target.strip().replace("\\", "/")
    if not target or target.startswith("//"):
        return False
    scheme = URL_SCHEME.match(target)
    if scheme is None or len(scheme[1]) == 1:
        return True
    return is_drive_path(target)


def is_story(part, part_type):
    """A part with text (and so fields) of its own."""
    return part_type in STORY_TYPES or STORY_PARTS.fullmatch(part.lower()) is not None


def dde_field(name, part):
    return ValidationError(
        _(
            "“%(name)s” contains a DDE field that can start programs (%(part)s). Please save "
            "the document without this field, for example as PDF, and upload it again."
        ),
        code="dde_field",
        params={"name": name, "part": shown_part(part)},
    )


class FieldCheck(XmlTarget):
    """Fed the chunks of a part with text: refuses fields that run a
    program through DDE (``DDE``, ``DDEAUTO``) and fields that include a
    file or picture from a web server or network share.

    A complex field's instruction is the text of its ``w:instrText`` runs
    from its ``begin`` to its ``separate`` (or ``end``) mark, however many
    runs it is split into; a field nested inside an instruction stands
    there as :data:`NESTED`, since its result is only known to Word."""

    def __init__(self, package, part):
        super().__init__(package.name)
        self.package = package
        self.part = part
        self.fields = []  # the instructions of the open complex fields
        self.in_instruction = False

    def start(self, tag, attributes):
        local = FIELD_TAGS.get(tag)
        if local is None:
            return
        if local == "fldSimple":
            self.check(word_attribute(attributes, "instr"))
        elif local == "fldChar":
            kind = word_attribute(attributes, "fldCharType")
            if kind == "begin":
                self.begin()
            elif kind in ("separate", "end"):
                if self.fields and self.fields[-1] is not None:
                    self.check("".join(self.fields[-1]))
                    self.fields[-1] = None
                if kind == "end" and self.fields:
                    self.fields.pop()
        elif local in ("instrText", "delInstrText"):
            self.in_instruction = True

    def end(self, tag):
        if FIELD_TAGS.get(tag) in ("instrText", "delInstrText"):
            self.in_instruction = False

    def data(self, data):
        if self.in_instruction and self.fields and self.fields[-1] is not None:
            self.add(self.fields[-1], data)

    def close(self):
        for instruction in self.fields:
            if instruction is not None:
                self.check("".join(instruction))
        self.fields = []

    def begin(self):
        if self.fields and self.fields[-1] is not None:
            self.add(self.fields[-1], NESTED)
        if len(self.fields) >= MAX_FIELD_DEPTH:
            # Check the outermost open instruction now instead of keeping
            # ever more of them.
            outermost = self.fields.pop(0)
            if outermost is not None:
                self.check("".join(outermost))
        self.fields.append([])

    @staticmethod
    def add(instruction, text):
        # Only the beginning decides; a longer instruction is not kept.
        if sum(map(len, instruction)) < MAX_INSTRUCTION:
            instruction.append(text)

    def check(self, instruction):
        match = FIELD_KEYWORD.match(instruction or "")
        if match is None:
            return
        keyword = match[1].upper()
        if keyword in DDE_FIELDS:
            raise dde_field(self.name, self.package.shown(self.part))
        if keyword in INCLUDE_FIELDS:
            # Every argument, not only the first: Word may read the file
            # name after a switch, and a nested field may compute it.
            for argument in field_arguments(instruction[match.end() :]):
                if NESTED in argument or not is_local_path(argument):
                    raise external_reference(self.name, argument.replace(NESTED, "{…}"))


def word_attribute(attributes, local):
    for namespace in WORD_NAMESPACES:
        value = attributes.get(f"{namespace} {local}")
        if value is not None:
            return value
    return None


def field_arguments(text):
    """The arguments of a field instruction: quoted strings (``\"`` inside
    is a quote) and the words between them, switches included."""
    arguments, current, quoted, escaped = [], [], False, False
    for char in text:
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                arguments.append("".join(current))
                current, quoted = [], False
                continue
            current.append(char)
        elif char == '"' or char.isspace():
            if current:
                arguments.append("".join(current))
            current, quoted = [], char == '"'
        else:
            current.append(char)
    if current:
        arguments.append("".join(current))
    return [argument for argument in arguments if argument.strip()]


# ODT ------------------------------------------------------------------------


def check_odt(package):
    name = package.name
    first = package.infos[0]
    if first.compress_type != zipfile.ZIP_STORED or package.read("mimetype") != ODT_MIMETYPE:
        raise wrong_type(name)
    if MANIFEST_PART not in package.names or "content.xml" not in package.names:
        raise wrong_type(name)
    entries = manifest_entries(package)
    if entries.get("/") != ODT_MIMETYPE.decode():
        raise wrong_type(name)
    for path, media_type in [*entries.items(), *((i.filename, "") for i in package.members)]:
        if path.lower().startswith(SCRIPT_FOLDERS):
            raise macros(name, path)
        if any(marker in media_type.lower() for marker in SCRIPT_MEDIA_MARKERS):
            raise macros(name, path)
    package.inspect(lambda part: ScriptBindingCheck(name) if part in ODT_XML_PARTS else None)


def manifest_entries(package):
    """``{full path: media type}`` of the manifest; encrypted parts refuse."""
    root = parse_xml(package.name, package.read(MANIFEST_PART))
    if root.tag != f"{MANIFEST_NS}manifest":
        raise wrong_type(package.name)
    entries = {}
    for entry in root.iter(f"{MANIFEST_NS}file-entry"):
        if entry.find(f"{MANIFEST_NS}encryption-data") is not None:
            raise encrypted(package.name)
        path = entry.get(f"{MANIFEST_NS}full-path") or ""
        entries[path] = entry.get(f"{MANIFEST_NS}media-type") or ""
    return entries


class ScriptBindingCheck(XmlTarget):
    """Fed the chunks of an ODF XML part: refuses script event bindings and
    links that run scripts or macros, without building a tree."""

    def start(self, tag, attributes):
        href = attributes.get(XLINK_HREF, "").strip().lower()
        if tag in SCRIPT_ELEMENTS or href.startswith(SCRIPT_URL_PREFIXES):
            raise macros(self.name, attributes.get(XLINK_HREF) or tag.rpartition(" ")[2])
