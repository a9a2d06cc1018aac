"""Helpers of the applications tests: calls, form pages, valid POST data
and files of every kind (good and bad)."""

import datetime
import io
import time
import uuid
import zipfile
import zoneinfo

from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from b52_wagtail.applications.forms import SIGNING_SALT
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


def rendered(seconds_ago=60):
    return signing.TimestampSigner(salt=SIGNING_SALT).sign(str(time.time() - seconds_ago))


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
        "b52_token": str(uuid.uuid4()),
        "b52_rendered": rendered(),
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


def docx_bytes(content_types=True):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        if content_types:
            package.writestr(
                "[Content_Types].xml",
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                '2006/content-types"><Override PartName="/word/document.xml" ContentType='
                '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
                '+xml"/></Types>',
            )
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt_bytes(mimetype=b"application/vnd.oasis.opendocument.text"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


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
