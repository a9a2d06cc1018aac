"""Editors create and publish an application form in the admin; a visitor
then sees and uses it."""

import html

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from b52_wagtail.applications.models import ApplicationFormPage, ApplicationSubmission
from b52_wagtail.applications.models.page import NO_RECIPIENT, TO_ADDRESS_HELP
from b52_wagtail.models import B52Settings

from .test_form import submit
from .utils import valid_data

pytestmark = pytest.mark.django_db


def page_form(award_call, **overrides):
    data = {
        "title": "Bewerbung 2026",
        "slug": "bewerbung",
        "call": award_call.pk,
        "intro": rich_text("<p>Bewerben Sie sich jetzt.</p>"),
        "thank_you_text": rich_text("<p>Danke!</p>"),
        "to_address": "office@example.org",
        "from_address": "",
        "subject": "",
        "form_fields": inline_formset(
            [
                {
                    "label": "Anzahl der beteiligten Akteure",
                    "field_type": "number",
                    "required": "",
                    "help_text": "",
                    "choices": "",
                    "default_value": "",
                }
            ]
        ),
        "action-publish": "publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def add_url(parent):
    return reverse(
        "wagtailadmin_pages:add", args=("b52_applications", "applicationformpage", parent.pk)
    )


def test_an_editor_creates_and_publishes_the_form_and_a_visitor_applies(
    client, admin_client, call, district
):
    response = admin_client.post(add_url(call), page_form(call))
    assert response.status_code == 302, response.context["form"].errors
    page = ApplicationFormPage.objects.get()
    assert page.live and page.call_id == call.pk
    assert [field.clean_name for field in page.form_fields.all()] == [
        "anzahl_der_beteiligten_akteure"
    ]
    assert client.get(page.url).status_code == 200
    submit(client, page, valid_data(district, anzahl_der_beteiligten_akteure="7"))
    assert ApplicationSubmission.objects.get().form_data == {"anzahl_der_beteiligten_akteure": "7"}


def test_an_editor_field_may_not_reuse_a_fixed_field_name(admin_client, call):
    data = page_form(call)
    data["form_fields-0-label"] = "Email"
    response = admin_client.post(add_url(call), data)
    assert response.status_code == 200
    assert not ApplicationFormPage.objects.exists()
    assert "Diese Bezeichnung verwendet bereits ein festes Feld" in response.content.decode()


def test_a_form_needs_a_call(admin_client, call):
    response = admin_client.post(add_url(call), page_form(call, call=""))
    assert response.status_code == 200
    assert not ApplicationFormPage.objects.exists()


def test_the_form_can_live_anywhere_in_the_tree(home, call):
    assert ApplicationFormPage.can_create_at(home)
    assert ApplicationFormPage.can_create_at(call)
    assert ApplicationFormPage.allowed_subpage_models() == []


def test_the_form_page_previews_both_modes(form_page):
    form = form_page.make_preview_request(preview_mode="form")
    assert form.status_code == 200
    assert "Bewerbung absenden" in form.rendered_content
    landing = form_page.make_preview_request(preview_mode="landing")
    assert landing.status_code == 200
    assert "Vielen Dank für Ihre Bewerbung" in landing.rendered_content


def test_a_draft_form_is_not_served(client, form_page):
    form_page.unpublish()
    assert client.get(form_page.url or "/ausschreibung-2026/bewerbung/").status_code == 404


def warnings_of(response):
    """The warnings this request added (not those of earlier ones)."""
    queued = get_messages(response.wsgi_request)._queued_messages
    return [str(m.message).strip() for m in queued if m.level_tag == "warning"]


def test_saving_a_form_that_notifies_nobody_warns_the_editor(admin_client, call):
    """Neither the form's “An-Adresse” nor the B 52 settings name an address:
    saving says so (new applications would notify nobody)."""
    site_settings = B52Settings.for_site(Site.objects.get(is_default_site=True))
    assert not site_settings.office_email
    editor = admin_client.get(add_url(call)).content.decode()
    assert html.escape(str(TO_ADDRESS_HELP)) in editor
    response = admin_client.post(add_url(call), page_form(call, to_address=""))
    assert response.status_code == 302
    assert warnings_of(response) == [str(NO_RECIPIENT)]
    page = ApplicationFormPage.objects.get()
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    # A draft saved as well.
    response = admin_client.post(edit_url, page_form(call, to_address="", **{"action-publish": ""}))
    assert response.status_code == 302
    assert warnings_of(response) == [str(NO_RECIPIENT)]
    # The form's own address, or the Geschäftsstelle's in the settings: no warning.
    response = admin_client.post(edit_url, page_form(call))
    assert response.status_code == 302 and warnings_of(response) == []
    site_settings.office_email = "geschaeftsstelle@example.org"
    site_settings.save()
    response = admin_client.post(edit_url, page_form(call, to_address=""))
    assert response.status_code == 302 and warnings_of(response) == []
