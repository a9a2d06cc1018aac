"""Fixtures of the hosts with every app (bare_base, rich_theme), whose
``host_checks.py`` tests/hosts/test_hosts.py runs in a subprocess with the
host's settings. Nothing here is autouse: the main suite (test_hosts.py)
loads this file too and uses none of it."""

import pytest

from tests.demo_visitor import build_demo, english_visitor, one_page_per_type


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo content (built once, kept for every test of the module):
    the paths b52_demo printed, by page type."""
    with django_db_blocker.unblock():
        return build_demo()


@pytest.fixture(scope="module")
def paths(demo):
    """One path per page type."""
    return one_page_per_type(demo)


@pytest.fixture
def visitor():
    """A client like an English-speaking browser that honours CSRF."""
    return english_visitor()
