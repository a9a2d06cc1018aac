import pytest
from django.test import Client

from tests.applications.conftest import (  # noqa: F401  (fixtures)
    call,
    district,
    districts,
    form_page,
    fresh_cache_and_storage,
)
from tests.press.conftest import press_index  # noqa: F401  (fixture)

# What a browser sends with every POST from a page of the site itself.
OWN_ORIGIN = "http://testserver"


@pytest.fixture
def client():
    """The test client as a browser on the site's own pages: it sends the
    site's ``Origin`` (the form API refuses a POST without one)."""
    return Client(headers={"Origin": OWN_ORIGIN})


@pytest.fixture
def bare_client():
    """A client that sends no ``Origin`` (curl, a script on a server)."""
    return Client()
