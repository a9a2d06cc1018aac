"""An editor builds the cooperation page and a field through the Wagtail admin."""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from b52_wagtail.cooperation.models import (
    CooperationFieldPage,
    CooperationIndexPage,
    CooperationResponsibility,
)
from b52_wagtail.models import District, OrganisationKind

from .conftest import TEAMWORK_KEYS, make_contact, make_organisation, make_programme, publish

pytestmark = pytest.mark.django_db


def add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, parent.pk)
    )


def index_form_data(**overrides):
    data = {
        "title": "B 52-Verbändekooperation Baden-Württemberg",
        "slug": "kooperation",
        "intro": "Gemeinsam für die Gesundheit in Baden-Württemberg.",
        "body": streamfield(
            [
                (
                    "paragraph",
                    rich_text("<p>Die Betriebskrankenkassen, die Innungskrankenkasse …</p>"),
                )
            ]
        ),
        "action-publish": "action-publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def field_form_data(*, programme, lead, districts, contact, related, organisations, **overrides):
    data = {
        "title": "Kommunale Gesundheitskonferenzen",
        "slug": "kgk",
        "teaser": "Die Kooperation wirkt bei den Kommunalen Gesundheitskonferenzen mit.",
        "body": streamfield(
            [
                ("heading", {"text": "teamw()rk", "level": "h2"}),
                ("paragraph", rich_text("<p>Ab Januar 2026 beginnt eine neue Förderphase.</p>")),
                ("district_overview", {"heading": "", "district": districts[0].pk}),
            ]
        ),
        "programme_links": inline_formset([{"programme": programme.pk}]),
        "responsibilities": inline_formset(
            [
                {
                    "programme": programme.pk,
                    "organisation": lead.pk,
                    "note": "",
                }
            ]
        ),
        "funding_phases": inline_formset(
            [
                {
                    "title": "Neue Förderphase",
                    "programme": programme.pk,
                    "start_date": "2026-01-01",
                    "end_date": "",
                    "note": "",
                }
            ]
        ),
        "contact_links": inline_formset([{"contact": contact.pk}]),
        "related_pages": inline_formset([{"related_page": related.pk}]),
        "action-publish": "action-publish",
    }
    data.update(overrides)
    data = nested_form_data(data)
    # Multiple-choice values go in as lists (nested_form_data would number them).
    data["organisations"] = [org.pk for org in organisations]
    data["responsibilities-0-districts"] = [district.pk for district in districts]
    return data


@pytest.fixture
def field_inputs(home):
    vdek = make_organisation(OrganisationKind.ASSOCIATION, name="vdek", logo=False)
    return {
        "programme": make_programme(name="teamw()rk für Gesundheit und Arbeit"),
        "lead": vdek,
        "districts": list(District.objects.filter(key__in=TEAMWORK_KEYS).order_by("key")),
        "contact": make_contact(name="Frank Winkler", organisation=vdek),
        "related": publish(home, Page(title="Förderpreis", slug="foerderpreis")),
        "organisations": [vdek, make_organisation(OrganisationKind.IKK, name="IKK classic")],
    }


def test_editor_builds_the_cooperation_page_and_a_field(admin_client, home, field_inputs):
    response = admin_client.get(add_url(CooperationIndexPage, home))
    assert response.status_code == 200

    response = admin_client.post(add_url(CooperationIndexPage, home), index_form_data())
    assert response.status_code == 302
    index = CooperationIndexPage.objects.get(slug="kooperation")
    assert index.live
    assert index.intro == "Gemeinsam für die Gesundheit in Baden-Württemberg."

    response = admin_client.get(add_url(CooperationFieldPage, index))
    assert response.status_code == 200
    assert "Federführung" in response.content.decode()

    response = admin_client.post(
        add_url(CooperationFieldPage, index), field_form_data(**field_inputs)
    )
    assert response.status_code == 302, response.context["form"].errors
    field = CooperationFieldPage.objects.get(slug="kgk")
    assert field.live and field.get_parent().pk == index.pk
    row = field.responsibilities.get()
    assert row.organisation.short_name == field_inputs["lead"].short_name
    assert sorted(row.districts.values_list("key", flat=True)) == sorted(TEAMWORK_KEYS)
    phase = field.funding_phases.get()
    assert phase.start_date == datetime.date(2026, 1, 1) and phase.end_date is None
    assert [link.programme for link in field.programme_links.all()] == [field_inputs["programme"]]
    assert field.contact_links.get().contact.name == "Frank Winkler"
    assert field.related_pages.get().related_page.title == "Förderpreis"
    assert set(field.organisations.all()) == set(field_inputs["organisations"])

    # A visitor sees what the editor published.
    client = admin_client.__class__()
    html = client.get(index.url).content.decode()
    assert "Kommunale Gesundheitskonferenzen" in html
    html = client.get(field.url).content.decode()
    assert "ab 1. Januar 2026" in html
    assert "Landkreis Biberach" in html
    assert "Förderpreis" in html
    # the district overview block in the body
    assert (
        "Stuttgart (Stadtkreis) hat seit dem 1. Januar 2016 eine Kommunale Gesundheitskonferenz"
        in (html)
    )


def test_editor_gets_field_errors_for_a_phase_ending_before_it_starts(
    admin_client, index, field_inputs
):
    data = field_form_data(**field_inputs)
    data["funding_phases-0-end_date"] = "2025-12-31"
    response = admin_client.post(add_url(CooperationFieldPage, index), data)
    assert response.status_code == 200
    assert "Das Ende liegt vor dem Beginn." in response.content.decode()
    assert not CooperationFieldPage.objects.exists()


def test_editor_must_choose_districts_for_a_lead_responsibility(admin_client, index, field_inputs):
    data = field_form_data(**field_inputs)
    del data["responsibilities-0-districts"]
    response = admin_client.post(add_url(CooperationFieldPage, index), data)
    assert response.status_code == 200
    assert not CooperationFieldPage.objects.exists()
    assert not CooperationResponsibility.objects.exists()


def test_editor_edits_a_draft_without_changing_the_live_table(admin_client, client, kgk_field):
    """Draft changes stay in the revision; visitors keep the published rows."""
    url = reverse("wagtailadmin_pages:edit", args=[kgk_field.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    for formset in form.formsets.values():
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for subform in formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                if value is not None:
                    data[subform.add_prefix(name)] = value
    data["body"] = streamfield([])
    data = nested_form_data(data)
    data["responsibilities-0-DELETE"] = "1"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    kgk_field.refresh_from_db()
    assert kgk_field.has_unpublished_changes
    assert CooperationResponsibility.objects.filter(page=kgk_field).count() == 1
    assert "Landkreis Biberach" in client.get(kgk_field.url).content.decode()


class TestPageTypes(WagtailPageTestCase):
    """Wagtail's own page assertions for both page types."""

    @classmethod
    def setUpTestData(cls):
        cls.home = Site.objects.get(is_default_site=True).root_page
        cls.index = publish(cls.home, CooperationIndexPage(title="Kooperation", slug="koop"))
        cls.field = publish(cls.index, CooperationFieldPage(title="Selbsthilfe", slug="shg"))
        vdek = make_organisation(OrganisationKind.ASSOCIATION, name="vdek", logo=False)
        cls.inputs = {
            "programme": make_programme(name="teamw()rk für Gesundheit und Arbeit"),
            "lead": vdek,
            "districts": list(District.objects.filter(key__in=TEAMWORK_KEYS)),
            "contact": make_contact(name="Frank Winkler", organisation=vdek),
            "related": cls.index,
            "organisations": [vdek],
        }

    def setUp(self):
        self.login()

    def test_page_types_can_live_anywhere(self):
        self.assertCanCreateAt(Page, CooperationIndexPage)
        self.assertCanCreateAt(Page, CooperationFieldPage)
        self.assertCanCreateAt(CooperationIndexPage, CooperationFieldPage)

    def test_can_create_a_field_below_the_cooperation_page(self):
        self.assertCanCreate(
            self.index,
            CooperationFieldPage,
            field_form_data(**self.inputs, slug="kgk-2"),
        )

    def test_pages_are_routable_and_renderable(self):
        for page in (self.index, self.field):
            self.assertPageIsRoutable(page)
            self.assertPageIsRenderable(page)
            for route in ("kreis/", "kreis/08426/"):
                self.assertPageIsRoutable(page, route)
                self.assertPageIsRenderable(page, route)

    def test_pages_are_editable_and_previewable_with_all_their_rows(self):
        index_data = index_form_data(slug="koop")
        self.assertPageIsEditable(self.index, index_data)
        self.assertPageIsPreviewable(self.index, post_data=index_data)
        field_data = field_form_data(**self.inputs, slug="shg")
        self.assertPageIsEditable(self.field, field_data)
        self.assertPageIsPreviewable(self.field, post_data=field_data)

    def test_preview_shows_unsaved_rows(self):
        """The preview renders the inline rows from the form, not the database."""
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[self.field.pk])
        response = self.client.post(url, field_form_data(**self.inputs, slug="shg"))
        assert response.json()["is_valid"]
        html = self.client.get(url).content.decode()
        assert "Frank Winkler" in html
        assert "ab 1. Januar 2026" in html
        assert (
            '<th scope="row" data-label="Programm">teamw()rk für Gesundheit und Arbeit</th>' in html
        )
        assert 'href="/koop/shg/kreis/08426/">Landkreis Biberach</a>' in html
        assert not self.field.responsibilities.exists()
