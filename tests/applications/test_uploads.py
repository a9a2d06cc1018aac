"""Attachments: the content decides (magic bytes and a real parse), names
are only displayed, limits hold. Every refusal shows the German message at
the attachments field and stores nothing."""

import io
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from b52_wagtail.applications.models import ApplicationSubmission
from b52_wagtail.applications.storage import private_storage
from b52_wagtail.applications.uploads import check_name, check_upload

from .test_form import assert_refused, submit
from .utils import (
    docx_bytes,
    gps_exif,
    image_bytes,
    odt_bytes,
    pdf,
    pdf_bytes,
    png_bomb,
    stored_files,
    valid_data,
)

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type)


BAD_FILES = [
    # (name, content, German message)
    ("bewerbung.pdf", HTML, "ist keine gültige PDF-, DOCX-, ODT-, JPEG-, PNG- oder WebP-Datei"),
    ("bewerbung.pdf", b"alert(document.cookie); // %PDF-1.4", "ist keine gültige PDF-"),
    ("foto.jpg.php", image_bytes(), "hat keinen zulässigen Dateityp"),
    ("foto.php.jpg", image_bytes(), "hat keinen zulässigen Dateityp"),
    ("zeichnung.svg", SVG, "hat keinen zulässigen Dateityp"),
    ("seite.html", HTML, "hat keinen zulässigen Dateityp"),
    ("leer.pdf", b"", "„leer.pdf“ ist leer."),
    ("kaputt.pdf", b"%PDF-1.7\n1 0 obj <</Type /Catalog", "ist beschädigt oder nicht lesbar"),
    ("geheim.pdf", pdf_bytes(password="geheim"), "ist verschlüsselt oder mit einem Passwort"),
    ("abgeschnitten.pdf", pdf_bytes()[:200], "ist beschädigt oder nicht lesbar"),
    ("bewerbung.docx", docx_bytes(content_types=False), "ist keine gültige PDF-"),
    ("bewerbung.odt", odt_bytes(b"application/x-evil"), "ist keine gültige PDF-"),
    ("archiv.docx", b"PK\x03\x04" + b"\x00" * 100, "ist beschädigt oder nicht lesbar"),
    ("bild.png", image_bytes("JPEG"), "passt nicht zur Dateiendung"),
    ("bewerbung.jpg", pdf_bytes(), "passt nicht zur Dateiendung"),
    ("riesig.png", png_bomb(), "hat zu viele Pixel"),
    ("kaputt.jpg", image_bytes()[:40], "ist beschädigt oder nicht lesbar"),
]


@pytest.mark.parametrize("name,content,message", BAD_FILES, ids=[f[0] for f in BAD_FILES])
def test_a_bad_file_is_refused_at_the_field(client, form_page, district, name, content, message):
    response = submit(client, form_page, valid_data(district), files=[upload(name, content)])
    assert_refused(response, message, "attachments")


def test_one_bad_file_among_good_ones_stores_none_of_them(client, form_page, district):
    files = [pdf(), upload("seite.html", HTML), pdf("zwei.pdf")]
    response = submit(client, form_page, valid_data(district), files=files)
    assert_refused(response, "„seite.html“ hat keinen zulässigen Dateityp", "attachments")


def test_a_name_with_a_nul_byte_is_refused():
    with pytest.raises(ValidationError) as error:
        check_upload(upload("foto.php\x00.pdf", pdf_bytes()))
    assert error.value.code == "bad_name"


@pytest.mark.parametrize("name", ["..", ".", "a" * 300 + ".pdf", "\r\n.pdf"])
def test_names_that_are_no_file_names_are_refused(name):
    with pytest.raises(ValidationError) as error:
        check_name(name)
    assert error.value.code == "bad_name"


def test_a_nul_byte_sent_in_a_name_does_not_smuggle_an_extension(client, form_page, district):
    # Django's parser drops unprintable characters from uploaded names; the
    # name that remains is checked like any other.
    response = submit(
        client, form_page, valid_data(district), files=[upload("foto.php\x00.pdf", pdf_bytes())]
    )
    assert_refused(response, "hat keinen zulässigen Dateityp", "attachments")


def test_a_path_in_a_name_is_reduced_to_its_last_part(client, form_page, district):
    submit(client, form_page, valid_data(district), files=[pdf("../../settings.pdf")])
    attachment = ApplicationSubmission.objects.get().attachments.get()
    assert attachment.original_name == "settings.pdf"
    assert attachment.file.name.startswith("b52-applications/")
    assert ".." not in attachment.file.name


@pytest.mark.parametrize(
    "name,content,content_type,extension",
    [
        ("bogen.pdf", pdf_bytes(2), "application/pdf", "pdf"),
        (
            "bogen.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        ("bogen.odt", odt_bytes(), "application/vnd.oasis.opendocument.text", "odt"),
        ("Foto Rathaus.JPEG", image_bytes("JPEG"), "image/jpeg", "jpg"),
        ("plan.png", image_bytes("PNG"), "image/png", "png"),
    ],
)
def test_each_allowed_type_is_accepted_and_stored_under_a_generated_name(
    client, form_page, district, name, content, content_type, extension
):
    # The browser's Content-Type is ignored: the content decides.
    response = submit(
        client, form_page, valid_data(district), files=[upload(name, content, "text/html")]
    )
    assert "B52-2026-0001" in response.content.decode()
    attachment = ApplicationSubmission.objects.get().attachments.get()
    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert attachment.file.name.endswith(f".{extension}")
    assert Path(attachment.file.name).stem != Path(name).stem
    assert stored_files() == [attachment.file.name]


def test_a_jpeg_with_gps_data_is_stored_without_exif(client, form_page, district):
    original = image_bytes("JPEG", size=(120, 80), exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    submit(client, form_page, valid_data(district), files=[upload("ort.jpg", original)])
    attachment = ApplicationSubmission.objects.get().attachments.get()
    with private_storage.open(attachment.file.name) as handle:
        stored = handle.read()
    image = Image.open(io.BytesIO(stored))
    assert image.size == (120, 80)
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info
    assert b"Kamerahersteller" not in stored
    assert attachment.size == len(stored)


def test_a_jpeg_comment_and_xmp_are_not_stored(client, form_page, district):
    # Pillow writes a JPEG's comment (and, in some versions, its XMP, where
    # cameras also put GPS data) into a re-encoded copy unless told not to.
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta><rdf:Description exif:GPSLatitude="48,42.0N"/></x:xmpmeta>'
    Image.new("RGB", (40, 30), "#1d3f72").save(
        buffer, "JPEG", comment=b"Anna Muster, Salach", xmp=xmp
    )
    original = buffer.getvalue()
    assert b"Anna Muster" in original and b"GPSLatitude" in original
    submit(client, form_page, valid_data(district), files=[upload("ort.jpg", original)])
    attachment = ApplicationSubmission.objects.get().attachments.get()
    with private_storage.open(attachment.file.name) as handle:
        stored = handle.read()
    assert b"Anna Muster" not in stored
    assert b"GPSLatitude" not in stored
    image = Image.open(io.BytesIO(stored))
    assert "comment" not in image.info and "xmp" not in image.info


def stored_bytes():
    attachment = ApplicationSubmission.objects.get().attachments.get()
    with private_storage.open(attachment.file.name) as handle:
        return attachment, handle.read()


def test_a_png_with_text_chunks_and_exif_is_stored_without_them(client, form_page, district):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Anna Muster, Salach")
    info.add_itxt("XML:com.adobe.xmp", '<rdf:Description exif:GPSLatitude="48,42.0N"/>')
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#1d3f72").save(buffer, "PNG", pnginfo=info, exif=gps_exif())
    original = buffer.getvalue()
    assert b"Anna Muster" in original and b"GPSLatitude" in original and b"eXIf" in original
    submit(client, form_page, valid_data(district), files=[upload("plan.png", original)])
    attachment, stored = stored_bytes()
    assert attachment.content_type == "image/png"
    for marker in (b"Anna Muster", b"GPSLatitude", b"Kamerahersteller", b"eXIf", b"tEXt", b"iTXt"):
        assert marker not in stored
    assert Image.open(io.BytesIO(stored)).size == (40, 30)


def test_a_webp_with_exif_and_xmp_is_stored_without_them(client, form_page, district):
    xmp = b'<x:xmpmeta><rdf:Description exif:GPSLatitude="48,42.0N"/></x:xmpmeta>'
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#1d3f72").save(buffer, "WEBP", exif=gps_exif(), xmp=xmp)
    original = buffer.getvalue()
    assert b"Kamerahersteller" in original and b"GPSLatitude" in original
    response = submit(
        client, form_page, valid_data(district), files=[upload("foto.webp", original)]
    )
    assert "B52-2026-0001" in response.content.decode()
    attachment, stored = stored_bytes()
    assert attachment.content_type == "image/webp"
    assert attachment.file.name.endswith(".webp")
    assert b"Kamerahersteller" not in stored and b"GPSLatitude" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "WEBP" and image.size == (40, 30)
    assert "exif" not in image.info and "xmp" not in image.info


def test_a_phone_photo_with_a_second_image_is_accepted_as_jpeg(client, form_page, district):
    # Many phones save JPEGs with an MPF index and a second image; Pillow
    # calls them MPO. They are JPEGs: accepted, the first image stored.
    first, second = Image.new("RGB", (64, 48), "#1d3f72"), Image.new("RGB", (32, 24), "red")
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    response = submit(
        client, form_page, valid_data(district), files=[upload("handyfoto.jpg", buffer.getvalue())]
    )
    assert "B52-2026-0001" in response.content.decode()
    attachment = ApplicationSubmission.objects.get().attachments.get()
    assert attachment.content_type == "image/jpeg"
    with private_storage.open(attachment.file.name) as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG"
        assert stored.size == (64, 48)


def test_a_pixel_bomb_is_refused_with_bounded_memory():
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as error:
            check_upload(upload("bombe.png", png_bomb(20000, 20000)))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.value.code == "too_many_pixels"
    # 20000 × 20000 RGB would need 1.2 GB decoded.
    assert peak < 20 * 1024 * 1024


def test_the_pixel_bound_is_a_setting(settings):
    settings.B52_APPLICATION_MAX_IMAGE_PIXELS = 100
    with pytest.raises(ValidationError) as error:
        check_upload(upload("klein.png", image_bytes("PNG", size=(20, 20))))
    assert error.value.code == "too_many_pixels"


def test_a_file_one_byte_over_the_limit_is_refused(client, form_page, district, settings):
    content = pdf_bytes()
    settings.B52_APPLICATION_MAX_FILE_SIZE = len(content) - 1
    response = submit(client, form_page, valid_data(district), files=[pdf(content=content)])
    assert_refused(response, "ist zu groß: höchstens", "attachments")


def test_a_file_exactly_at_the_limit_is_accepted(client, form_page, district, settings):
    content = pdf_bytes()
    settings.B52_APPLICATION_MAX_FILE_SIZE = len(content)
    submit(client, form_page, valid_data(district), files=[pdf(content=content)])
    assert ApplicationSubmission.objects.count() == 1


def test_more_files_than_allowed_are_refused(client, form_page, district, settings):
    settings.B52_APPLICATION_MAX_FILES = 2
    files = [pdf(f"teil-{n}.pdf") for n in range(3)]
    response = submit(client, form_page, valid_data(district), files=files)
    assert_refused(
        response, "Bitte fügen Sie höchstens 2 Dateien bei (Sie haben 3 ausgewählt).", "attachments"
    )


def test_too_large_files_together_are_refused(client, form_page, district, settings):
    content = pdf_bytes()
    settings.B52_APPLICATION_MAX_TOTAL_SIZE = 2 * len(content) - 1
    files = [pdf("eins.pdf", content), pdf("zwei.pdf", content)]
    response = submit(client, form_page, valid_data(district), files=files)
    assert_refused(response, "Die Dateien sind zusammen zu groß", "attachments")


def test_several_files_are_stored_in_order(client, form_page, district):
    files = [pdf("eins.pdf"), upload("zwei.png", image_bytes("PNG")), pdf("drei.pdf")]
    submit(client, form_page, valid_data(district), files=files)
    names = list(
        ApplicationSubmission.objects.get().attachments.values_list("original_name", flat=True)
    )
    assert names == ["eins.pdf", "zwei.png", "drei.pdf"]
    assert len(stored_files()) == 3


def test_a_refused_large_upload_leaves_no_temporary_file(client, form_page, district, settings):
    with tempfile.TemporaryDirectory() as directory:
        settings.FILE_UPLOAD_TEMP_DIR = directory
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # spool every upload to disk
        content = pdf_bytes(pages=30)
        settings.B52_APPLICATION_MAX_FILE_SIZE = len(content) - 1
        response = submit(client, form_page, valid_data(district), files=[pdf(content=content)])
        assert_refused(response, "ist zu groß", "attachments")
        assert list(Path(directory).iterdir()) == []
