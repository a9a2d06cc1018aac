"""The system checks a partner meets when something is missing: each one
raised when it should be and silent when all is well."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.checks import run_checks
from django.utils import translation
from wagtail.models import Site

from b52_wagtail.applications import checks as storage_checks
from b52_wagtail.checks import (
    check_base_template,
    check_document_urls,
    check_required_apps,
    check_site_root_urls,
)

TEMPLATES = Path(__file__).parent / "templates"
ROOT = Path(__file__).resolve().parents[2]


def ids(messages):
    return [message.id for message in messages]


@pytest.fixture
def partner_templates(settings):
    """Base templates of imagined partner sites (tests/core/templates/testapp)."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}
    ]


# W001: the base template has no extra_head ------------------------------------


def test_a_base_without_extra_head_gets_a_warning_naming_the_block(partner_templates, settings):
    settings.B52_BASE_TEMPLATE = "testapp/bare_base.html"
    messages = check_base_template()
    assert ids(messages) == ["b52_wagtail.W001"]
    assert "{% block extra_head %}" in messages[0].hint
    assert "Canonical" in messages[0].msg


def test_a_base_with_extra_head_but_no_extra_css_needs_nothing(partner_templates, settings):
    settings.B52_BASE_TEMPLATE = "testapp/head_only_base.html"
    assert check_base_template() == []


def test_the_example_sites_base_passes():
    assert check_base_template() == []


# E004: a required app is missing ------------------------------------------------


def test_every_required_app_installed_gives_no_error():
    assert check_required_apps() == []
    assert not [m for m in run_checks() if m.id and m.id.startswith("b52_wagtail.E")]


def test_a_missing_required_app_is_named(monkeypatch):
    installed = apps.is_installed
    monkeypatch.setattr(
        apps,
        "is_installed",
        lambda name: (
            name not in {"wagtail.contrib.table_block", "rest_framework"} and installed(name)
        ),
    )
    with translation.override("en"):
        messages = check_required_apps()
    assert ids(messages) == ["b52_wagtail.E004", "b52_wagtail.E004"]
    text = " ".join(message.msg + message.hint for message in messages)
    assert "“b52_wagtail” needs “wagtail.contrib.table_block”" in text
    assert "“b52_wagtail.api” needs “rest_framework”" in text


# W003: links in mails need a real host name ---------------------------------------


@pytest.mark.django_db
def test_a_site_named_localhost_in_production_is_warned_about(settings):
    settings.DEBUG = False
    Site.objects.update(hostname="localhost", port=80)
    messages = check_site_root_urls(databases=["default"])
    assert ids(messages) == ["b52_wagtail.W003"]
    assert "http://localhost" in messages[0].msg


@pytest.mark.django_db
def test_a_site_with_a_real_host_name_passes(settings):
    settings.DEBUG = False
    Site.objects.update(hostname="www.kasse.example", port=443)
    assert check_site_root_urls(databases=["default"]) == []


@pytest.mark.django_db
def test_the_site_check_needs_a_database_and_stays_quiet_in_development(settings):
    Site.objects.update(hostname="localhost", port=80)
    assert check_site_root_urls(databases=None) == []
    settings.DEBUG = True
    assert check_site_root_urls(databases=["default"]) == []


# E005 / W002: the private attachment storage --------------------------------------


def test_the_built_in_private_folder_lies_beside_media_root(settings, tmp_path):
    settings.STORAGES = {k: v for k, v in settings.STORAGES.items() if k != "b52_private"}
    settings.MEDIA_ROOT = str(tmp_path / "media")
    assert storage_checks.check_private_storage_is_private() == []
    assert ids(storage_checks.check_private_storage_is_configured()) == ["b52_wagtail.W002"]
    assert (
        str(tmp_path / "b52_private") in storage_checks.check_private_storage_is_configured()[0].msg
    )


def test_a_private_folder_inside_media_root_is_an_error(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "b52_private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media" / "private")},
        },
    }
    assert ids(storage_checks.check_private_storage_is_private()) == ["b52_wagtail.E005"]
    assert storage_checks.check_private_storage_is_configured() == []


def test_an_explicit_private_folder_outside_media_root_passes(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "b52_private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    assert storage_checks.check_private_storage_is_private() == []
    assert storage_checks.check_private_storage_is_configured() == []


def test_a_broken_private_storage_is_reported_not_raised(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "b52_private": {"BACKEND": "no.such.Storage"},
    }
    assert ids(storage_checks.check_private_storage_is_private()) == ["b52_wagtail.E005"]


# E006: Wagtail's document URLs ----------------------------------------------------


def test_missing_document_urls_are_an_error(settings):
    assert check_document_urls() == []
    settings.ROOT_URLCONF = "tests.core.no_documents_urls"
    messages = check_document_urls()
    assert ids(messages) == ["b52_wagtail.E006"]
    assert "wagtail.documents.urls" in messages[0].hint


def test_a_host_without_wagtail_forms_gets_the_check_not_a_traceback():
    """The applications app cannot even load its models without
    wagtail.contrib.forms: it stays inactive and the check says what to add."""
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--settings=tests.hosts.missing_forms.settings"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert "(b52_wagtail.E004)" in output
    assert "„b52_wagtail.applications“ braucht „wagtail.contrib.forms“" in output
    assert "„b52_wagtail.api“ braucht „rest_framework“" in output


def test_w004_an_smtp_send_without_timeout_could_outlive_the_mail_lease(settings):
    from b52_wagtail.applications.checks import check_mail_timeout_fits_the_lease

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_TIMEOUT = None
    assert [m.id for m in check_mail_timeout_fits_the_lease()] == ["b52_wagtail.W004"]
    settings.EMAIL_TIMEOUT = 600
    assert [m.id for m in check_mail_timeout_fits_the_lease()] == ["b52_wagtail.W004"]
    settings.EMAIL_TIMEOUT = 30
    assert check_mail_timeout_fits_the_lease() == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_TIMEOUT = None
    assert check_mail_timeout_fits_the_lease() == []


def test_w005_atomic_requests_would_show_a_receipt_before_the_commit(settings):
    from django.db import connections

    from b52_wagtail.applications.checks import check_no_atomic_requests

    assert check_no_atomic_requests() == []
    connections["default"].settings_dict["ATOMIC_REQUESTS"] = True
    try:
        assert [m.id for m in check_no_atomic_requests()] == ["b52_wagtail.W005"]
    finally:
        connections["default"].settings_dict["ATOMIC_REQUESTS"] = False
