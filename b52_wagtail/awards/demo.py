"""Demo content of the award, read from ``demo_data/awards.json``: the
section page, one call per year the demo's releases speak of, the current
call (open on the day the demo is built), the winner showcases and the
winners archive.

Dates of the current call are relative to ``state["today"]``; the other
calls' dates come from the data (the 2022 deadline, 30 November 2022, is
the one the domain notes name; the others are marked as demo data on the
page). Every call carries its four documents as PDFs with their text.
"""

import datetime
from decimal import Decimal

from .. import demo_loader, demo_media, localization
from ..demo import child_page
from ..models import ApplicantType
from .models import (
    AwardCallDocument,
    AwardCallJuryMember,
    AwardCallPage,
    AwardCallPatron,
    AwardIndexPage,
    Winner,
    WinnerArchivePage,
    WinnerShowcasePage,
)

DATA = demo_loader.load("awards")
IMAGES = demo_loader.load("images")


def berlin(date, hour=0, minute=0):
    return datetime.datetime(
        date.year, date.month, date.day, hour, minute, tzinfo=localization.zone()
    )


def call_specs(today):
    """``[(year, start, deadline, demo_dates)]``: the current call of
    ``today``'s year (which replaces a call of the data for the same year),
    then the calls of the data."""
    current = DATA["current_call"]
    specs = {
        spec["year"]: (
            spec["year"],
            berlin(datetime.date.fromisoformat(spec["start"])),
            berlin(datetime.date.fromisoformat(spec["deadline"]), 23, 59),
            spec["demo_dates"],
        )
        for spec in DATA["calls"]
    }
    specs[today.year] = (
        today.year,
        berlin(today - datetime.timedelta(days=current["opens_days_before"])),
        berlin(today + datetime.timedelta(days=current["closes_days_after"]), 23, 59),
        True,
    )
    # The current call first: it is the first call in tree order, the one
    # tests and listings that take "a call" of the demo see.
    return [specs[today.year]] + [specs[year] for year in sorted(specs) if year != today.year]


def call_document(call, spec):
    """The PDF ``spec`` (a document of the call data) of ``call``."""
    with localization.override("de"):
        values = {"year": call.edition, "deadline": call.deadline_display}
    source = demo_loader.text(spec["text"]).format_map(values)
    lines = demo_loader.plain_text(demo_loader.markdown_blocks(source))
    title = f"{spec['label']} B 52-Förderpreis {call.edition}"
    return demo_media.make_pdf_document(
        title,
        f"b52-foerderpreis-{call.edition}-{spec['kind']}.pdf",
        lines,
        kicker="B 52-Verbändekooperation Baden-Württemberg",
        footer=title,
    )


def build_call(section, year, start, deadline, demo_dates, state):
    spec = DATA["call"]
    body = demo_loader.markdown(spec["body"])
    if demo_dates:
        body += demo_loader.markdown(spec["demo_dates_note"])
    call = child_page(
        section,
        AwardCallPage,
        spec["slug"].format(year=year),
        title=spec["title"].format(year=year),
        edition=year,
        intro=spec["intro"],
        prize_money=Decimal(spec["prize_money"]),
        one_prize_per_district=True,
        applicant_types=[choice.value for choice in ApplicantType],
        requires_kgk=True,
        application_start=start,
        deadline=deadline,
        contact=state["contacts"][spec["contact"]],
        search_description=spec["search_description"].format(year=year),
    )
    call.body = demo_loader.stream(body)
    # Orderables made in code need their sort order (the editor's inline
    # panel sets it): without one their order is the database's choice.
    call.patrons = [
        AwardCallPatron(role=role, sort_order=order) for order, role in enumerate(spec["patrons"])
    ]
    call.jury_members = [
        AwardCallJuryMember(organisation=name, sort_order=order)
        for order, name in enumerate(spec["jury"])
    ]
    call.call_documents = [
        AwardCallDocument(
            kind=document["kind"], document=call_document(call, document), sort_order=order
        )
        for order, document in enumerate(spec["documents"])
    ]
    call.save_revision().publish()
    return call


def winner_image(year, winner):
    topic = winner["topic"]
    image = demo_media.make_illustration(
        f"Preisträger {year}: {winner['municipality']}", topic, key=winner["project_title"]
    )
    alt = IMAGES["winner_alt"].format(
        project=winner["project_title"], topic=IMAGES["topics"][topic]
    )
    return image, alt


def build_showcase(archive, spec, call, state):
    showcase = child_page(
        archive,
        WinnerShowcasePage,
        f"preistraeger-{spec['year']}",
        title=spec["title"],
        call=call,
        intro=spec["intro"],
    )
    winners = []
    for order, winner in enumerate(spec["winners"]):
        image, alt = winner_image(spec["year"], winner)
        winners.append(
            Winner(
                sort_order=order,
                municipality=winner["municipality"],
                applicant_type=winner["applicant_type"],
                district=state["districts_by_key"][winner["district"]],
                project_title=winner["project_title"],
                description=winner.get("description", ""),
                image=image,
                image_alt=alt,
                prize_amount=call.prize_money,
            )
        )
    showcase.winners = winners
    showcase.save_revision().publish()
    return showcase


def build(root, state):
    today = state.get("today") or localization.localdate()
    section_spec = DATA["section"]
    section = child_page(
        root,
        AwardIndexPage,
        section_spec["slug"],
        title=section_spec["title"],
        intro=section_spec["intro"],
    )
    section.body = demo_loader.stream(demo_loader.markdown(section_spec["body"]))
    section.save_revision().publish()

    calls = {}
    for year, start, deadline, demo_dates in call_specs(today):
        calls[year] = build_call(section, year, start, deadline, demo_dates, state)

    archive_spec = DATA["archive"]
    archive = child_page(
        section,
        WinnerArchivePage,
        archive_spec["slug"],
        title=archive_spec["title"],
        intro=archive_spec["intro"],
    )
    archive.save_revision().publish()
    showcases = {
        spec["year"]: build_showcase(archive, spec, calls[spec["year"]], state)
        for spec in DATA["showcases"]
    }

    state["calls"] = calls
    state["current_call"] = calls[today.year]
    state["award_section"] = section
    state["winner_archive"] = archive
    state["showcases"] = showcases
