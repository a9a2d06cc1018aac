import datetime
import os

import pytest
import time_machine
from django.core.cache import caches
from wagtail.models import Site

# B52_TEST_CLOCK=2027-12-31T22:57:00+00:00 (make test CLOCK=…): the whole
# suite runs as if it were that moment, the clock running on from there, to
# find tests and code that hold only on today's date (a deadline relative to
# now, a year, Berlin midnight, a change of daylight saving time).
MOVED_CLOCK = os.environ.get("B52_TEST_CLOCK", "")


def pytest_configure(config):
    if MOVED_CLOCK and not hasattr(config, "b52_clock"):
        config.b52_clock = time_machine.travel(datetime.datetime.fromisoformat(MOVED_CLOCK))
        config.b52_clock.start()


def pytest_collection_modifyitems(config, items):
    if not MOVED_CLOCK:
        return
    skip = pytest.mark.skip(reason="reads the machine's clock (a subprocess, file times)")
    for item in items:
        if "real_clock" in item.keywords:
            item.add_marker(skip)


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
