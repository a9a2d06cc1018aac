"""Demo content for the core app, built from ../shared/seeds.

Every app has a ``demo.py`` with ``build(root, state)``; the ``b52_demo``
command calls them in dependency order. Each builder is idempotent: it
looks up what it made before (by slug or a natural key) and updates it.
"""

import io

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale

from . import localization
from .models import B52Settings, Contact, District, Organisation, OrganisationKind, Programme

MEMBERS = [
    # (short name, name, kind, website, colour)
    (
        "BKK LV Süd",
        "BKK Landesverband Süd",
        OrganisationKind.BKK,
        "https://www.bkk-sued.de/",
        "#00569c",
    ),
    ("IKK classic", "IKK classic", OrganisationKind.IKK, "https://www.ikk-classic.de/", "#0a7d3b"),
    (
        "vdek",
        "Verband der Ersatzkassen e. V. (vdek), Landesvertretung Baden-Württemberg",
        OrganisationKind.ASSOCIATION,
        "https://www.vdek.com/LVen/BAW.html",
        "#7a1f3d",
    ),
    (
        "BARMER",
        "BARMER, Landesvertretung Baden-Württemberg",
        OrganisationKind.ERSATZKASSE,
        "https://www.barmer.de/",
        "#005a87",
    ),
    (
        "TK",
        "Techniker Krankenkasse, Landesvertretung Baden-Württemberg",
        OrganisationKind.ERSATZKASSE,
        "https://www.tk.de/",
        "#0a4a7a",
    ),
    (
        "DAK-Gesundheit",
        "DAK-Gesundheit, Landesvertretung Baden-Württemberg",
        OrganisationKind.ERSATZKASSE,
        "https://www.dak.de/",
        "#b3541e",
    ),
    (
        "KKH",
        "KKH Kaufmännische Krankenkasse",
        OrganisationKind.ERSATZKASSE,
        "https://www.kkh.de/",
        "#4d4d4d",
    ),
    (
        "Knappschaft",
        "Knappschaft, Regionaldirektion München",
        OrganisationKind.KNAPPSCHAFT,
        "https://www.knappschaft.de/",
        "#1e5a3c",
    ),
]

TEAMWORK = "teamw()rk für Gesundheit und Arbeit"


def make_image(title, colour, size=(640, 360), text=None):
    """A generated placeholder-free image: a coloured card with a label."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    canvas = PILImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(canvas)
    draw.text((24, size[1] // 2 - 8), text or title, fill="#ffffff")
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower())[:60]
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{slug}.png"))


def child_page(parent, model, slug, **fields):
    """The child page ``slug`` of ``parent``, created or updated with
    ``fields`` (saved, not published: call ``publish(page)``)."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    return page


def publish(page):
    page.save_revision().publish()
    return page


def minimal_pdf(lines):
    """A small, valid one-page PDF showing ``lines`` (Helvetica, WinAnsi)."""

    def pdf_string(text):
        raw = text.encode("cp1252", "replace")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    content = b"BT /F1 11 Tf 56 780 Td 14 TL\n"
    for line in lines:
        content += pdf_string(line) + b" Tj T*\n"
    content += b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def make_document(title, filename, lines=None):
    """The demo document ``title`` (a generated PDF), created once."""
    Document = get_document_model()
    existing = Document.objects.filter(title=title).first()
    if existing:
        return existing
    pdf = ContentFile(minimal_pdf(lines or [title]), name=filename)
    return Document.objects.create(title=title, file=pdf)


def build(root, state):
    locale = Locale.get_default()
    organisations = {}
    for order, (short, name, kind, website, colour) in enumerate(MEMBERS):
        logo = make_image(f"Logo {short}", colour, size=(400, 160), text=short)
        organisation, _ = Organisation.objects.update_or_create(
            short_name=short,
            locale=locale,
            defaults={
                "name": name,
                "kind": kind,
                "website": website,
                "is_member": True,
                "sort_order": order,
                "logo": logo,
            },
        )
        organisations[short] = organisation
    organisations["BKK LV Süd"].address = "Stuttgarter Straße 105\n70806 Kornwestheim"
    organisations["BKK LV Süd"].save()

    winkler, _ = Contact.objects.update_or_create(
        name="Frank Winkler",
        locale=locale,
        defaults={
            "organisation": organisations["vdek"],
            "unit": "Landesvertretung Baden-Württemberg",
            "phone": "07 11 / 2 39 54 - 19",
            "email": "frank.winkler@vdek.com",
        },
    )
    teamwork, _ = Programme.objects.update_or_create(
        slug="teamwork-gesundheit-arbeit",
        locale=locale,
        defaults={
            "name": TEAMWORK,
            "coordinator": organisations["vdek"],
            "description": (
                "Programm im Auftrag der GKV gemeinsam mit den Jobcentern; "
                "je Stadt- und Landkreis federführend koordiniert von einer Partnerkasse. "
                "Neue Förderphase ab Januar 2026."
            ),
        },
    )

    site_settings = B52Settings.for_site(state["site"])
    site_settings.name = "B 52-Verbändekooperation Baden-Württemberg"
    site_settings.short_name = "B 52"
    site_settings.logo = make_image("Logo B 52", "#1d3f72", size=(400, 160), text="B 52")
    site_settings.office_name = (
        "Geschäftsstelle der B 52-Verbändekooperation beim BKK Landesverband Süd"
    )
    site_settings.office_organisation = organisations["BKK LV Süd"]
    site_settings.office_street = "Stuttgarter Straße 105"
    site_settings.office_postcode = "70806"
    site_settings.office_city = "Kornwestheim"
    site_settings.default_contact = winkler
    site_settings.save()

    state.update(
        organisations=organisations,
        contacts={"winkler": winkler},
        programmes={"teamwork": teamwork},
        districts={d.name: d for d in District.objects.filter(locale=locale)},
        today=localization.localdate(),
    )
