"""Demo content of the press app, read from ``demo_data/press.json``: the
seed release “Fünfter Jobcenter übergreifender Austausch” verbatim from
``demo_data/seeds/``, and further releases from 2022 to 2025 (their texts in
``demo_data/press/*.md``, marked as demo data) so that paging and the year
archive show. Every release has a PDF of its text as its download.

Releases about the award link the call (``"call"``) and list the winners
of the year (``"winners"``) from the award's data, so that the release, the
showcase and the archive name the same municipalities and districts. The
award builder runs first (see ``b52_demo``). Idempotent (looked up by slug).
"""

import datetime
from html import escape

from django.utils import formats

from .. import demo_loader, demo_media, localization
from ..demo import child_page, publish
from .models import (
    PressReleaseContact,
    PressReleaseDownload,
    PressReleaseIndexPage,
    PressReleasePage,
)

DATA = demo_loader.load("press")
AWARDS = demo_loader.load("awards")
IMAGES = demo_loader.load("images")


def _seed():
    """Title, subtitle, teaser and sections of the seed release, verbatim."""
    spec = DATA["seed"]
    lines = demo_loader.seed_lines(spec["file"])
    title, subtitle, teaser, *rest = lines
    end = next(i for i, line in enumerate(rest) if line.startswith(spec["end_before"]))
    sections = []
    for line in rest[:end]:
        if line in spec["headings"]:
            sections.append((line, []))
        else:
            sections[-1][1].append(line)
    if [heading for heading, _ in sections] != spec["headings"]:
        raise ValueError("the seed release does not have the headings of press.json")
    return title, subtitle, teaser, sections


SEED_TITLE, SEED_SUBTITLE, SEED_TEASER, SEED_SECTIONS = _seed()


def german_date(date):
    with localization.override("de"):
        return formats.date_format(date, "j. F Y")


def seed_blocks():
    blocks = []
    for heading, paragraphs in SEED_SECTIONS:
        blocks.append(("heading", (2, heading)))
        blocks += [("paragraph", paragraph) for paragraph in paragraphs]
    return blocks


def seed_body():
    return demo_loader.stream(seed_blocks())


def showcase_spec(year):
    return next(spec for spec in AWARDS["showcases"] if spec["year"] == year)


def district_label(state, key):
    return str(state["districts_by_key"][key])


def winner_blocks(year, state):
    """The winners of ``year`` as the award's data names them."""
    items = [
        f"{w['municipality']}, {district_label(state, w['district'])}: „{w['project_title']}“"
        for w in showcase_spec(year)["winners"]
    ]
    return [("heading", (2, f"Die Preisträger {year}")), ("list", items)]


def release_blocks(spec, state):
    blocks = demo_loader.markdown(spec["body"])
    if "winners" in spec:
        blocks += winner_blocks(spec["winners"], state)
    return blocks + demo_loader.markdown(DATA["demo_note"])


def link_blocks(spec, state):
    """Rich-text links to the call and the showcase the release is about."""
    links = []
    if "calls" not in state:  # the award app is not installed
        return []
    if "call" in spec:
        call = state["calls"][spec["call"]]
        links.append((call, call.title))
    if "winners" in spec:
        showcase = state["showcases"][spec["winners"]]
        links.append((showcase, showcase.title))
    return [
        ("paragraph", f'<p>Mehr dazu: <a linktype="page" id="{page.pk}">{escape(label)}</a></p>')
        for page, label in links
    ]


def release_districts(spec, state):
    if "winners" in spec:
        keys = [w["district"] for w in showcase_spec(spec["winners"])["winners"]]
        return [state["districts_by_key"][key] for key in keys]
    return [state["districts"][name] for name in spec.get("districts", [])]


def release_pdf(date, title, blocks, *, subtitle="", teaser="", contact=None):
    """The release as a PDF: its date, title, subtitle, teaser and body."""
    lines = []
    if subtitle:
        lines.append(("subtitle", subtitle))
    if teaser:
        lines.append(("text", teaser))
    lines += demo_loader.plain_text(blocks)
    if contact is not None:
        lines.append(("heading", "Kontakt"))
        organisation = contact.organisation.name if contact.organisation_id else ""
        parts = [contact.name, organisation, contact.unit, f"Tel.: {contact.phone}"]
        parts.append(f"E-Mail: {contact.email}")
        lines.append(("text", "\n".join(part for part in parts if part.strip())))
    label = german_date(date)
    return demo_media.make_pdf_document(
        DATA["document_title"].format(date=label, title=title),
        f"pressemitteilung-{date.isoformat()}.pdf",
        lines,
        heading=title,
        kicker=f"Pressemitteilung vom {label}",
        footer=f"Pressemitteilung vom {label}",
    )


def release_image(title, topic):
    image = demo_media.make_illustration(f"Illustration {topic}", topic)
    alt = IMAGES["release_alt"].format(title=title, topic=IMAGES["topics"][topic])
    return image, alt


def attach(release, state, *, districts, contact, download):
    release.districts = districts
    release.contact_items = [PressReleaseContact(contact=contact)] if contact else []
    release.download_items = [
        PressReleaseDownload(
            document=download,
            title=DATA["download_title"].format(date=german_date(release.release_date)),
        )
    ]
    release.save()
    publish(release)


def build_seed(index, state):
    spec = DATA["seed"]
    date = datetime.date.fromisoformat(spec["release_date"])
    contact = state["contacts"][spec["contact"]]
    image, alt = release_image(SEED_TITLE, spec["topic"])
    seed = child_page(
        index,
        PressReleasePage,
        spec["slug"],
        title=SEED_TITLE,
        subtitle=SEED_SUBTITLE,
        teaser=SEED_TEASER,
        release_date=date,
        event_date=datetime.date.fromisoformat(spec["event_date"]),
        event_place=spec["event_place"],
        body=seed_body(),
        lead_organisation=state["organisations"][spec["lead"]],
        programme=state["programmes"][spec["programme"]],
        lead_image=image,
        lead_image_alt=alt,
    )
    seed.partner_organisations = []
    download = release_pdf(
        date, SEED_TITLE, seed_blocks(), subtitle=SEED_SUBTITLE, teaser=SEED_TEASER, contact=contact
    )
    attach(
        seed,
        state,
        districts=[state["districts"][name] for name in spec["districts"]],
        contact=contact,
        download=download,
    )
    return seed


def build_release(index, spec, state):
    organisations = state["organisations"]
    date = datetime.date.fromisoformat(spec["date"])
    blocks = release_blocks(spec, state)
    contact = state["contacts"][spec["contact"]] if "contact" in spec else None
    image, alt = release_image(spec["title"], spec["topic"])
    release = child_page(
        index,
        PressReleasePage,
        demo_loader.slugify(f"{date.year} {spec['title']}"),
        title=spec["title"],
        teaser=spec["teaser"],
        release_date=date,
        body=demo_loader.stream(blocks) + link_blocks(spec, state),
        lead_organisation=organisations[spec["lead"]],
        programme=state["programmes"][spec["programme"]] if "programme" in spec else None,
        lead_image=image,
        lead_image_alt=alt,
    )
    lead = spec["lead"]
    office = "BKK LV Süd"
    release.partner_organisations = (
        [organisations[office]] if lead != office and "programme" not in spec else []
    )
    download = release_pdf(date, spec["title"], blocks, teaser=spec["teaser"], contact=contact)
    attach(
        release,
        state,
        districts=release_districts(spec, state),
        contact=contact,
        download=download,
    )
    return release


def build(root, state):
    spec = DATA["index"]
    index = child_page(
        root,
        PressReleaseIndexPage,
        spec["slug"],
        title=spec["title"],
        intro=demo_loader.rich_text([("paragraph", spec["intro"])]),
        page_size=spec["page_size"],
        search_description=spec["search_description"],
    )
    publish(index)
    seed = build_seed(index, state)
    releases = [build_release(index, release, state) for release in DATA["releases"]]
    state.setdefault("press", {}).update(index=index, seed=seed, releases=[seed, *releases])
