"""Demo content of the cooperation: the cooperation page from the seed
``b52-verbaendekooperation.txt`` (its paragraphs verbatim), its three
Kooperationsfelder and the programme teamw()rk with its lead partner.

The field texts only restate the domain notes (../shared/docs/domain.md).
"""

import datetime
from html import escape

from wagtail.rich_text import RichText

from ..demo import child_page, publish
from .models import (
    CooperationFieldContact,
    CooperationFieldPage,
    CooperationFieldProgramme,
    CooperationFundingPhase,
    CooperationIndexPage,
    CooperationResponsibility,
)

TITLE = "B 52-Verbändekooperation Baden-Württemberg"

# The seed text after its title line, paragraph by paragraph, verbatim.
SEED_PARAGRAPHS = [
    (
        "Die Betriebskrankenkassen, die Innungskrankenkasse, die Ersatzkassen sowie die "
        "Knappschaft bilden in Baden-Württemberg seit vielen Jahren eine einzigartige "
        "Kooperationsgemeinschaft, die es so nur hier gibt und die es sich von Anfang an zum "
        "Ziel gesetzt hat, gemeinsame Interessen sowie politische Positionen abzustimmen und "
        "dadurch Synergieeffekte zu erreichen. Strategische und versorgungspolitische Themen "
        "werden gemeinsam reflektiert, entschieden und umgesetzt."
    ),
    (
        "Die Verbändekooperation konnte im März 2011 so gefestigt werden, dass sich der BKK "
        "Landesverband Baden-Württemberg als Rechtsvorgänger des BKK Landesverbandes Süd "
        "gemeinsam mit dem vdek Baden-Württemberg, den Landesvertretungen der Barmer GEK, der "
        "Techniker Krankenkasse, der DAK-Gesundheit, der KKH Kaufmännische Krankenkasse, der "
        "IKK classic und der Knappschaft-Regionaldirektion München zu einer "
        "Arbeitsgemeinschaft zusammenschloss. In Zuge dessen wurde als zentrale Plattform eine "
        "Geschäftsstelle geschaffen, die beim BKK Landesverband Süd angesiedelt ist und die "
        "die einzelnen Kooperationsfelder koordiniert. Die Kooperationsfelder orientieren sich "
        "an den regionalen Versorgungsthemen, die insbesondere im Rahmen der "
        "Gesundheitsstrategie des Landes Baden-Württemberg im Jahr 2010 festgelegt worden "
        "sind. Hierzu zählen insbesondere die Pflegestützpunkte und die "
        "kassenartenübergreifende Gemeinschaftsförderung der Selbsthilfe sowie die Mitwirkung "
        "bei den Kommunalen Gesundheitskonferenzen."
    ),
    (
        "Im Rahmen der Kommunalen Gesundheitskonferenzen schreibt die Verbändekooperation "
        "einen Förderpreis aus. Die Auszeichnung ist mit einem Preisgeld in Höhe von 5.200 "
        "Euro verbunden."
    ),
    (
        "Mit dem B 52-Förderpreis werden jährlich Gemeinden und Städte gewürdigt, die die "
        "Gesundheit ihrer Bewohner durch Projekte und Maßnahmen nachhaltig unterstützen. "
        "Viele dieser Projekte und Maßnahmen haben bereits nachahmenswerte Strukturen für die "
        "Zusammenarbeit im Ort sowie auf Stadt- / und Landkreisebene etabliert."
    ),
    (
        "Für den B 52-Förderpreis können sich Gemeinden, Städte oder Stadtteile in "
        "Stadtkreisen bewerben. Ebenso Arbeitsgemeinschaften von Akteuren in Gemeinden, "
        "Städten und Stadtteilen. Einzige Teilnahmevoraussetzung ist, dass der für die "
        "Gemeinde, die Stadt oder den Stadtteil zuständige Stadt- bzw. Landkreis eine "
        "Kommunale Gesundheitskonferenz eingerichtet hat."
    ),
]

COORDINATION = (
    "Die Geschäftsstelle der Verbändekooperation beim BKK Landesverband Süd koordiniert "
    "die Kooperationsfelder."
)

FIELDS = [
    {
        "slug": "pflegestuetzpunkte",
        "title": "Pflegestützpunkte",
        "teaser": (
            "Die Pflegestützpunkte gehören zu den Kooperationsfeldern, die die Partner der "
            "Verbändekooperation gemeinsam abstimmen und umsetzen."
        ),
        "paragraphs": [
            (
                "Die Kooperationsfelder orientieren sich an den regionalen Versorgungsthemen, "
                "die im Rahmen der Gesundheitsstrategie des Landes Baden-Württemberg im Jahr "
                "2010 festgelegt worden sind. Dazu zählen insbesondere die Pflegestützpunkte."
            ),
            COORDINATION,
        ],
    },
    {
        "slug": "selbsthilfe",
        "title": "Kassenartenübergreifende Gemeinschaftsförderung der Selbsthilfe",
        "teaser": (
            "Die Betriebskrankenkassen, die Innungskrankenkasse, die Ersatzkassen und die "
            "Knappschaft fördern die Selbsthilfe in Baden-Württemberg gemeinsam und "
            "kassenartenübergreifend."
        ),
        "paragraphs": [
            (
                "Die kassenartenübergreifende Gemeinschaftsförderung der Selbsthilfe ist eines "
                "der Kooperationsfelder, die sich an der Gesundheitsstrategie des Landes "
                "Baden-Württemberg aus dem Jahr 2010 orientieren."
            ),
            COORDINATION,
        ],
    },
    {
        "slug": "kommunale-gesundheitskonferenzen",
        "title": "Kommunale Gesundheitskonferenzen",
        "teaser": (
            "Die Verbändekooperation wirkt bei den Kommunalen Gesundheitskonferenzen der "
            "Stadt- und Landkreise mit und schreibt in diesem Rahmen den B 52-Förderpreis aus."
        ),
        "paragraphs": [
            (
                "Seit dem Landesgesundheitsgesetz von 2015 hat jeder Stadt- und Landkreis in "
                "Baden-Württemberg eine Kommunale Gesundheitskonferenz einzurichten. Die "
                "Partner der Verbändekooperation wirken bei den Konferenzen mit."
            ),
            (
                "Im Rahmen der Kommunalen Gesundheitskonferenzen schreibt die "
                "Verbändekooperation jährlich den B 52-Förderpreis „Gesunde Kommune“ aus. Die "
                "Auszeichnung ist mit einem Preisgeld in Höhe von 5.200 Euro verbunden."
            ),
        ],
        "programme_heading": "teamw()rk für Gesundheit und Arbeit",
        "programme_paragraph": (
            "Das Programm „teamw()rk für Gesundheit und Arbeit“ wird für die gesetzliche "
            "Krankenversicherung gemeinsam mit den Jobcentern durchgeführt. Je Stadt- und "
            "Landkreis koordiniert eine Partnerkasse das Programm federführend. Ab Januar 2026 "
            "beginnt eine neue Förderphase."
        ),
    },
]

TEAMWORK_DISTRICTS = ["Biberach", "Bodenseekreis", "Ravensburg", "Stuttgart"]
NEW_PHASE_START = datetime.date(2026, 1, 1)


def paragraph(text):
    return ("paragraph", RichText(f"<p>{escape(text, quote=False)}</p>"))


def build(root, state):
    index = publish(
        child_page(
            root,
            CooperationIndexPage,
            "kooperation",
            title=TITLE,
            intro="",
            body=[paragraph(text) for text in SEED_PARAGRAPHS],
        )
    )
    members = [org for org in state["organisations"].values() if org.is_member]
    teamwork = state["programmes"]["teamwork"]
    districts = [state["districts"][name] for name in TEAMWORK_DISTRICTS]

    fields = {}
    for spec in FIELDS:
        body = [paragraph(text) for text in spec["paragraphs"]]
        extra = {}
        if "programme_heading" in spec:
            body += [
                ("heading", {"text": spec["programme_heading"], "level": "h2"}),
                paragraph(spec["programme_paragraph"]),
                ("district_overview", {"heading": "", "district": districts[0]}),
            ]
            extra = {
                "programme_links": [CooperationFieldProgramme(programme=teamwork)],
                "responsibilities": [
                    CooperationResponsibility(
                        programme=teamwork,
                        organisation=state["organisations"]["vdek"],
                        districts=districts,
                    )
                ],
                "funding_phases": [
                    CooperationFundingPhase(
                        programme=teamwork,
                        title="Neue Förderphase",
                        start_date=NEW_PHASE_START,
                    )
                ],
                "contact_links": [CooperationFieldContact(contact=state["contacts"]["winkler"])],
            }
        fields[spec["slug"]] = publish(
            child_page(
                index,
                CooperationFieldPage,
                spec["slug"],
                title=spec["title"],
                teaser=spec["teaser"],
                body=body,
                organisations=members,
                **extra,
            )
        )
    state["cooperation"] = {"index": index, "fields": fields}
