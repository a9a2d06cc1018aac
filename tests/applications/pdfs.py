"""PDFs with active content, built in the tests: with pypdf as a PDF tool
would write them, and by hand where a hostile file hides its names (escaped
names, compressed object streams)."""

import io
import zlib

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

XDP = (
    b'<?xml version="1.0"?><xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template>'
    b'<subform><event activity="initialize"><script contentType="application/x-javascript">'
    b"app.alert(1)</script></event></subform></template></xdp:xdp>"
)


def _written(writer):
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _blank_writer():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _action(kind, **entries):
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def javascript_pdf():
    """A PDF that runs JavaScript when it is opened (/OpenAction)."""
    writer = _blank_writer()
    writer.root_object[NameObject("/OpenAction")] = _action(
        "/JavaScript", JS=TextStringObject("app.alert('Bewerbung');")
    )
    return _written(writer)


def launch_pdf():
    """A PDF that starts a program when it is opened (/Launch)."""
    writer = _blank_writer()
    writer.root_object[NameObject("/OpenAction")] = _action(
        "/Launch", F=TextStringObject("C:\\Windows\\System32\\cmd.exe")
    )
    return _written(writer)


def attachment_pdf():
    """A PDF that carries a file (the /EmbeddedFiles name tree)."""
    writer = _blank_writer()
    writer.add_attachment("rechnung.exe", b"MZ" + b"\x00" * 200)
    return _written(writer)


def xfa_pdf():
    """A PDF with an XFA form (scripts run by Adobe's XFA engine)."""
    writer = _blank_writer()
    stream = DecodedStreamObject()
    stream.set_data(XDP)
    reference = writer._add_object(stream)
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(),
            NameObject("/XFA"): ArrayObject([TextStringObject("xdp:xdp"), reference]),
        }
    )
    return _written(writer)


def page_action_pdf():
    """JavaScript in a page's additional actions (/AA /O), not the catalog."""
    writer = _blank_writer()
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/JavaScript", JS=TextStringObject("app.alert(2)"))}
    )
    return _written(writer)


def packed_pdf(catalog_extra=b"", extra_objects=None):
    """A PDF whose catalog sits in a compressed object stream (so no name
    of it is visible in the file's bytes), with a cross-reference stream.
    ``catalog_extra`` is added to the catalog dictionary; ``extra_objects``
    ({number: body}, from 4 up) are packed too."""
    bodies = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        **(extra_objects or {}),
    }
    packed = [number for number in bodies if number != 2]
    stream_number = max(bodies) + 1
    xref_number = stream_number + 1
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    offsets[2] = len(out)
    out += b"2 0 obj\n" + bodies[2] + b"\nendobj\n"
    header, data = b"", b""
    for number in packed:
        header += b"%d %d " % (number, len(data))
        data += bodies[number] + b"\n"
    compressed = zlib.compress(header + data)
    offsets[stream_number] = len(out)
    out += (
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (stream_number, len(packed), len(header), len(compressed))
        + compressed
        + b"\nendstream\nendobj\n"
    )
    offsets[xref_number] = len(out)
    rows = b""
    for number in range(xref_number + 1):
        if number == 0:
            rows += bytes([0]) + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")
        elif number in offsets:
            rows += bytes([1]) + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big")
        else:
            rows += bytes([2]) + stream_number.to_bytes(4, "big")
            rows += packed.index(number).to_bytes(2, "big")
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, len(rows))
        + rows
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    )
    return bytes(out)


def hidden_javascript_pdf():
    """JavaScript in an /OpenAction whose names are escaped (/J#61vaScript,
    /J#53) inside a compressed object stream: no "JavaScript" in the bytes."""
    return packed_pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(3)) >>")


def unreachable_javascript_pdf():
    """A JavaScript action no page or catalog entry points to (a viewer
    repairing the file could still find it)."""
    return packed_pdf(extra_objects={4: b"<< /S /JavaScript /JS (app.alert(4)) >>"})
