"""Page choosers open where the editor needs them, not at Wagtail's root: a
call's application-page chooser at the call (where its form usually lives),
the call chooser of a form or a showcase among the calls."""

import json
import re

import pytest
from django.urls import reverse

from b52_wagtail.applications.models import ApplicationFormPage

from .conftest import make_call

pytestmark = pytest.mark.django_db


def chooser_options(html, field):
    match = re.search(rf'new PageChooser\("id_{field}", (\{{.*?\}})\);', html)
    assert match, f"no page chooser for {field}"
    return json.loads(match.group(1))


def test_the_form_chooser_opens_at_the_call_being_edited(client, editor, section):
    call = make_call(section, 2026)
    form = ApplicationFormPage(title="Bewerbung 2026", slug="bewerbung", call=call)
    call.add_child(instance=form)

    html = client.get(reverse("wagtailadmin_pages:edit", args=[call.pk])).content.decode()
    assert chooser_options(html, "application_page")["parentId"] == call.pk
    # what the editor then sees in the chooser: the form, one click away
    modal = client.get(reverse("wagtailadmin_choose_page_child", args=[call.pk]))
    assert "Bewerbung 2026" in modal.json()["html"]


def test_on_a_new_call_it_opens_where_the_call_is_created(client, editor, section):
    url = reverse("wagtailadmin_pages:add", args=("b52_awards", "awardcallpage", section.pk))
    html = client.get(url).content.decode()
    assert chooser_options(html, "application_page")["parentId"] == section.pk


def test_a_chosen_form_keeps_wagtails_own_start(client, editor, section, home):
    call = make_call(section, 2026)
    form = ApplicationFormPage(title="Bewerbung 2026", slug="bewerbung-2026", call=call)
    home.add_child(instance=form)
    call.application_page = form
    call.save_revision().publish()
    html = client.get(reverse("wagtailadmin_pages:edit", args=[call.pk])).content.decode()
    assert chooser_options(html, "application_page")["parentId"] == home.pk


def test_a_new_form_below_its_call_opens_its_call_chooser_among_the_calls(client, editor, section):
    call = make_call(section, 2026)
    url = reverse(
        "wagtailadmin_pages:add", args=("b52_applications", "applicationformpage", call.pk)
    )
    html = client.get(url).content.decode()
    assert chooser_options(html, "call")["parentId"] == section.pk
    modal = client.get(reverse("wagtailadmin_choose_page_child", args=[section.pk]))
    assert "Ausschreibung 2026" in modal.json()["html"]


def test_a_new_showcase_in_the_archive_opens_its_call_chooser_among_the_calls(
    client, editor, section
):
    from b52_wagtail.awards.models import WinnerArchivePage

    archive = WinnerArchivePage(title="Preisträger", slug="preistraeger")
    section.add_child(instance=archive)
    url = reverse("wagtailadmin_pages:add", args=("b52_awards", "winnershowcasepage", archive.pk))
    html = client.get(url).content.decode()
    assert chooser_options(html, "call")["parentId"] == section.pk
