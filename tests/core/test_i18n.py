import gettext as gettext_module
from pathlib import Path

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


def compiled_catalogues(root):
    """The German ``.mo`` catalogues below ``root`` as {path: catalogue}."""
    found = {}
    for path in sorted(Path(root).rglob("locale/de/LC_MESSAGES/django.mo")):
        with path.open("rb") as file:
            found[path] = gettext_module.GNUTranslations(file)._catalog
    return found


def test_no_other_app_translates_our_words_otherwise():
    """Django takes a word's translation from the app listed first in
    INSTALLED_APPS, and hosts list Wagtail's apps before ours: a word of ours
    that Wagtail or Django translate otherwise ("Application" is Wagtail's
    "Anwendung", ours "Bewerbung") would show their German on our pages.
    Such words carry a context of ours (pgettext, ``context "b52"``)."""
    import django
    import wagtail

    import b52_wagtail

    theirs = {}
    for root in (Path(django.__file__).parent, Path(wagtail.__file__).parent):
        for catalogue in compiled_catalogues(root).values():
            for key, value in catalogue.items():
                theirs.setdefault(key, set()).add(value)
    clashes = {}
    for catalogue in compiled_catalogues(Path(b52_wagtail.__file__).parent).values():
        for key, value in catalogue.items():
            if key and key in theirs and theirs[key] != {value}:
                clashes[key] = (value, sorted(theirs[key]))
    assert clashes == {}
