"""Demo content of the press app: the seed release “Fünfter Jobcenter
übergreifender Austausch” in full, and further releases from 2022 to 2025 so
that paging and the year archive show. Idempotent (looked up by slug)."""

import datetime

from django.utils.html import escape
from wagtail.documents import get_document_model

from ..demo import child_page, make_document, make_image, publish
from .models import (
    PressReleaseContact,
    PressReleaseDownload,
    PressReleaseIndexPage,
    PressReleasePage,
)

INDEX_SLUG = "presse"

SEED_TITLE = "Fünfter Jobcenter übergreifender Austausch"
SEED_SUBTITLE = "Erarbeitung gemeinsamer Strategien zur Stärkung der kommunalen Einbindung"
SEED_TEASER = (
    "Die vdek-Landesvertretung Baden-Württemberg als Federführerin für die Stadt- und "
    "Landkreise Biberach, Bodenseekreis, Ravensburg und Stuttgart, lud zum Vernetzen und "
    "Optimieren des Programms „teamw()rk für Gesundheit und Arbeit“ am 1. April 2025 zu "
    "einem digitalen Austausch ein."
)
SEED_SECTIONS = [
    (
        "Standort übergreifender Austausch fördert Vernetzung und Zusammenarbeit",
        [
            "Die Stadt- und Landkreise Biberach, Bodenseekreis, Ravensburg und Stuttgart werden "
            "im Rahmen des Programms „teamw()rk für Gesundheit und Arbeit“ im Auftrag der GKV vom "
            "Verband der Ersatzkassen e. V., Landesvertretung Baden-Württemberg, federführend "
            "koordiniert. Zur Vernetzung der Standorte sowie zur Optimierung des Programms lädt "
            "die Programmkoordination zu regelmäßigen Austauschtreffen ein. Der übergeordnete "
            "Fokus des fünften Jobcenter übergreifenden Austauschs am 1. April 2025 lag auf den "
            "Berichten der verschiedenen Standorte und auf der Erarbeitung von Strategien zur "
            "Stärkung der kommunalen Einbindung hinsichtlich der neuen Förderphase ab Januar "
            "2026. Im Rahmen dessen wurden aktuelle Herausforderungen sowie hervorzuhebende "
            "Besonderheiten der Standorte ausgetauscht und diskutiert. Im interaktiven Format "
            "konnten alle Anwesenden ihre Perspektive einbringen.",
        ],
    ),
    (
        "Aktuelle Herausforderungen und Besonderheiten der Standorte als Kernelement für "
        "Weiterentwicklung",
        [
            "Nach einer Einstiegsfrage zur persönlichen Wahrnehmung des Verlaufs der letzten "
            "Monate im Programm diskutierten die Mitarbeitenden der Jobcenter die aktuellen "
            "Aufgaben und reflektierten, welche Veränderungen sich ergeben haben, vor welchen "
            "Herausforderungen die Standorte stehen und welche Besonderheiten die Standorte "
            "ausmachen. Bereits vorhandene Lösungsansätze zur Bewältigung möglicher "
            "Herausforderungen wurden abgewogen sowie Lösungsansätze anderer Standorte "
            "reflektiert. Diese Inhalte nutzen die Anwesenden für weitere Überlegungen in der "
            "individuellen Weiterentwicklung des Programms an den einzelnen Standorten.",
        ],
    ),
    (
        "Stärkung kommunaler Einbindung",
        [
            "Um bei der Programmumsetzung perspektivisch relevante Schritte einzuleiten, wurden "
            "Strategien im Rahmen der Verstetigung und Einbindung kommunaler Strukturen "
            "erarbeitet. Nach Klärung der Begrifflichkeit „Kommunale Einbindung“ differenzierten "
            "die Anwesenden zwischen Einrichtungen in kommunaler Trägerschaft, lokalen "
            "Einrichtungen (z. B. Vereinen oder Organisationen) sowie politisch verantwortlichen "
            "Stellen auf Landesebene (z. B. Ministerien, Landtag, Ämter). Angestrebtes Ziel ist "
            "die zukünftige Zusammenarbeit mit politisch verantwortlichen Stellen und die "
            "langfristige Bindung derer an die Programmstrukturen.",
        ],
    ),
    (
        "Anreize schaffen und Motivation stärken",
        [
            "Abschließend wurde diskutiert, welche Hindernisse es bei einer Zusammenarbeit mit "
            "relevanten kommunalen Akteurinnen und Akteuren bzw. Einrichtungen gibt, was "
            "Förderfaktoren sind, wie eine Zusammenarbeit am besten initiieret werden kann sowie "
            "was sich die Mitarbeitenden von der Zusammenarbeit wünschen",
            "Am Ende erfolgte ein Ausblick auf den nächsten Jobcenter übergreifenden Austausch, "
            "welcher im Herbst 2025 voraussichtlich im Landratsamt Landkreis Ravensburg "
            "stattfinden soll. Eine Terminfindung wird in den kommenden Wochen versandt. Wir "
            "bedanken uns recht herzlich für den informativen und konstruktiven Austausch bei "
            "allen Beteiligten und freuen uns bereits auf die weitere Zusammenarbeit im Programm "
            "„teamw()rk für Gesundheit und Arbeit“.",
        ],
    ),
]
SEED_DOWNLOAD_TITLE = "Pressemitteilung vom 3. April 2025 als Download"
SEED_DISTRICTS = ["Biberach", "Bodenseekreis", "Ravensburg", "Stuttgart"]

# Further releases: (date, title, teaser, lead organisation, districts, teamwork?, colour)
FURTHER = [
    (
        "2022-02-08",
        "Förderpreis „Gesunde Kommune“ 2022 ausgeschrieben",
        "Die B 52-Verbändekooperation ruft Gemeinden, Städte und Stadtteile erneut auf, sich mit "
        "ihren Projekten der kommunalen Gesundheitsförderung zu bewerben.",
        "BKK LV Süd",
        [],
        False,
        "#00569c",
    ),
    (
        "2022-03-22",
        "Pflegestützpunkte im Land gut angenommen",
        "Die Beratung in den Pflegestützpunkten wird stark nachgefragt; die Kassen ziehen eine "
        "positive Bilanz des vergangenen Jahres.",
        "IKK classic",
        ["Esslingen", "Göppingen"],
        False,
        None,
    ),
    (
        "2022-05-17",
        "Selbsthilfe: Gemeinschaftsförderung 2022 bewilligt",
        "Die kassenartenübergreifende Gemeinschaftsförderung unterstützt die Selbsthilfe in "
        "Baden-Württemberg auch in diesem Jahr.",
        "vdek",
        [],
        False,
        None,
    ),
    (
        "2022-07-12",
        "36 Kommunen seit 2013 ausgezeichnet",
        "Mit dem Förderpreis „Gesunde Kommune“ wurden seit 2013 bereits 36 Kommunen für ihr "
        "Engagement ausgezeichnet.",
        "BKK LV Süd",
        [],
        False,
        "#0a7d3b",
    ),
    (
        "2022-09-27",
        "Kommunale Gesundheitskonferenzen: Kassen bringen sich ein",
        "Die Partner der Kooperation arbeiten in den Kommunalen Gesundheitskonferenzen der Stadt- "
        "und Landkreise mit.",
        "Knappschaft",
        ["Heidelberg", "Mannheim"],
        False,
        None,
    ),
    (
        "2022-11-30",
        "Bewerbungsfrist für den Förderpreis endet heute",
        "Bis 30. November 2022 konnten sich Kommunen um den Förderpreis „Gesunde Kommune“ "
        "bewerben.",
        "BKK LV Süd",
        [],
        False,
        None,
    ),
    (
        "2023-01-24",
        "teamw()rk startet in weiteren Landkreisen",
        "Das Programm „teamw()rk für Gesundheit und Arbeit“ wird mit den Jobcentern auf weitere "
        "Standorte ausgeweitet.",
        "vdek",
        ["Biberach", "Ravensburg"],
        True,
        "#7a1f3d",
    ),
    (
        "2023-03-14",
        "Preisverleihung „Gesunde Kommune“ in Stuttgart",
        "Die Preisträgerinnen und Preisträger des Förderpreises wurden in Stuttgart ausgezeichnet.",
        "BKK LV Süd",
        ["Stuttgart"],
        False,
        "#005a87",
    ),
    (
        "2023-05-09",
        "Selbsthilfegruppen erhalten Pauschalförderung",
        "Die Gemeinschaftsförderung der Selbsthilfe wurde für das laufende Jahr bewilligt.",
        "DAK-Gesundheit",
        [],
        False,
        None,
    ),
    (
        "2023-06-20",
        "Erster Jobcenter übergreifender Austausch",
        "Die Standorte des Programms „teamw()rk für Gesundheit und Arbeit“ trafen sich zum ersten "
        "gemeinsamen Austausch.",
        "vdek",
        ["Biberach", "Bodenseekreis", "Ravensburg", "Stuttgart"],
        True,
        None,
    ),
    (
        "2023-09-05",
        "Förderpreis „Gesunde Kommune“ 2023: Jetzt bewerben",
        "Gemeinden, Städte, Stadtteile und Arbeitsgemeinschaften können sich ab sofort bewerben.",
        "BKK LV Süd",
        [],
        False,
        None,
    ),
    (
        "2023-10-17",
        "Zweiter Jobcenter übergreifender Austausch",
        "Beim zweiten Austausch standen Erfahrungen aus den ersten Monaten im Mittelpunkt.",
        "vdek",
        ["Bodenseekreis", "Stuttgart"],
        True,
        None,
    ),
    (
        "2023-12-12",
        "Pflegestützpunkte: neue Standorte eröffnet",
        "In mehreren Landkreisen haben neue Pflegestützpunkte ihre Arbeit aufgenommen.",
        "TK",
        ["Ortenaukreis", "Konstanz"],
        False,
        "#0a4a7a",
    ),
    (
        "2024-02-06",
        "Dritter Jobcenter übergreifender Austausch",
        "Die Programmkoordination lud die Standorte zum dritten Austausch nach Ravensburg ein.",
        "vdek",
        ["Ravensburg"],
        True,
        None,
    ),
    (
        "2024-03-19",
        "Gewinnerkommunen 2023 stehen fest",
        "Die Jury hat die Preisträger des Förderpreises „Gesunde Kommune“ 2023 ausgewählt.",
        "BKK LV Süd",
        ["Tübingen", "Ulm"],
        False,
        "#b3541e",
    ),
    (
        "2024-05-14",
        "Gesundheitsförderung in Lebenswelten gestärkt",
        "Die Kassen bauen ihr gemeinsames Engagement für gesunde Lebenswelten in den Kommunen aus.",
        "BARMER",
        [],
        False,
        None,
    ),
    (
        "2024-07-02",
        "Selbsthilfe: Förderung auf Rekordniveau",
        "Die Gemeinschaftsförderung der Selbsthilfe erreicht in diesem Jahr einen Höchststand.",
        "KKH",
        [],
        False,
        None,
    ),
    (
        "2024-09-24",
        "Vierter Jobcenter übergreifender Austausch",
        "Beim vierten Austausch ging es um die Zusammenarbeit mit kommunalen Partnern.",
        "vdek",
        ["Biberach", "Stuttgart"],
        True,
        "#4d4d4d",
    ),
    (
        "2024-10-15",
        "Förderpreis 2024: Bewerbungsphase läuft",
        "Bis Ende November können Kommunen ihre Projekte für den Förderpreis einreichen.",
        "BKK LV Süd",
        [],
        False,
        None,
    ),
    (
        "2024-12-10",
        "Kommunale Gesundheitskonferenzen in allen 44 Kreisen",
        "Alle Stadt- und Landkreise in Baden-Württemberg haben eine Kommunale "
        "Gesundheitskonferenz eingerichtet.",
        "IKK classic",
        [],
        False,
        None,
    ),
    (
        "2025-01-21",
        "Neue Förderphase für teamw()rk angekündigt",
        "Ab Januar 2026 beginnt eine neue Förderphase des Programms „teamw()rk für Gesundheit "
        "und Arbeit“.",
        "vdek",
        ["Biberach", "Bodenseekreis", "Ravensburg", "Stuttgart"],
        True,
        "#1e5a3c",
    ),
    (
        "2025-02-18",
        "Preisträger 2024 ausgezeichnet",
        "Die B 52-Verbändekooperation hat die Gewinnerkommunen des Förderpreises geehrt.",
        "BKK LV Süd",
        ["Freiburg im Breisgau"],
        False,
        None,
    ),
    (
        "2025-05-06",
        "Pflegestützpunkte: Beratung auch digital",
        "Die Pflegestützpunkte bieten ihre Beratung nun auch per Video an.",
        "Knappschaft",
        [],
        False,
        None,
    ),
    (
        "2025-06-24",
        "Selbsthilfeförderung 2025 bewilligt",
        "Auch in diesem Jahr unterstützen die Kassen die Selbsthilfe gemeinsam.",
        "DAK-Gesundheit",
        [],
        False,
        None,
    ),
    (
        "2025-09-16",
        "Förderpreis „Gesunde Kommune“ 2025 ausgeschrieben",
        "Kommunen können sich mit Projekten der Gesundheitsförderung bewerben; das Preisgeld "
        "beträgt 5.200 Euro je Preisträger.",
        "BKK LV Süd",
        [],
        False,
        None,
    ),
]


def _wrap(text, width=95):
    words, lines, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def seed_pdf():
    Document = get_document_model()
    title = f"Pressemitteilung vom 3. April 2025: {SEED_TITLE}"
    document = Document.objects.filter(title=title).first()
    if document:
        return document
    lines = ["Pressemitteilung vom 3. April 2025", "", SEED_TITLE, SEED_SUBTITLE, ""]
    lines += _wrap(SEED_TEASER)
    for heading, paragraphs in SEED_SECTIONS:
        lines += ["", heading]
        for paragraph in paragraphs:
            lines += _wrap(paragraph)
    lines += ["", "Kontakt: Frank Winkler, vdek-Landesvertretung Baden-Württemberg"]
    return make_document(title, "pressemitteilung-2025-04-03.pdf", lines)


def seed_body():
    body = []
    for heading, paragraphs in SEED_SECTIONS:
        body.append(("heading", {"text": heading, "level": "h2"}))
        body += [("paragraph", f"<p>{escape(paragraph)}</p>") for paragraph in paragraphs]
    return body


def _slug(text):
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    text = text.lower().translate(table)
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text).split())[:80]


def build(root, state):
    index = child_page(
        root,
        PressReleaseIndexPage,
        INDEX_SLUG,
        title="Pressemitteilungen",
        intro=(
            "<p>Pressemitteilungen der B 52-Verbändekooperation Baden-Württemberg und ihrer "
            "Partner: Förderpreis „Gesunde Kommune“, Programme und Kooperationsfelder.</p>"
        ),
        page_size=10,
        search_description="Pressemitteilungen der B 52-Verbändekooperation Baden-Württemberg",
    )
    publish(index)

    organisations = state["organisations"]
    districts = state["districts"]
    teamwork = state["programmes"]["teamwork"]

    seed = child_page(
        index,
        PressReleasePage,
        "fuenfter-jobcenter-uebergreifender-austausch",
        title=SEED_TITLE,
        subtitle=SEED_SUBTITLE,
        teaser=SEED_TEASER,
        release_date=datetime.date(2025, 4, 3),
        event_date=datetime.date(2025, 4, 1),
        event_place="Online (digitaler Austausch)",
        body=seed_body(),
        lead_organisation=organisations["vdek"],
        programme=teamwork,
    )
    seed.districts = [districts[name] for name in SEED_DISTRICTS]
    seed.partner_organisations = []
    seed.contact_items = [PressReleaseContact(contact=state["contacts"]["winkler"])]
    seed.download_items = [PressReleaseDownload(document=seed_pdf(), title=SEED_DOWNLOAD_TITLE)]
    seed.save()
    publish(seed)

    for date, title, teaser, lead, district_names, is_teamwork, colour in FURTHER:
        body = [
            ("heading", {"text": "Hintergrund", "level": "h2"}),
            ("paragraph", f"<p>{escape(teaser)}</p>"),
        ]
        release = child_page(
            index,
            PressReleasePage,
            _slug(f"{date[:4]} {title}"),
            title=title,
            teaser=teaser,
            release_date=datetime.date.fromisoformat(date),
            body=body,
            lead_organisation=organisations[lead],
            programme=teamwork if is_teamwork else None,
            lead_image=make_image(f"Pressefoto: {title}", colour) if colour else None,
            lead_image_alt=f"Grafik zur Pressemitteilung „{title}“" if colour else "",
        )
        release.districts = [districts[name] for name in district_names if name in districts]
        partners = [organisations["BKK LV Süd"]] if lead != "BKK LV Süd" and not is_teamwork else []
        release.partner_organisations = partners
        release.contact_items = (
            [PressReleaseContact(contact=state["contacts"]["winkler"])] if lead == "vdek" else []
        )
        release.save()
        publish(release)

    state.setdefault("press", {}).update(index=index, seed=seed)
