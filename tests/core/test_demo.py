import io

import pytest
from django.core.management import call_command
from wagtail.models import Site

from b52_wagtail.models import B52Settings, Contact, Organisation, Programme
from tests.demo_visitor import PAGE_TYPES, parse_demo_output

pytestmark = pytest.mark.django_db


def test_b52_demo_builds_core_data_and_is_idempotent(client):
    first, second = io.StringIO(), io.StringIO()
    call_command("b52_demo", stdout=first)
    call_command("b52_demo", stdout=second)
    assert Organisation.objects.filter(is_member=True).count() == 8
    winkler = Contact.objects.get(name="Frank Winkler")
    assert winkler.organisation.short_name == "vdek"
    assert winkler.email == "frank.winkler@vdek.com"
    assert Programme.objects.get(slug="teamwork-gesundheit-arbeit").coordinator.short_name == "vdek"
    site_settings = B52Settings.for_site(Site.objects.get(is_default_site=True))
    assert site_settings.office_city == "Kornwestheim"
    assert site_settings.office_street == "Stuttgarter Straße 105"

    response = client.get("/")
    assert response.status_code == 200
    assert "B 52-Verbändekooperation Baden-Württemberg" in response.content.decode()

    # Both runs print every page they made or updated: the same pages.
    pages = parse_demo_output(first.getvalue())
    assert list(pages.items()) == list(parse_demo_output(second.getvalue()).items())
    for paths in pages.values():
        assert len(paths) == len(set(paths))
    assert set(pages) == set(PAGE_TYPES)
    assert "/presse/" in pages["PressReleaseIndexPage"]
    assert "/foerderpreis/" in pages["AwardIndexPage"]
    for page_type, paths in pages.items():
        for path in paths[:1] if page_type == "PressReleasePage" else paths:  # one is enough
            assert client.get(path).status_code == 200, (page_type, path)
