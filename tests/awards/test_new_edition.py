"""The “new edition” admin action copies a call to next year's draft."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import GroupPagePermission

from b52_wagtail.awards.models import (
    AwardCallDocument,
    AwardCallJuryMember,
    AwardCallPage,
    AwardCallPatron,
    WinnerShowcasePage,
)

from .conftest import berlin, make_call, make_showcase

pytestmark = pytest.mark.django_db


@pytest.fixture
def call_2022(section):
    call = make_call(
        section,
        2022,
        start=berlin(2022, 7, 1),
        deadline=berlin(2022, 11, 30, 23, 59),
        intro="Gemeinden und Städte, die die Gesundheit ihrer Bewohner fördern.",
        body=[("paragraph", "<p>Ausschreibungstext 2022</p>")],
        one_prize_per_district=False,
        applicant_types=["gemeinde", "stadt"],
    )
    document = get_document_model().objects.create(
        title="Flyer 2022", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="flyer.pdf")
    )
    call.patrons = [
        AwardCallPatron(role="Präsident des Städtetags Baden-Württemberg", sort_order=0),
        AwardCallPatron(role="Präsident des Gemeindetags Baden-Württemberg", sort_order=1),
    ]
    call.jury_members = [AwardCallJuryMember(organisation="Landesgesundheitsamt")]
    call.call_documents = [AwardCallDocument(kind="flyer", document=document)]
    call.save_revision().publish()
    return AwardCallPage.objects.get(pk=call.pk)


def action_url(call):
    return reverse("b52_awards_new_edition", args=[call.pk])


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("chef", "c@example.org", "pw")


def editor_with(django_user_model, page, *codenames):
    user = django_user_model.objects.create_user("editor", "e@example.org", "pw")
    group = Group.objects.create(name="Redaktion")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for codename in codenames:
        GroupPagePermission.objects.create(
            group=group,
            page=page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user.groups.add(group)
    return user


def test_new_edition_copies_the_call_as_a_dateless_draft(client, superuser, call_2022):
    client.force_login(superuser)
    edit_html = client.get(reverse("wagtailadmin_pages:edit", args=[call_2022.pk])).content
    assert action_url(call_2022) in edit_html.decode()
    listing = client.get(reverse("wagtailadmin_explore", args=[call_2022.get_parent().pk]))
    assert action_url(call_2022) in listing.content.decode()

    confirm = client.get(action_url(call_2022))
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Ausschreibung 2023 anlegen" in html
    # the editor sees what is carried over; last year's flyer names 2022
    # and starts unticked
    document_row = call_2022.call_documents.get()
    assert "Flyer 2022" in html and "nennt 2022" in html
    assert f'value="{document_row.pk}" checked' not in html
    assert "Landesgesundheitsamt" in html
    assert AwardCallPage.objects.count() == 1  # GET changes nothing

    response = client.post(action_url(call_2022), {"documents": [document_row.pk]}, follow=True)
    new = AwardCallPage.objects.get(edition=2023)
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_pages:edit", args=[new.pk])
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "Die Ausschreibung 2023 wurde als Entwurf angelegt. "
        "Bitte tragen Sie vor dem Veröffentlichen die Bewerbungsfrist ein.",
        "Aus 2022 übernommene Dokumente, bitte vor dem Veröffentlichen prüfen: Flyer",
    ]
    assert new.title == "Ausschreibung 2023"
    assert new.slug == "ausschreibung-2023"
    assert new.get_parent().pk == call_2022.get_parent().pk
    assert new.live is False
    assert new.has_unpublished_changes
    assert new.get_latest_revision() is not None
    assert new.application_start is None and new.deadline is None
    assert new.intro == call_2022.intro
    assert new.body.raw_data[0]["value"] == "<p>Ausschreibungstext 2022</p>"
    assert new.one_prize_per_district is False
    assert new.applicant_types == ["gemeinde", "stadt"]
    assert [p.role for p in new.patrons.all()] == [p.role for p in call_2022.patrons.all()]
    assert [j.organisation for j in new.jury_members.all()] == ["Landesgesundheitsamt"]
    assert [(d.kind, d.document_id) for d in new.call_documents.all()] == [
        (d.kind, d.document_id) for d in call_2022.call_documents.all()
    ]
    # the original is untouched
    call_2022.refresh_from_db()
    assert call_2022.live and call_2022.patrons.count() == 2
    assert call_2022.call_documents.count() == 1
    assert call_2022.deadline == berlin(2022, 11, 30, 23, 59)
    # the public does not see the draft
    assert Client().get("/foerderpreis/ausschreibung-2023/").status_code == 404


def test_unticked_documents_stay_behind(client, superuser, call_2022):
    client.force_login(superuser)
    response = client.post(action_url(call_2022), follow=True)
    new = AwardCallPage.objects.get(edition=2023)
    assert not new.call_documents.exists()
    assert call_2022.call_documents.count() == 1
    assert not any("übernommene Dokumente" in str(m) for m in response.context["messages"])


def test_linked_page_is_copied_and_relinked_generically(
    client, superuser, call_2022, archive, districts
):
    """Any page model with a foreign key to the call (here a showcase stands
    in for the applications app's form page) is copied and pointed to the
    new call; the awards app never imports the applications app."""
    form_page = make_showcase(archive, call_2022, [("A", districts["08117"], "Projekt")])
    form_page.title = "Bewerbung 2022"
    form_page.save_revision().publish()
    call_2022.application_page = form_page
    call_2022.save_revision().publish()

    client.force_login(superuser)
    client.post(action_url(call_2022))
    new = AwardCallPage.objects.get(edition=2023)
    copy = new.application_page.specific
    assert copy.pk != form_page.pk
    assert copy.title == "Bewerbung 2023"
    assert copy.slug == "preistraeger-2023"
    assert copy.call_id == new.pk
    assert copy.live is False
    assert [w.project_title for w in copy.winners.all()] == ["Projekt"]
    assert WinnerShowcasePage.objects.get(pk=form_page.pk).call_id == call_2022.pk


def test_second_new_edition_is_refused(client, superuser, call_2022):
    client.force_login(superuser)
    client.post(action_url(call_2022))
    response = client.post(action_url(call_2022), follow=True)
    assert AwardCallPage.objects.filter(edition=2023).count() == 1
    assert [str(m) for m in response.context["messages"]][-1] == (
        "Es gibt bereits eine Ausschreibung für 2023: „Ausschreibung 2023“."
    )


def test_editor_without_add_permission_is_refused_and_sees_no_button(
    client, django_user_model, call_2022
):
    user = editor_with(django_user_model, call_2022.get_parent(), "change_page")
    client.force_login(user)
    # Wagtail's admin turns PermissionDenied into a redirect with a message
    for response in (client.get(action_url(call_2022)), client.post(action_url(call_2022))):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert not AwardCallPage.objects.filter(edition=2023).exists()
    edit_html = client.get(reverse("wagtailadmin_pages:edit", args=[call_2022.pk])).content
    assert action_url(call_2022) not in edit_html.decode()


def test_editor_with_add_permission_creates_the_edition(client, django_user_model, call_2022):
    user = editor_with(django_user_model, call_2022.get_parent(), "add_page", "change_page")
    client.force_login(user)
    assert client.post(action_url(call_2022)).status_code == 302
    new = AwardCallPage.objects.get(edition=2023)
    assert new.owner == user
    assert new.get_latest_revision().user == user


def test_anonymous_is_sent_to_login_and_post_needs_csrf(superuser, call_2022):
    anonymous = Client()
    response = anonymous.post(action_url(call_2022))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(superuser)
    assert strict.post(action_url(call_2022)).status_code == 403
    assert not AwardCallPage.objects.filter(edition=2023).exists()


def test_action_on_a_page_that_is_not_a_call_is_404(client, superuser, section):
    client.force_login(superuser)
    assert client.get(reverse("b52_awards_new_edition", args=[section.pk])).status_code == 404
    assert client.get(reverse("b52_awards_new_edition", args=[999999])).status_code == 404
    assert client.put(action_url(section)).status_code == 405
