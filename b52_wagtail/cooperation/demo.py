"""Demo content of the cooperation, read from ``demo_data/cooperation.json``:
the cooperation page with the seed ``b52-verbaendekooperation.txt`` (its
paragraphs verbatim), its three Kooperationsfelder (texts in
``demo_data/cooperation/*.md``, restating only the domain notes) and the
programme teamw()rk with its lead partner."""

import datetime

from .. import demo_loader
from ..demo import child_page, publish
from .models import (
    CooperationFieldContact,
    CooperationFieldPage,
    CooperationFieldProgramme,
    CooperationFundingPhase,
    CooperationIndexPage,
    CooperationResponsibility,
)

DATA = demo_loader.load("cooperation")
# The seed: its first line is the page title, the other lines its paragraphs.
TITLE, *SEED_PARAGRAPHS = demo_loader.seed_lines(DATA["index"]["seed"])


def paragraph(text):
    return demo_loader.stream([("paragraph", text)])[0]


def programme_blocks(spec, state):
    """The programme section of a field: its Markdown, a district overview
    and the related objects (link, responsibility, funding phase, contact)."""
    programme = state["programmes"][spec["key"]]
    districts = [state["districts"][name] for name in spec["districts"]]
    body = demo_loader.stream(demo_loader.markdown(spec["body"]))
    body.append(
        (
            "district_overview",
            {"heading": "", "district": state["districts"][spec["overview_district"]]},
        )
    )
    phase = spec["funding_phase"]
    extra = {
        "programme_links": [CooperationFieldProgramme(programme=programme)],
        "responsibilities": [
            CooperationResponsibility(
                programme=programme,
                organisation=state["organisations"][spec["lead"]],
                districts=districts,
            )
        ],
        "funding_phases": [
            CooperationFundingPhase(
                programme=programme,
                title=phase["title"],
                start_date=datetime.date.fromisoformat(phase["start_date"]),
            )
        ],
        "contact_links": [CooperationFieldContact(contact=state["contacts"][spec["contact"]])],
    }
    return body, extra


def build(root, state):
    index = publish(
        child_page(
            root,
            CooperationIndexPage,
            DATA["index"]["slug"],
            title=TITLE,
            intro="",
            body=[paragraph(text) for text in SEED_PARAGRAPHS],
        )
    )
    members = [org for org in state["organisations"].values() if org.is_member]
    fields = {}
    for spec in DATA["fields"]:
        body = demo_loader.stream(demo_loader.markdown(spec["body"]))
        extra = {}
        if "programme" in spec:
            programme_body, extra = programme_blocks(spec["programme"], state)
            body += programme_body
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
