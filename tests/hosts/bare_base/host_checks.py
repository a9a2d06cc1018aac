"""Run by tests/hosts/test_hosts.py in a subprocess with this host's settings:
every app installed on an English/UTC host whose base.html has nothing but
the blocks "title" and "content"."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from b52_wagtail.conf import b52_settings
from tests.demo_visitor import (
    GERMAN_LABELS,
    JSON_LD_TYPES,
    OPEN_CALL_LABELS,
    PAGE_TYPES,
    STYLESHEET,
    apply,
    apply_successfully,
    german_datetime,
    missing_labels,
    package_container,
    parse,
    text_of,
)

pytestmark = pytest.mark.django_db


def test_the_host_is_english_utc_and_has_no_private_storage_alias():
    assert settings.LANGUAGE_CODE == "en-us" and settings.TIME_ZONE == "UTC"
    assert "b52_private" not in settings.STORAGES
    assert b52_settings.base_template() == "base.html"


def test_migrations_are_complete_for_a_host_with_every_app():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_the_demo_builds_every_page_type(demo):
    assert set(demo) == set(PAGE_TYPES)


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_page_type_answers_in_german_inside_the_package_container(visitor, paths, page_type):
    response = visitor.get(paths[page_type])
    assert response.status_code == 200
    document = parse(response)
    assert document.html["lang"] == "en"  # the host's own language stays
    container = package_container(document)
    assert container["lang"] == "de"
    assert missing_labels(container, GERMAN_LABELS[page_type]) == [], paths[page_type]


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_the_stylesheet_and_structured_data_are_inside_the_container(visitor, paths, page_type):
    document = parse(visitor.get(paths[page_type]))
    container = package_container(document)
    assert len(container.select(STYLESHEET)) == 1
    if page_type in JSON_LD_TYPES:
        assert container.select('script[type="application/ld+json"]')
    # The base has no extra_js either: every script is in the container.
    assert all(script.find_parent(class_="b52-page") for script in document.select("script"))


def test_deadlines_are_shown_in_berlin_time(visitor, paths):
    from b52_wagtail.awards.models import AwardCallPage

    call = AwardCallPage.objects.get(url_path__endswith=paths["AwardCallPage"])
    for page_type in ("AwardCallPage", "ApplicationFormPage"):
        text = text_of(package_container(parse(visitor.get(paths[page_type]))))
        assert f"Bewerbungsschluss: {german_datetime(call.deadline)}" in text, page_type


def test_the_open_call_invites_to_apply(visitor, paths):
    container = package_container(parse(visitor.get(paths["AwardCallPage"])))
    assert missing_labels(container, OPEN_CALL_LABELS) == []


def test_the_honeypot_is_hidden_by_markup_and_out_of_the_tab_order(visitor, paths):
    form = parse(visitor.get(paths["ApplicationFormPage"])).select_one("form")
    trap = form.select_one('input[name="b52_homepage"]')
    wrapper = trap.find_parent("div", class_="b52-application__hp")
    assert wrapper is not None
    assert wrapper.has_attr("hidden")
    assert wrapper["aria-hidden"] == "true"
    assert "display:none" in wrapper["style"].replace(" ", "")
    assert trap["tabindex"] == "-1"


def test_a_valid_application_is_stored_with_its_receipt_number(visitor, paths):
    response, submission = apply_successfully(visitor, paths["ApplicationFormPage"])
    assert submission.project_title == "Gesund altern in Salach"
    assert "Vielen Dank für Ihre Bewerbung" in text_of(package_container(parse(response)))


def test_attachments_go_to_the_private_folder_beside_media_root(visitor, paths):
    from b52_wagtail.applications.models import Attachment

    apply(visitor, paths["ApplicationFormPage"])
    stored = Path(Attachment.objects.latest("pk").file.path).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    assert stored.is_relative_to(media_root.parent / "b52_private")
    assert not stored.is_relative_to(media_root)


def test_check_warns_about_the_missing_extra_head_and_finds_no_error():
    warnings = io.StringIO()
    call_command("check", fail_level="ERROR", stdout=io.StringIO(), stderr=warnings)
    assert "b52_wagtail.W001" in warnings.getvalue()
