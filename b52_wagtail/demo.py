"""Demo content for the core app, built from ../shared/seeds.

Every app has a ``demo.py`` with ``build(root, state)``; the ``b52_demo``
command calls them in dependency order. Each builder is idempotent: it
looks up what it made before (by slug or a natural key) and updates it.
"""

import datetime
import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Locale

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
        today=datetime.date.today(),
    )
