import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Locale

from b52_wagtail.awards.models import AwardCallPage, Winner, WinnerShowcasePage
from b52_wagtail.models import ApplicantType, District

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


# ``home``, ``section`` (the award index) and ``archive`` (its winner
# archive) come from tests/conftest.py.


@pytest.fixture
def districts(db):
    locale = Locale.get_default()
    return {d.key: d for d in District.objects.filter(locale=locale)}


def make_call(parent, edition, *, start=None, deadline=None, publish=True, **fields):
    call = AwardCallPage(
        title=f"Ausschreibung {edition}",
        slug=f"ausschreibung-{edition}",
        edition=edition,
        application_start=start,
        deadline=deadline,
        live=publish,
        **fields,
    )
    parent.add_child(instance=call)
    if publish:
        call.save_revision().publish()
    return call


def make_showcase(parent, call, winners, *, publish=True, slug=None):
    showcase = WinnerShowcasePage(
        title=f"Preisträger {call.edition}",
        slug=slug or f"preistraeger-{call.edition}",
        call=call,
        live=publish,
    )
    showcase.winners = [
        Winner(
            municipality=municipality,
            applicant_type=ApplicantType.MUNICIPALITY,
            district=district,
            project_title=title,
            prize_amount=Decimal("5200"),
            sort_order=order,
            **extra,
        )
        for order, (municipality, district, title, *rest) in enumerate(winners)
        for extra in [rest[0] if rest else {}]
    ]
    parent.add_child(instance=showcase)
    if publish:
        showcase.save_revision().publish()
    return showcase


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("redaktion", "r@example.org", "pw")
    client.force_login(user)
    return user


@pytest.fixture
def document(db):
    return get_document_model().objects.create(
        title="Ausschreibungstext 2023", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="a.pdf")
    )
