"""Demo content for the core app: partner organisations, the contact, the
programme teamw()rk and the site settings, read from
``demo_data/core.json``.

Every app has a ``demo.py`` with ``build(root, state)``; the ``b52_demo``
command calls them in dependency order. Each builder reads its data files
through ``demo_loader`` and is idempotent: it looks up what it made before
(by slug or a natural key) and updates it.
"""

from wagtail.models import Locale

from . import demo_loader, demo_media, localization
from .models import B52Settings, Contact, District, Organisation, Programme


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
    """A one-page PDF showing ``lines`` (the first as its heading), for
    tests and benchmarks that need a small valid document."""
    heading, *rest = list(lines) or [""]
    return demo_media.pdf_bytes(heading, rest)


def build(root, state):
    data = demo_loader.load("core")
    locale = Locale.get_default()
    organisations = {}
    for order, member in enumerate(data["members"]):
        short = member["short_name"]
        logo = demo_media.make_logo(f"Logo {short}", short, member["colour"])
        organisation, _ = Organisation.objects.update_or_create(
            short_name=short,
            locale=locale,
            defaults={
                "name": member["name"],
                "kind": member["kind"],
                "website": member["website"],
                "address": member.get("address", ""),
                "is_member": True,
                "sort_order": order,
                "logo": logo,
            },
        )
        organisations[short] = organisation

    contacts = {}
    for key, spec in data["contacts"].items():
        fields = dict(spec)
        name = fields.pop("name")
        fields["organisation"] = organisations[fields["organisation"]]
        contacts[key], _ = Contact.objects.update_or_create(
            name=name, locale=locale, defaults=fields
        )

    programmes = {}
    for key, spec in data["programmes"].items():
        fields = dict(spec)
        slug = fields.pop("slug")
        fields["coordinator"] = organisations[fields["coordinator"]]
        programmes[key], _ = Programme.objects.update_or_create(
            slug=slug, locale=locale, defaults=fields
        )

    site = dict(data["site"])
    logo = site.pop("logo")
    site_settings = B52Settings.for_site(state["site"])
    site_settings.logo = demo_media.make_logo(logo["title"], logo["text"], logo["colour"])
    site_settings.office_organisation = organisations[site.pop("office_organisation")]
    site_settings.default_contact = contacts[site.pop("default_contact")]
    for name, value in site.items():
        setattr(site_settings, name, value)
    site_settings.save()

    state.update(
        organisations=organisations,
        contacts=contacts,
        programmes=programmes,
        districts={d.name: d for d in District.objects.filter(locale=locale)},
        districts_by_key={d.key: d for d in District.objects.filter(locale=locale)},
        today=localization.localdate(),
    )
