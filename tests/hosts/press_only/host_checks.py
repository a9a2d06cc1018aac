"""Run by tests/hosts/test_hosts.py in a subprocess with this host's settings."""

import pytest
from django.apps import apps
from django.core.management import call_command

from b52_wagtail.conf import b52_settings

pytestmark = pytest.mark.django_db


def test_only_core_and_press_are_installed():
    assert apps.is_installed("b52_wagtail")
    assert apps.is_installed("b52_wagtail.press")
    for other in ("cooperation", "awards", "applications", "api"):
        assert not apps.is_installed(f"b52_wagtail.{other}")


def test_host_without_base_html_uses_the_standalone_base():
    assert b52_settings.base_template() == "b52_wagtail/base.html"
    call_command("check", fail_level="ERROR")


def test_migrations_are_complete_for_this_host():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_demo_builds_what_this_host_has(client):
    call_command("b52_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert client.get("/").status_code == 200
