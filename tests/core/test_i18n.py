import pytest
from django.utils import translation

from b52_wagtail.i18n import check


def test_catalogues_are_complete_and_compiled():
    """Fails when makemessages would change a catalogue, a German string is
    missing or a .mo file is stale (fix: make messages)."""
    assert check() == []


@pytest.mark.django_db
def test_german_is_the_default_and_english_is_available(admin_client):
    from django.urls import reverse

    response = admin_client.get(reverse("wagtailsnippets_b52_wagtail_district:list"))
    assert "Stadt- und Landkreise" in response.content.decode()
    with translation.override("en"):
        assert translation.gettext("Districts") == "Districts"
    with translation.override("de"):
        assert translation.gettext("Districts") == "Stadt- und Landkreise"
