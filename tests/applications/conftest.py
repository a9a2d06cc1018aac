import pytest
from django.core.cache import caches
from django.core.files.storage import storages
from django.utils.functional import empty
from wagtail.models import Locale

from b52_wagtail.applications.storage import private_storage
from b52_wagtail.models import District

from .backends import FlakyBackend
from .utils import make_call, make_form_page


@pytest.fixture(autouse=True)
def fresh_cache_and_storage():
    """Each test starts with an empty rate-limit cache and private storage,
    and with the test mail backend's server down, as declared."""
    FlakyBackend.down = True
    caches["default"].clear()
    storages._storages.pop("b52_private", None)
    private_storage._wrapped = empty
    yield
    caches["default"].clear()


@pytest.fixture
def districts(db):
    return {d.name: d for d in District.objects.filter(locale=Locale.get_default())}


@pytest.fixture
def district(districts):
    return districts["Göppingen"]


@pytest.fixture
def call(home):
    return make_call(home)


@pytest.fixture
def form_page(call):
    return make_form_page(call)


@pytest.fixture
def no_rate_limit(settings):
    """For tests that send many applications from one address."""
    settings.B52_APPLICATION_RATE_LIMIT = 0
