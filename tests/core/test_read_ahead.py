"""A warm page reads the fragment cache in two round trips (generations,
then fragments, settings and cached values), learnt from the last render of
the same URL; what the guess misses is read as before, and a change still
shows at once."""

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from b52_wagtail import cache as fragment_cache
from b52_wagtail.cooperation.models import CooperationFieldPage
from b52_wagtail.models import B52Settings

from .test_query_counts import (
    award_call,
    cooperation_field,
    cooperation_index,
    press_index,
    press_release,
)

pytestmark = pytest.mark.django_db

CALLS = []


class CountingCache(LocMemCache):
    """A LocMemCache that notes every round trip for a b52 key."""

    _inside = False  # get_many() calls get(): one round trip, noted once

    def _note(self, kind, keys):
        if not self._inside and any("b52" in key for key in keys):
            CALLS.append((kind, tuple(keys)))

    def get(self, key, default=None, version=None):
        self._note("get", [key])
        return super().get(key, default, version)

    def get_many(self, keys, version=None):
        self._note("get_many", list(keys))
        self._inside = True
        try:
            return super().get_many(keys, version)
        finally:
            self._inside = False

    def set(self, key, value, timeout=300, version=None):  # noqa: A003
        self._note("set", [key])
        return super().set(key, value, timeout, version)

    def add(self, key, value, timeout=300, version=None):
        self._note("add", [key])
        return super().add(key, value, timeout, version)


@pytest.fixture(autouse=True)
def counting_cache():
    location = f"read-ahead-{id(CALLS)}"
    backend = f"{__name__}.CountingCache"
    with override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": location}}):
        fragment_cache._PLANS.clear()
        yield
    fragment_cache._PLANS.clear()


@pytest.fixture
def home(db):
    return Site.objects.get(is_default_site=True).root_page


def warm_calls(client, url):
    client.get(url)  # renders and stores, learns the plan
    client.get(url)  # reads ahead
    CALLS.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return list(CALLS), queries, response.content.decode()


@pytest.mark.parametrize("builder", [cooperation_field, award_call, press_release, press_index])
def test_a_warm_page_reads_the_cache_twice_and_writes_nothing(client, home, builder):
    calls, queries, _html = warm_calls(client, builder(home, 3))
    assert [kind for kind, _keys in calls] == ["get_many", "get_many"], calls
    generations, fragments = (keys for _kind, keys in calls)
    assert any("content_generation" in key for key in generations)
    assert any("cdn_changed_at" in key for key in generations)
    assert any("template.cache" in key for key in fragments)
    assert any("b52_wagtail.settings" in key for key in fragments)
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "b52settings" not in sql  # the site settings came with the fragments


def test_the_funding_phases_are_not_queried_on_a_warm_field_page(client, home):
    _calls, queries, _html = warm_calls(client, cooperation_field(home, 3))
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "fundingphase" not in sql


def test_a_change_shows_at_once_although_the_plan_read_the_old_fragment(client, home):
    url = cooperation_field(home, 3)
    _calls, _queries, html = warm_calls(client, url)
    page = CooperationFieldPage.objects.get(url_path__endswith=url)
    assert page.title in html
    page.title = "Gesund aufwachsen, neu gefasst"
    page.save_revision().publish()
    assert "Gesund aufwachsen, neu gefasst" in client.get(url).content.decode()


def test_changed_site_settings_show_at_once(client, home):
    url = cooperation_index(home, 3)  # shows the office's address
    warm_calls(client, url)
    settings = B52Settings.for_site(Site.objects.get(is_default_site=True))
    settings.office_name = "Geschäftsstelle B 52"
    settings.office_street = "Musterstraße 1"
    settings.save()
    assert "Musterstraße 1" in client.get(url).content.decode()
    _calls, _queries, html = warm_calls(client, url)  # and from the cache
    assert "Musterstraße 1" in html


def test_a_wrong_guess_reads_what_the_page_asks_for(client, home):
    url = press_index(home, 3)
    client.get(url)
    # Another URL's plan under this URL: nothing of it is asked for.
    key = ("testserver", url, "")
    fragment_cache._PLANS[key] = (("b52_unknown", ("any",), ("de",)),)
    CALLS.clear()
    response = client.get(url)
    assert response.status_code == 200
    kinds = [kind for kind, _keys in CALLS]
    assert kinds.count("get_many") >= 2  # read ahead, then the page's own reads
    assert fragment_cache._PLANS[key] != (("b52_unknown", ("any",), ("de",)),)


def test_previews_and_posts_learn_no_plan(client, home):
    url = cooperation_field(home, 3)
    client.post(url, {})
    assert not fragment_cache._PLANS
