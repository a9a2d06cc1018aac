"""Editors create calls and showcases through Wagtail's admin views."""

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from b52_wagtail.awards.models import AwardCallPage, WinnerShowcasePage

from .conftest import berlin, make_call, make_showcase

pytestmark = pytest.mark.django_db

DUPLICATE_MESSAGE = (
    "Diese Ausschreibung vergibt höchstens einen Preis je Stadt- oder Landkreis: "
    "Landkreis Heilbronn hat bereits einen Preisträger."
)


def add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, parent.pk)
    )


def call_post_data(document, **overrides):
    data = {
        "title": "Ausschreibung B 52-Förderpreis 2023",
        "slug": "ausschreibung-2023",
        "award_name": "B 52-Förderpreis „Gesunde Kommune“",
        "edition": "2023",
        "intro": "Gemeinden und Städte, die die Gesundheit ihrer Bewohner fördern.",
        "application_start": "2023-07-01 00:00",
        "deadline": "2023-11-30 23:59",
        "application_page": "",
        "prize_money": "5200",
        "one_prize_per_district": "on",
        "applicant_types": ["gemeinde", "stadt", "stadtteil"],
        "requires_kgk": "on",
        "body": streamfield([("paragraph", rich_text("<p>Ausschreibungstext</p>"))]),
        "call_documents": inline_formset(
            [{"kind": "ausschreibung", "document": str(document.pk), "title": ""}]
        ),
        "patrons": inline_formset(
            [
                {"name": "", "role": "Präsident des Städtetags Baden-Württemberg"},
                {"name": "", "role": "Präsident des Gemeindetags Baden-Württemberg"},
            ]
        ),
        "jury_members": inline_formset(
            [{"name": "", "organisation": "Landesgesundheitsamt Baden-Württemberg"}]
        ),
        "contact": "",
        "action-publish": "publish",
    }
    data.update(overrides)
    applicant_types = data.pop("applicant_types")
    data = nested_form_data(data)
    data["applicant_types"] = applicant_types
    return data


def test_editor_creates_and_publishes_a_call_through_the_admin(client, editor, section, document):
    response = client.get(add_url(AwardCallPage, section))
    assert response.status_code == 200
    response = client.post(add_url(AwardCallPage, section), call_post_data(document))
    assert response.status_code == 302, response.context["form"].errors
    call = AwardCallPage.objects.get(slug="ausschreibung-2023")
    assert call.live
    assert call.edition == 2023
    assert call.prize_money == Decimal("5200")
    assert call.applicant_types == ["gemeinde", "stadt", "stadtteil"]
    assert call.admits_applicant_type("stadt")
    assert not call.admits_applicant_type("arbeitsgemeinschaft")
    # entered in Berlin time, stored aware
    assert call.deadline == berlin(2023, 11, 30, 23, 59)
    assert call.application_start == berlin(2023, 7, 1, 0, 0)
    assert [p.role for p in call.patrons.all()] == [
        "Präsident des Städtetags Baden-Württemberg",
        "Präsident des Gemeindetags Baden-Württemberg",
    ]
    assert call.call_documents.get().display_title == "Ausschreibungstext"
    html = client.get(call.url).content.decode()
    assert "5.200 € je Preisträger" in html
    assert "30. November 2023, 23:59 Uhr" in html
    assert "Präsident des Städtetags Baden-Württemberg" in html


def test_publishing_a_call_needs_its_dates_but_a_draft_does_not(client, editor, section, document):
    data = call_post_data(document, application_start="", deadline="")
    response = client.post(add_url(AwardCallPage, section), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["deadline"] == ["Zum Veröffentlichen der Ausschreibung erforderlich."]
    assert not AwardCallPage.objects.exists()

    data = call_post_data(document, application_start="", deadline="")
    del data["action-publish"]
    response = client.post(add_url(AwardCallPage, section), data)
    assert response.status_code == 302
    assert AwardCallPage.objects.get().live is False


def test_deadline_before_start_is_refused(client, editor, section, document):
    data = call_post_data(document, deadline="2023-06-30 23:59")
    response = client.post(add_url(AwardCallPage, section), data)
    assert response.status_code == 200
    assert response.context["form"].errors["deadline"] == [
        "Der Bewerbungsschluss muss nach dem Beginn der Bewerbungsfrist liegen."
    ]


def test_unknown_applicant_type_is_refused(client, editor, section, document):
    data = call_post_data(document, applicant_types=["gemeinde", "landkreis"])
    response = client.post(add_url(AwardCallPage, section), data)
    assert response.status_code == 200
    assert "applicant_types" in response.context["form"].errors
    assert not AwardCallPage.objects.exists()


def showcase_post_data(call, winners, initial=0, **overrides):
    data = {
        "title": f"Die Preisträger {call.edition}",
        "slug": f"preistraeger-{call.edition}",
        "call": str(call.pk),
        "ceremony_date": "2024-02-20",
        "ceremony_place": "Stuttgart",
        "intro": "Vier Kommunen wurden ausgezeichnet.",
        "body": streamfield([]),
        "winners": inline_formset(
            [
                {
                    "municipality": municipality,
                    "applicant_type": "stadt",
                    "district": str(district.pk),
                    "project_title": title,
                    "description": "",
                    "image": "",
                    "image_alt": "",
                    "link": "",
                    "prize_amount": "",
                }
                | ({"id": str(pk)} if pk else {})
                for municipality, district, title, *rest in winners
                for pk in [rest[0] if rest else None]
            ],
            initial=initial,
            min=1,
        ),
        "action-publish": "publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def two_in_heilbronn(districts):
    return [
        ("Stadt Bad Wimpfen", districts["08125"], "Lotsenpunkt für Alltagshilfen"),
        ("Stadt Lauffen am Neckar", districts["08125"], "Agenda Jugend"),
    ]


def test_editor_creates_a_showcase_through_the_admin(client, editor, section, archive, districts):
    call = make_call(section, 2017, start=berlin(2017, 5, 2), deadline=berlin(2017, 10, 13, 23, 59))
    winners = [
        ("Gemeinde Salach", districts["08117"], "Gesund altern in Salach"),
        ("Stadt Karlsruhe", districts["08212"], "Runter vom Sofa"),
    ]
    response = client.post(add_url(WinnerShowcasePage, archive), showcase_post_data(call, winners))
    assert response.status_code == 302, response.context["form"].errors
    showcase = WinnerShowcasePage.objects.get()
    assert showcase.live
    assert [w.municipality for w in showcase.winners.all()] == [
        "Gemeinde Salach",
        "Stadt Karlsruhe",
    ]
    # an empty prize amount shows the call's prize money
    html = client.get(showcase.url).content.decode()
    assert "Gesund altern in Salach" in html
    assert "Preisgeld: 5.200 €" in html
    assert "20. Februar 2024" in html


def test_two_winners_in_one_district_are_refused_when_the_call_says_so(
    client, editor, section, archive, districts
):
    call = make_call(section, 2019, start=berlin(2019, 5, 2), deadline=berlin(2019, 10, 18, 23, 59))
    assert call.one_prize_per_district
    response = client.post(
        add_url(WinnerShowcasePage, archive), showcase_post_data(call, two_in_heilbronn(districts))
    )
    assert response.status_code == 200
    assert not WinnerShowcasePage.objects.exists()
    winner_forms = response.context["form"].formsets["winners"].forms
    assert winner_forms[0].errors == {}
    assert winner_forms[1].errors["district"] == [DUPLICATE_MESSAGE]
    html = response.content.decode()
    assert DUPLICATE_MESSAGE in html


def test_two_winners_in_one_district_are_allowed_when_the_call_allows_it(
    client, editor, section, archive, districts
):
    call = make_call(
        section,
        2017,
        start=berlin(2017, 5, 2),
        deadline=berlin(2017, 10, 13, 23, 59),
        one_prize_per_district=False,
    )
    response = client.post(
        add_url(WinnerShowcasePage, archive), showcase_post_data(call, two_in_heilbronn(districts))
    )
    assert response.status_code == 302
    assert WinnerShowcasePage.objects.get().winners.count() == 2


def test_duplicate_district_is_refused_in_the_edit_view_too(
    client, editor, section, archive, districts
):
    call = make_call(section, 2019, start=berlin(2019, 5, 2), deadline=berlin(2019, 10, 18, 23, 59))
    showcase = make_showcase(archive, call, [("Stadt Bad Wimpfen", districts["08125"], "Lotsen")])
    existing = showcase.winners.get()
    edit_url = reverse("wagtailadmin_pages:edit", args=[showcase.pk])
    assert client.get(edit_url).status_code == 200
    winners = [
        ("Stadt Bad Wimpfen", districts["08125"], "Lotsenpunkt für Alltagshilfen", existing.pk),
        ("Stadt Lauffen am Neckar", districts["08125"], "Agenda Jugend"),
    ]
    data = showcase_post_data(call, winners, initial=1, slug=showcase.slug)
    response = client.post(edit_url, data)
    assert response.status_code == 200
    assert DUPLICATE_MESSAGE in response.content.decode()
    assert WinnerShowcasePage.objects.get().winners.get().project_title == "Lotsen"
    # deleting the first duplicate makes the form valid
    data["winners-0-DELETE"] = "1"
    response = client.post(edit_url, data)
    assert response.status_code == 302
    assert [w.municipality for w in WinnerShowcasePage.objects.get().winners.all()] == [
        "Stadt Lauffen am Neckar"
    ]
    # switching the rule off on the call lets the editor save two in one district
    call.one_prize_per_district = False
    call.save_revision().publish()
    kept = WinnerShowcasePage.objects.get().winners.get()
    winners = [
        ("Stadt Lauffen am Neckar", districts["08125"], "Agenda Jugend", kept.pk),
        ("Stadt Bad Wimpfen", districts["08125"], "Lotsenpunkt für Alltagshilfen"),
    ]
    response = client.post(
        edit_url, showcase_post_data(call, winners, initial=1, slug=showcase.slug)
    )
    assert response.status_code == 302
    assert WinnerShowcasePage.objects.get().winners.count() == 2


def test_image_without_alt_text_is_refused(client, editor, section, archive, districts):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    image = get_image_model().objects.create(title="Foto", file=get_test_image_file())
    call = make_call(section, 2019, start=berlin(2019, 5, 2), deadline=berlin(2019, 10, 18, 23, 59))
    data = showcase_post_data(call, [("Gemeinde Salach", districts["08117"], "Gesund altern")])
    data["winners-0-image"] = str(image.pk)
    response = client.post(add_url(WinnerShowcasePage, archive), data)
    assert response.status_code == 200
    assert response.context["form"].formsets["winners"].forms[0].errors["image_alt"] == [
        "Bitte beschreiben Sie das Bild für Screenreader."
    ]


def test_page_types_can_be_created_anywhere_and_showcases_under_the_archive(home, archive):
    assert AwardCallPage.can_create_at(home)
    assert WinnerShowcasePage.can_create_at(archive)
    assert [m.__name__ for m in archive.specific_class.allowed_subpage_models()] == [
        "WinnerShowcasePage"
    ]
    assert isinstance(Page.objects.get(pk=archive.pk).specific, type(archive))


def test_district_with_a_winner_cannot_be_deleted_in_the_admin(
    client, editor, section, archive, districts
):
    call = make_call(section, 2019, start=berlin(2019, 5, 2), deadline=berlin(2019, 10, 18, 23, 59))
    make_showcase(archive, call, [("Gemeinde Salach", districts["08117"], "Gesund altern")])
    url = reverse("wagtailsnippets_b52_wagtail_district:delete", args=[districts["08117"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code in (200, 302, 403)
    assert districts["08117"].__class__.objects.filter(pk=districts["08117"].pk).exists()


def test_deleting_a_call_keeps_its_showcase(client, editor, section, archive, districts):
    call = make_call(section, 2019, start=berlin(2019, 5, 2), deadline=berlin(2019, 10, 18, 23, 59))
    showcase = make_showcase(archive, call, [("Gemeinde Salach", districts["08117"], "G")])
    response = client.post(reverse("wagtailadmin_pages:delete", args=[call.pk]))
    assert response.status_code == 302
    showcase = WinnerShowcasePage.objects.get(pk=showcase.pk)
    assert showcase.call_id is None
    assert client.get(showcase.url).status_code == 200
    assert client.get(archive.url).status_code == 200
