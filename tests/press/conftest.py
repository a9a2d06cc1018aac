import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Locale

from b52_wagtail.demo import minimal_pdf
from b52_wagtail.models import Contact, District, Organisation, Programme
from b52_wagtail.press.models import PressReleaseIndexPage

from .factories import add_release, bulk_releases, make_image, make_private  # noqa: F401


@pytest.fixture
def press_index(home):
    index = PressReleaseIndexPage(title="Pressemitteilungen", slug="presse")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def locale(db):
    return Locale.get_default()


@pytest.fixture
def vdek(locale):
    return Organisation.objects.create(
        name="Verband der Ersatzkassen e. V. (vdek)",
        short_name="vdek",
        website="https://www.vdek.com/",
        locale=locale,
    )


@pytest.fixture
def bkk(locale):
    return Organisation.objects.create(
        name="BKK Landesverband Süd", short_name="BKK LV Süd", locale=locale
    )


@pytest.fixture
def teamwork(locale, vdek):
    return Programme.objects.create(
        name="teamw()rk für Gesundheit und Arbeit",
        slug="teamwork-gesundheit-arbeit",
        coordinator=vdek,
        locale=locale,
    )


@pytest.fixture
def other_programme(locale):
    return Programme.objects.create(name="Selbsthilfe", slug="selbsthilfe", locale=locale)


@pytest.fixture
def districts(locale):
    """Districts by key (the 44 come with the core's migrations)."""
    return {district.key: district for district in District.objects.filter(locale=locale)}


@pytest.fixture
def winkler(vdek, locale):
    return Contact.objects.create(
        name="Frank Winkler",
        organisation=vdek,
        unit="Landesvertretung Baden-Württemberg",
        phone="07 11 / 2 39 54 - 19",
        email="frank.winkler@vdek.com",
        locale=locale,
    )


@pytest.fixture
def pdf_document(db):
    Document = get_document_model()
    return Document.objects.create(
        title="Fünfter Jobcenter übergreifender Austausch (PDF)",
        file=ContentFile(minimal_pdf(["Pressemitteilung vom 3. April 2025"]), name="pm.pdf"),
    )


@pytest.fixture
def image(db):
    return make_image()


@pytest.fixture
def editor(django_user_model):
    """A member of Wagtail's “Moderators” group (may add and publish pages)."""
    user = django_user_model.objects.create_user(
        username="redaktion", email="redaktion@example.org", password="pw"
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
