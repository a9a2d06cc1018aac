"""Helpers of the applications tests: calls, form pages, valid POST data
and files of every kind (good and bad)."""

import datetime
import io
import posixpath
import time
import zipfile
import zoneinfo
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from b52_wagtail.applications.forms import mint_token
from b52_wagtail.applications.models import ApplicationFormField, ApplicationFormPage
from b52_wagtail.applications.storage import private_storage
from b52_wagtail.awards.models import AwardCallPage

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


def make_call(parent, edition=2026, *, start=None, deadline=None, slug=None, **fields):
    now = datetime.datetime.now(tz=BERLIN)
    call = AwardCallPage(
        title=f"Ausschreibung {edition}",
        slug=slug or f"ausschreibung-{edition}",
        edition=edition,
        application_start=start or now - datetime.timedelta(days=10),
        deadline=deadline or now + datetime.timedelta(days=10),
        **fields,
    )
    parent.add_child(instance=call)
    call.save_revision().publish()
    return call


def make_form_page(call, *, slug="bewerbung", extra_fields=True, **fields):
    page = ApplicationFormPage(
        title=f"Bewerbung {call.edition}",
        slug=slug,
        call=call,
        to_address="office@example.org",
        **fields,
    )
    if extra_fields:
        page.form_fields = [
            ApplicationFormField(
                label="Anzahl der beteiligten Akteure", field_type="number", required=False
            )
        ]
    call.add_child(instance=page)
    page.save_revision().publish()
    return page


def token(seconds_ago=60):
    """A form token as the server issues it, ``seconds_ago`` old."""
    return mint_token(now=time.time() - seconds_ago)


def valid_data(district, **overrides):
    data = {
        "applicant_type": "gemeinde",
        "applicant_name": "Gemeinde Salach",
        "district": str(district.pk),
        "project_title": "Gesund altern in Salach",
        "summary": "Ein Netzwerk für gesundes Altern im Ort.",
        "contact_name": "Anna Muster",
        "email": "anna.muster@salach.example",
        "phone": "07162 / 123-45",
        "consent": "on",
        "anzahl_der_beteiligten_akteure": "12",
        "b52_token": token(),
        "b52_homepage": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def pdf_bytes(pages=1, password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf(name="bewerbungsbogen.pdf", content=None):
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, "application/pdf")


DOCX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
PACKAGE_TYPES = "http://schemas.openxmlformats.org/package/2006"
OFFICE_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WORD_PARAGRAPH = "<w:p><w:r><w:t>Bewerbung der Gemeinde Salach</w:t></w:r></w:p>"


def docx_bytes(
    content_types=True,
    *,
    main_type=DOCX_MAIN_TYPE,
    parts=None,
    overrides=None,
    defaults=None,
    relationships=(),
    body=WORD_PARAGRAPH,
    settings_relationships=None,
):
    """A small DOCX as Word writes it: content types, package relationships,
    the document and its relationships. ``parts`` adds members
    ({name: bytes}), ``overrides`` and ``defaults`` content types
    ({"/part": type}, {extension: type}), ``relationships`` the document's
    relationships ([(type, target, external)]), ``body`` the XML of the
    document's body. ``settings_relationships`` adds ``word/settings.xml``
    with these relationships (where Word keeps the attached template and
    the printer settings)."""
    overrides = {"/word/document.xml": main_type, **(overrides or {})}
    relationships = list(relationships)
    parts = dict(parts or {})
    if settings_relationships is not None:
        overrides["/word/settings.xml"] = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
        )
        relationships.append((f"{OFFICE_RELATIONSHIPS}/settings", "settings.xml", False))
        parts["word/settings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings '
            f'xmlns:w="{WORD_NS}" xmlns:r="{OFFICE_RELATIONSHIPS}">'
            + "".join(
                f'<w:attachedTemplate r:id="rId{number}"/>'
                for number, (kind, _target, _external) in enumerate(settings_relationships, 1)
                if kind.endswith("/attachedTemplate")
            )
            + '<w:defaultTabStop w:val="708"/></w:settings>'
        ).encode()
        parts["word/_rels/settings.xml.rels"] = relationships_xml(settings_relationships, 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        if content_types:
            package.writestr(
                "[Content_Types].xml",
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<Types xmlns="{PACKAGE_TYPES}/content-types">'
                '<Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Default Extension="png" ContentType="image/png"/>'
                + "".join(
                    f'<Default Extension="{extension}" ContentType="{kind}"/>'
                    for extension, kind in (defaults or {}).items()
                )
                + "".join(
                    f'<Override PartName="{name}" ContentType="{kind}"/>'
                    for name, kind in overrides.items()
                )
                + "</Types>",
            )
        package.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_TYPES}/'
            f'relationships"><Relationship Id="rId1" Type="{OFFICE_RELATIONSHIPS}/'
            'officeDocument" Target="word/document.xml"/></Relationships>',
        )
        package.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{WORD_NS}" '
            f'xmlns:r="{OFFICE_RELATIONSHIPS}"><w:body>{body}</w:body></w:document>',
        )
        package.writestr("word/_rels/document.xml.rels", relationships_xml(relationships, 10))
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def relationships_xml(relationships, first=1):
    """A relationships part: [(type, target, external)], ids from ``first``."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_TYPES}/'
        'relationships">'
        + "".join(
            f'<Relationship Id="rId{number}" Type="{kind}" Target="{escape(target)}"'
            + (' TargetMode="External"' if external else "")
            + "/>"
            for number, (kind, target, external) in enumerate(relationships, first)
        )
        + "</Relationships>"
    )


def field(instruction, split=None):
    """A complex field as Word writes it: begin, the instruction split over
    two runs at ``split`` (as Word does after editing; default: the
    middle), separate, result, end."""
    middle = len(instruction) // 2 if split is None else split
    runs = "".join(
        f'<w:r><w:instrText xml:space="preserve">{escape(piece)}</w:instrText></w:r>'
        for piece in (instruction[:middle], instruction[middle:])
    )
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + runs
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>Ergebnis</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


WORD_PRINTER_SETTINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.printerSettings"
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"


def devmode(printer="Kyocera ECOSYS P3145dn KX"):
    """Printer settings as Windows saves them (a DEVMODEW structure)."""
    import struct

    head = printer.encode("utf-16-le")[:62].ljust(64, b"\x00")
    # spec version, driver version, size, driver extra, fields, orientation,
    # paper size (A4), … copies, default source, print quality
    fields = struct.pack("<HHHHIhhhhhhhhh", 0x0401, 0x0600, 220, 1024, 0x0F7FFF, 1, 9, 0, 0,
                         100, 1, 7, 600, 1)  # fmt: skip
    return head + fields + bytes(220 - len(head) - len(fields)) + bytes(1024)


def printer_settings_docx(part="word/printerSettings/printerSettings1.bin", content=None):
    """A DOCX from Word on Windows: its settings keep the printer settings
    in ``part`` (a binary part, content type by the "bin" extension)."""
    target = posixpath.relpath(part, "word")
    return docx_bytes(
        defaults={"bin": WORD_PRINTER_SETTINGS_TYPE},
        parts={part: devmode() if content is None else content},
        settings_relationships=[(f"{OFFICE_RELATIONSHIPS}/printerSettings", target, False)],
    )


def xlsx_bytes(*, rows=None, parts=None, overrides=None):
    """A workbook as a spreadsheet program saves it (written by openpyxl):
    one sheet with ``rows``; ``parts`` adds members ({name: bytes}),
    ``overrides`` content types ({"/part": type})."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Tabelle1"
    for row in rows or [["Jahr", "Teilnehmende"], [2024, 38], [2025, 52], [2026, 61]]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not parts and not overrides:
        return buffer.getvalue()
    output = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    "".join(
                        f'<Override PartName="{name}" ContentType="{kind}"/>'
                        for name, kind in (overrides or {}).items()
                    ).encode()
                    + b"</Types>",
                )
            package.writestr(info.filename, data)
        for name, data in (parts or {}).items():
            package.writestr(name, data)
    return output.getvalue()


def chart_docx(workbook, name="Microsoft_Excel_Worksheet.xlsx", source="chart1.xml"):
    """A DOCX with a chart as Word inserts it: the chart part, its data in
    ``word/embeddings/<name>`` (the workbook) and the chart's relationship
    to it as an embedded package."""
    chart = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><c:chartSpace '
        'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        f'xmlns:r="{OFFICE_RELATIONSHIPS}"><c:chart><c:plotArea><c:barChart>'
        '<c:barDir val="col"/><c:ser><c:idx val="0"/><c:order val="0"/>'
        "<c:val><c:numRef><c:f>Tabelle1!$B$2:$B$4</c:f></c:numRef></c:val></c:ser>"
        '</c:barChart></c:plotArea></c:chart><c:externalData r:id="rId3">'
        '<c:autoUpdate val="0"/></c:externalData></c:chartSpace>'
    )
    drawing = (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/'
        'drawingml/2006/wordprocessingDrawing"><wp:extent cx="5486400" cy="3200400"/>'
        '<wp:docPr id="1" name="Diagramm 1"/><a:graphic xmlns:a="http://schemas.'
        'openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.'
        'openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.'
        'openxmlformats.org/drawingml/2006/chart" r:id="rId10"/></a:graphicData>'
        "</a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )
    return docx_bytes(
        body=WORD_PARAGRAPH + drawing,
        defaults={"xlsx": XLSX_TYPE},
        overrides={f"/word/charts/{source}": CHART_TYPE},
        relationships=[(f"{OFFICE_RELATIONSHIPS}/chart", f"charts/{source}", False)],
        parts={
            f"word/charts/{source}": chart,
            f"word/charts/_rels/{source}.rels": relationships_xml(
                [(f"{OFFICE_RELATIONSHIPS}/package", f"../embeddings/{name}", False)], 3
            ),
            f"word/embeddings/{name}": workbook,
        },
    )


def odt_bytes(mimetype=ODT_MIMETYPE, *, entries=(), parts=None, content=None):
    """A small ODT as LibreOffice writes it: ``mimetype`` first and stored,
    the manifest and the content. ``entries`` adds manifest entries
    ([(path, media type)] or [(path, media type, extra XML)]), ``parts``
    members ({name: bytes}), ``content`` replaces the body of content.xml."""
    manifest = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    lines = [("/", mimetype.decode(errors="replace"), ""), ("content.xml", "text/xml", "")]
    lines += [(entry + ("",))[:3] for entry in entries]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        package.writestr(
            "content.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            f'xmlns:office="{office}" xmlns:text="{text}" '
            'xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
            'office:version="1.3"><office:scripts/><office:body><office:text>'
            + (content or "<text:p>Bewerbung der Gemeinde Salach</text:p>")
            + "</office:text></office:body></office:document-content>",
        )
        package.writestr(
            "META-INF/manifest.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            f'"{manifest}" manifest:version="1.3">'
            + "".join(
                f'<manifest:file-entry manifest:full-path="{path}" '
                f'manifest:media-type="{kind}">{extra}</manifest:file-entry>'
                for path, kind, extra in lines
            )
            + "</manifest:manifest>",
        )
        for name, data in (parts or {}).items():
            package.writestr(name, data)
    return buffer.getvalue()


def lie_about_size(data, member, declared):
    """``data`` (a zip) with ``member``'s uncompressed size set to
    ``declared`` in its local header and in the central directory; the
    compressed data and the CRC are left as they are."""
    import struct

    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as package:
        info = package.getinfo(member)
    # Local file header: signature PK\3\4, uncompressed size at offset 22.
    assert data[info.header_offset : info.header_offset + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, info.header_offset + 22, declared)
    # Central directory header: signature PK\1\2, uncompressed size at 24,
    # local header offset at 42.
    position = data.find(b"PK\x01\x02")
    while position != -1:
        (offset,) = struct.unpack_from("<I", data, position + 42)
        if offset == info.header_offset:
            struct.pack_into("<I", data, position + 24, declared)
            break
        position = data.find(b"PK\x01\x02", position + 4)
    else:
        raise AssertionError(f"no central directory entry for {member}")
    return bytes(data)


def image_bytes(kind="JPEG", size=(64, 48), exif=None):
    image = Image.new("RGB", size, "#1d3f72")
    buffer = io.BytesIO()
    if exif is not None:
        image.save(buffer, kind, exif=exif)
    else:
        image.save(buffer, kind)
    return buffer.getvalue()


def gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    gps = {1: "N", 2: (48.0, 42.0, 0.0), 3: "E", 4: (9.0, 39.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    return exif


def png_bomb(width=20000, height=20000):
    """A PNG header announcing width × height pixels with almost no data."""
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def stored_files(folder=""):
    """Every file name in the private storage."""
    try:
        directories, files = private_storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}".lstrip("/") for name in files]
    for directory in directories:
        names += stored_files(f"{folder}/{directory}".lstrip("/"))
    return names


def assert_nothing_stored():
    """No row, no file and no mail of an application."""
    from django.core import mail

    from b52_wagtail.applications.models import ApplicationSubmission, Attachment, MailDelivery

    assert ApplicationSubmission.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert MailDelivery.objects.count() == 0
    assert stored_files() == []
    assert mail.outbox == []
