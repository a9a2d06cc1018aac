"""Demo content of the award: the section page, a current call that is open
on the day the demo is built, a past call (2022), the 2017 call and its
winners, and the winners archive.

Dates of the current call are relative to ``state["today"]``. The 2017 and
2022 application periods are illustrative apart from the 2022 deadline
(30 November 2022) named in the domain notes.
"""

import datetime
import zoneinfo
from decimal import Decimal

from wagtail.models import Locale

from .. import localization
from ..demo import child_page, make_document, make_image
from ..models import ApplicantType, District
from .models import (
    AwardCallDocument,
    AwardCallJuryMember,
    AwardCallPage,
    AwardCallPatron,
    AwardIndexPage,
    CallDocumentKind,
    Winner,
    WinnerArchivePage,
    WinnerShowcasePage,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")

INTRO = (
    "Mit dem B 52-Förderpreis werden jährlich Gemeinden und Städte gewürdigt, die die "
    "Gesundheit ihrer Bewohner durch Projekte und Maßnahmen nachhaltig unterstützen."
)
BODY = [
    (
        "Im Rahmen der Kommunalen Gesundheitskonferenzen schreibt die Verbändekooperation "
        "einen Förderpreis aus. Die Auszeichnung ist mit einem Preisgeld in Höhe von "
        "5.200 Euro verbunden."
    ),
    (
        "Viele dieser Projekte und Maßnahmen haben bereits nachahmenswerte Strukturen für "
        "die Zusammenarbeit im Ort sowie auf Stadt- und Landkreisebene etabliert."
    ),
    (
        "Für den B 52-Förderpreis können sich Gemeinden, Städte oder Stadtteile in "
        "Stadtkreisen bewerben. Ebenso Arbeitsgemeinschaften von Akteuren in Gemeinden, "
        "Städten und Stadtteilen. Einzige Teilnahmevoraussetzung ist, dass der für die "
        "Gemeinde, die Stadt oder den Stadtteil zuständige Stadt- bzw. Landkreis eine "
        "Kommunale Gesundheitskonferenz eingerichtet hat."
    ),
]
PATRONS = [
    "Präsident des Städtetags Baden-Württemberg",
    "Präsident des Gemeindetags Baden-Württemberg",
]
JURY = [
    "Landesgesundheitsamt Baden-Württemberg",
    "Städtetag Baden-Württemberg",
    "Gemeindetag Baden-Württemberg",
    "Landkreistag Baden-Württemberg",
    "B 52-Verbändekooperation Baden-Württemberg",
]
DOCUMENTS = [
    (CallDocumentKind.CALL_TEXT, "Ausschreibungstext"),
    (CallDocumentKind.APPLICATION_SHEET, "Bewerbungsbogen"),
    (CallDocumentKind.FLYER, "Flyer"),
    (CallDocumentKind.PRESENTATION, "Präsentation"),
]
WINNERS_2017 = [
    # (municipality, applicant type, district key, project title)
    ("Gemeinde Salach", ApplicantType.MUNICIPALITY, "08117", "Gesund altern in Salach"),
    (
        "Stadt Karlsruhe",
        ApplicantType.TOWN,
        "08212",
        "Runter vom Sofa - Bewegung für alle Generationen",
    ),
    ("Stadt Bad Wimpfen", ApplicantType.TOWN, "08125", "Lotsenpunkt für Alltagshilfen"),
    (
        "Stadt Lauffen am Neckar",
        ApplicantType.TOWN,
        "08125",
        "Agenda Jugend - Zukunftsperspektiven für Jugendliche schaffen",
    ),
]


def berlin(date, hour=0, minute=0):
    return datetime.datetime(date.year, date.month, date.day, hour, minute, tzinfo=BERLIN)


def body_stream():
    return [("paragraph", f"<p>{text}</p>") for text in BODY]


def build_call(section, year, start, deadline, state, *, one_prize_per_district=True):
    call = child_page(
        section,
        AwardCallPage,
        f"ausschreibung-{year}",
        title=f"Ausschreibung B 52-Förderpreis {year}",
        edition=year,
        intro=INTRO,
        prize_money=Decimal("5200"),
        one_prize_per_district=one_prize_per_district,
        applicant_types=[choice.value for choice in ApplicantType],
        requires_kgk=True,
        application_start=start,
        deadline=deadline,
        contact=state.get("contacts", {}).get("winkler"),
        search_description=f"B 52-Förderpreis „Gesunde Kommune“ {year}: Ausschreibung",
    )
    call.body = body_stream()
    call.patrons = [AwardCallPatron(role=role) for role in PATRONS]
    call.jury_members = [AwardCallJuryMember(organisation=name) for name in JURY]
    call.call_documents = [
        AwardCallDocument(
            kind=kind,
            document=make_document(
                f"{label} B 52-Förderpreis {year}",
                f"b52-foerderpreis-{year}-{kind}.pdf",
            ),
        )
        for kind, label in DOCUMENTS
    ]
    call.save_revision().publish()
    return call


def build(root, state):
    locale = Locale.get_default()
    today = state.get("today") or localization.localdate()
    section = child_page(
        root,
        AwardIndexPage,
        "foerderpreis",
        title="B 52-Förderpreis „Gesunde Kommune“",
        intro=INTRO,
    )
    section.body = body_stream()
    section.save_revision().publish()

    current = build_call(
        section,
        today.year,
        berlin(today - datetime.timedelta(days=30)),
        berlin(today + datetime.timedelta(days=30), 23, 59),
        state,
    )
    past = build_call(
        section,
        2022,
        berlin(datetime.date(2022, 7, 1)),
        berlin(datetime.date(2022, 11, 30), 23, 59),
        state,
    )
    call_2017 = build_call(
        section,
        2017,
        berlin(datetime.date(2017, 5, 2)),
        berlin(datetime.date(2017, 10, 13), 23, 59),
        state,
        one_prize_per_district=False,
    )

    archive = child_page(
        section,
        WinnerArchivePage,
        "preistraeger",
        title="Preisträger des B 52-Förderpreises",
        intro="Alle ausgezeichneten Kommunen seit der ersten Ausschreibung, nach Jahr und Kreis.",
    )
    archive.save_revision().publish()

    showcase = child_page(
        archive,
        WinnerShowcasePage,
        "preistraeger-2017",
        title="Die Preisträger 2017",
        call=call_2017,
        intro=(
            "2017 wurden vier Kommunen ausgezeichnet, zwei davon im Landkreis Heilbronn: "
            "In diesem Jahr galt die Regel „ein Preis je Kreis“ nicht."
        ),
    )
    districts = {d.key: d for d in District.objects.filter(locale=locale)}
    showcase.winners = [
        Winner(
            municipality=municipality,
            applicant_type=applicant_type,
            district=districts[key],
            project_title=title,
            image=make_image(f"Preisträger 2017: {municipality}", "#1d3f72", text=title[:40]),
            image_alt=f"Titelkarte des Projekts „{title}“",
            prize_amount=Decimal("5200"),
        )
        for municipality, applicant_type, key, title in WINNERS_2017
    ]
    showcase.save_revision().publish()

    state["calls"] = {call.edition: call for call in (current, past, call_2017)}
    state["current_call"] = current
    state["award_section"] = section
    state["winner_archive"] = archive
