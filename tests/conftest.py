import pytest
from django.core.cache import caches
from wagtail.models import Site


@pytest.fixture(autouse=True)
def _clear_caches():
    """Every test starts with empty caches (fragments, the content generation,
    Wagtail's site root paths and renditions), so that no test sees another's."""
    for cache in caches.all():
        cache.clear()
    yield


# The site's home page, the award section and its winner archive, shared by
# every directory (tests/awards and the winners step of tests/applications
# use the archive).


@pytest.fixture
def home(db):
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def section(home):
    from b52_wagtail.awards.models import AwardIndexPage

    page = AwardIndexPage(title="Förderpreis", slug="foerderpreis")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def archive(section):
    from b52_wagtail.awards.models import WinnerArchivePage

    page = WinnerArchivePage(title="Preisträger", slug="preistraeger")
    section.add_child(instance=page)
    page.save_revision().publish()
    return page
