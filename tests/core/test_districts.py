import pytest
from django.urls import reverse
from wagtail.models import Locale

from b52_wagtail.models import AdministrativeRegion, District, DistrictKind

pytestmark = pytest.mark.django_db


def test_the_44_districts_of_baden_wuerttemberg_are_there():
    districts = District.objects.all()
    assert districts.count() == 44
    assert districts.filter(kind=DistrictKind.URBAN).count() == 9
    assert districts.filter(kind=DistrictKind.RURAL).count() == 35
    assert len({d.key for d in districts}) == 44
    assert all(d.key.startswith("08") and len(d.key) == 5 for d in districts)


def test_districts_per_regierungsbezirk():
    counts = {
        region: District.objects.filter(region=region).count() for region in AdministrativeRegion
    }
    assert counts == {
        AdministrativeRegion.STUTTGART: 13,
        AdministrativeRegion.KARLSRUHE: 12,
        AdministrativeRegion.FREIBURG: 10,
        AdministrativeRegion.TUEBINGEN: 9,
    }


def test_district_names_tell_stadtkreis_from_landkreis():
    assert str(District.objects.get(key="08121")) == "Heilbronn (Stadtkreis)"
    assert str(District.objects.get(key="08125")) == "Landkreis Heilbronn"
    assert str(District.objects.get(key="08119")) == "Rems-Murr-Kreis"


def test_every_district_has_a_kgk_since_the_lgg():
    assert not District.objects.filter(has_kgk=False).exists()
    assert not District.objects.filter(kgk_since__isnull=True).exists()


def test_district_keys_are_unique_per_locale():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        District.objects.create(
            key="08111", name="Doppelt", kind="SK", region="stuttgart", locale=Locale.get_default()
        )


def test_editor_edits_a_district_in_the_admin(admin_client):
    district = District.objects.get(key="08426")
    url = reverse("wagtailsnippets_b52_wagtail_district:edit", args=[district.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Biberach" in response.content.decode()

    response = admin_client.post(
        url,
        {
            "key": "08426",
            "kind": "LK",
            "name": "Biberach",
            "region": "tuebingen",
            "has_kgk": "",
            "kgk_since": "",
        },
    )
    assert response.status_code == 302
    district.refresh_from_db()
    assert district.has_kgk is False


def test_admin_refuses_a_malformed_district_key(admin_client):
    district = District.objects.get(key="08426")
    url = reverse("wagtailsnippets_b52_wagtail_district:edit", args=[district.pk])
    response = admin_client.post(
        url, {"key": "8426", "kind": "LK", "name": "Biberach", "region": "tuebingen"}
    )
    assert response.status_code == 200
    assert "fünf Ziffern" in response.content.decode() or "five digits" in response.content.decode()
    district.refresh_from_db()
    assert district.key == "08426"


def test_district_listing_filters_by_regierungsbezirk(admin_client):
    url = reverse("wagtailsnippets_b52_wagtail_district:list")
    response = admin_client.get(url, {"region": "freiburg"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ortenaukreis" in content
    assert "Ostalbkreis" not in content
