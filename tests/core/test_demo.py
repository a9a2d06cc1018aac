import pytest
from django.core.management import call_command
from wagtail.models import Site

from b52_wagtail.models import B52Settings, Contact, Organisation, Programme

pytestmark = pytest.mark.django_db


def test_b52_demo_builds_core_data_and_is_idempotent(client):
    call_command("b52_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("b52_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
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
