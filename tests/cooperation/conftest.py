import datetime
import itertools

import pytest
import wagtail_factories
from wagtail.models import Locale, PageViewRestriction, Site

from b52_wagtail.cooperation.models import (
    CooperationFieldContact,
    CooperationFieldPage,
    CooperationFieldProgramme,
    CooperationFundingPhase,
    CooperationIndexPage,
    CooperationRelatedPage,
    CooperationResponsibility,
)
from b52_wagtail.models import (
    B52Settings,
    Contact,
    District,
    Organisation,
    OrganisationKind,
    Programme,
)

_serial = itertools.count(1)


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_private(page):
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )


def make_organisation(kind=OrganisationKind.ERSATZKASSE, *, logo=True, **fields):
    n = next(_serial)
    fields.setdefault("name", f"Kasse {n}")
    fields.setdefault("short_name", f"K{n}")
    fields.setdefault("website", f"https://kasse-{n}.example/")
    fields.setdefault("is_member", True)
    if logo:
        fields["logo"] = wagtail_factories.ImageFactory(title=f"Logo {n}")
    return Organisation.objects.create(kind=kind, locale=Locale.get_default(), **fields)


def make_programme(**fields):
    n = next(_serial)
    fields.setdefault("name", f"Programm {n}")
    fields.setdefault("slug", f"programm-{n}")
    return Programme.objects.create(locale=Locale.get_default(), **fields)


def make_contact(**fields):
    n = next(_serial)
    fields.setdefault("name", f"Person {n}")
    fields.setdefault("email", f"person{n}@example.org")
    return Contact.objects.create(locale=Locale.get_default(), **fields)


def district(key):
    return District.objects.get(key=key)


@pytest.fixture
def home():
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def office():
    """The Geschäftsstelle in the default site's B52Settings."""
    host = make_organisation(OrganisationKind.BKK, name="BKK Landesverband Süd", logo=False)
    contact = make_contact(name="Erika Muster", organisation=host, phone="0711 123")
    settings = B52Settings.for_site(Site.objects.get(is_default_site=True))
    settings.office_name = "Geschäftsstelle beim BKK Landesverband Süd"
    settings.office_organisation = host
    settings.office_street = "Stuttgarter Straße 105"
    settings.office_postcode = "70806"
    settings.office_city = "Kornwestheim"
    settings.office_phone = "07154 1316-0"
    settings.office_email = "info@b52.example"
    settings.default_contact = contact
    settings.save()
    return settings


@pytest.fixture
def index(home):
    return publish(home, CooperationIndexPage(title="Die Kooperation", slug="kooperation"))


@pytest.fixture
def teamwork():
    return make_programme(name="teamw()rk für Gesundheit und Arbeit", slug="teamwork")


@pytest.fixture
def vdek():
    return make_organisation(OrganisationKind.ASSOCIATION, name="vdek Landesvertretung")


TEAMWORK_KEYS = ["08426", "08435", "08436", "08111"]  # Biberach, Bodensee, Ravensburg, Stuttgart


def make_field(parent, *, title="Kommunale Gesundheitskonferenzen", slug=None, **fields):
    slug = slug or f"feld-{next(_serial)}"
    return publish(parent, CooperationFieldPage(title=title, slug=slug, **fields))


@pytest.fixture
def kgk_field(index, teamwork, vdek):
    winkler = make_contact(name="Frank Winkler", organisation=vdek, phone="07 11 / 2 39 54 - 19")
    return make_field(
        index,
        slug="kgk",
        teaser="Die Kooperation wirkt bei den Kommunalen Gesundheitskonferenzen mit.",
        organisations=[vdek],
        programme_links=[CooperationFieldProgramme(programme=teamwork)],
        responsibilities=[
            CooperationResponsibility(
                programme=teamwork,
                organisation=vdek,
                districts=[district(key) for key in TEAMWORK_KEYS],
            )
        ],
        funding_phases=[
            CooperationFundingPhase(
                programme=teamwork, title="Neue Förderphase", start_date=datetime.date(2026, 1, 1)
            ),
            CooperationFundingPhase(
                title="Erste Förderphase",
                start_date=datetime.date(2020, 1, 1),
                end_date=datetime.date(2025, 12, 31),
            ),
        ],
        contact_links=[CooperationFieldContact(contact=winkler)],
    )


def relate(field, *pages):
    field.related_pages = [CooperationRelatedPage(related_page=page) for page in pages]
    field.save_revision().publish()
    return field
