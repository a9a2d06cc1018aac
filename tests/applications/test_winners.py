"""Staff carry the awarded applications of a form into the call's winner
showcase as a draft, in one step: a new draft showcase when there is none,
a new draft revision of the existing one otherwise; never twice, never two
winners in a district when the call forbids it, nothing visible before an
editor publishes."""

import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission, PageLogEntry

from b52_wagtail.applications.models import ApplicationStatus, ApplicationSubmission
from b52_wagtail.awards.models import Winner, WinnerShowcasePage

from .test_permissions import make_group, make_user

pytestmark = pytest.mark.django_db


def application(form_page, district, name, title, status=ApplicationStatus.AWARDED):
    return ApplicationSubmission.objects.create(
        page=form_page,
        call=form_page.call,
        form_data={},
        applicant_type="gemeinde",
        applicant_name=name,
        district=district,
        project_title=title,
        summary=f"Kurzbeschreibung von {title}.",
        contact_name="Anna Muster",
        email="anna@example.org",
        phone="0711 123",
        status=status,
        receipt_number=f"B52-2026-{uuid.uuid4().hex[:6]}",
        idempotency_token=uuid.uuid4(),
    )


@pytest.fixture
def awarded(form_page, districts):
    return [
        application(form_page, districts["Göppingen"], "Gemeinde Salach", "Gesund altern"),
        application(form_page, districts["Ortenaukreis"], "Stadt Lahr", "Bewegte Stadt"),
        application(
            form_page,
            districts["Ulm"],
            "Stadt Ulm",
            "Nicht ausgezeichnet",
            status=ApplicationStatus.NOT_SELECTED,
        ),
    ]


def url(form_page):
    return reverse("b52_applications_admin:winners", args=[form_page.pk])


def test_a_new_draft_showcase_gets_the_awarded_applications(
    admin_client, admin_user, form_page, awarded, archive
):
    page = admin_client.get(url(form_page)).content.decode()
    assert "Gemeinde Salach" in page and "Stadt Lahr" in page
    assert "Nicht ausgezeichnet" not in page
    assert "Preisträger 2026" in page  # the draft it will create

    response = admin_client.post(url(form_page), {"applications": [a.pk for a in awarded[:2]]})

    showcase = WinnerShowcasePage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[showcase.pk])
    assert showcase.get_parent().pk == archive.pk
    assert showcase.call_id == form_page.call_id
    assert not showcase.live  # nothing public before an editor publishes
    winners = {w.municipality: w for w in showcase.get_latest_revision_as_object().winners.all()}
    assert set(winners) == {"Gemeinde Salach", "Stadt Lahr"}
    salach = winners["Gemeinde Salach"]
    assert (salach.project_title, salach.district.name, salach.applicant_type) == (
        "Gesund altern",
        "Göppingen",
        "gemeinde",
    )
    assert salach.description == "Kurzbeschreibung von Gesund altern."
    entry = PageLogEntry.objects.get(page=form_page, action="b52_applications.winners_to_showcase")
    assert entry.user == admin_user
    assert entry.data["count"] == 2
    # The editor's page shows the success message in German.
    follow = admin_client.get(response["Location"])
    assert "2 Preisträger wurden in einen Entwurf" in follow.content.decode()


def test_an_existing_showcase_gets_a_draft_revision_and_no_duplicates(
    admin_client, form_page, awarded, archive, districts
):
    showcase = WinnerShowcasePage(title="Preisträger 2026", slug="2026", call=form_page.call)
    showcase.winners = [
        Winner(
            municipality="Stadt Lahr",
            district=districts["Ortenaukreis"],
            project_title="Bewegte Stadt",
        )
    ]
    archive.add_child(instance=showcase)
    showcase.save_revision().publish()

    response = admin_client.post(url(form_page), {"applications": [a.pk for a in awarded[:2]]})

    assert response.status_code == 302
    showcase.refresh_from_db()
    assert showcase.live and showcase.has_unpublished_changes
    # Visitors still see the published winner only.
    assert list(showcase.winners.values_list("municipality", flat=True)) == ["Stadt Lahr"]
    draft = showcase.get_latest_revision_as_object()
    assert sorted(w.municipality for w in draft.winners.all()) == ["Gemeinde Salach", "Stadt Lahr"]
    # Carried once: a second time adds nothing and says so.
    revisions = showcase.revisions.count()
    again = admin_client.post(url(form_page), {"applications": [a.pk for a in awarded[:2]]})
    assert again.status_code == 200
    assert "bereits auf der Preisträgerseite" in again.content.decode()
    assert showcase.revisions.count() == revisions


def test_carried_winners_follow_the_showcases_own_in_district_order(
    admin_client, form_page, awarded, archive, districts
):
    showcase = WinnerShowcasePage(title="Preisträger 2026", slug="2026", call=form_page.call)
    showcase.winners = [
        Winner(
            sort_order=0,
            municipality="Stadt Ulm",
            district=districts["Ulm"],
            project_title="Schon ausgezeichnet",
        ),
        # Carried before winners got their number.
        Winner(
            sort_order=None,
            municipality="Stadt Biberach",
            district=districts["Biberach"],
            project_title="Ohne Nummer",
        ),
    ]
    archive.add_child(instance=showcase)
    showcase.save_revision().publish()

    admin_client.post(url(form_page), {"applications": [a.pk for a in awarded[:2]]})

    showcase.refresh_from_db()
    draft = showcase.get_latest_revision_as_object()
    order = ["Stadt Ulm", "Stadt Biberach", "Gemeinde Salach", "Stadt Lahr"]
    # The new ones in the winners step's district order: Göppingen, Ortenaukreis.
    assert [(w.sort_order, w.municipality) for w in draft.winners.all()] == list(enumerate(order))
    # Published, visitors see them in that order on every database.
    draft.save_revision().publish()
    assert list(showcase.winners.values_list("municipality", flat=True)) == order
    page = admin_client.get(showcase.url).content.decode()
    positions = [page.index(municipality) for municipality in order]
    assert positions == sorted(positions)


def test_two_winners_in_one_district_are_refused_when_the_call_forbids_it(
    admin_client, form_page, districts, archive
):
    first = application(form_page, districts["Göppingen"], "Gemeinde Salach", "Gesund altern")
    second = application(form_page, districts["Göppingen"], "Stadt Eislingen", "Fit im Alter")
    assert form_page.call.one_prize_per_district

    response = admin_client.post(url(form_page), {"applications": [first.pk, second.pk]})

    assert response.status_code == 200
    assert "höchstens einen Preis pro Stadt- oder Landkreis" in response.content.decode()
    assert "Göppingen" in response.content.decode()
    assert not WinnerShowcasePage.objects.exists()  # nothing half-made


def test_without_awarded_applications_the_page_says_what_to_do(admin_client, form_page):
    page = admin_client.get(url(form_page)).content.decode()
    assert "Noch keine Bewerbung dieses Formulars hat den Status „Ausgezeichnet“" in page
    assert 'name="applications"' not in page


def test_only_staff_who_may_change_applications_and_edit_the_showcase(
    client, django_user_model, form_page, awarded, archive, home
):
    reader = make_user(django_user_model, "reader", make_group("Lesen", "view_all_applications"))
    client.force_login(reader)
    assert client.get(url(form_page)).status_code == 403

    office = make_user(
        django_user_model,
        "office",
        make_group("Geschäftsstelle", "view_all_applications", "change_applicationsubmission"),
    )
    client.force_login(office)
    # May change applications but not add pages below the archive.
    assert client.post(url(form_page), {"applications": [awarded[0].pk]}).status_code == 403
    assert not WinnerShowcasePage.objects.exists()

    editors = Group.objects.get(name="Geschäftsstelle")
    GroupPagePermission.objects.create(
        group=editors, page=home, permission=Permission.objects.get(codename="add_page")
    )
    response = client.post(url(form_page), {"applications": [awarded[0].pk]})
    assert response.status_code == 302
    assert WinnerShowcasePage.objects.get().winners.count() == 1


def test_the_applications_list_links_the_winners_step_for_staff(admin_client, form_page, awarded):
    html = admin_client.get(reverse("wagtailforms:list_submissions", args=[form_page.pk]))
    assert url(form_page) in html.content.decode()
    assert "Preisträger übernehmen" in html.content.decode()


# The winners step for the Geschäftsstelle, open calls, erased applications,
# the showcase's slug. The German texts need the compiled catalogue
# (msgids-winners.json).


def office_without_page_rights(django_user_model):
    return make_user(
        django_user_model,
        "office",
        make_group(
            "Geschäftsstelle",
            "view_all_applications",
            "change_applicationsubmission",
            "delete_applicationsubmission",
        ),
    )


def test_the_winners_button_is_shown_only_to_staff_who_may_use_it(
    client, django_user_model, form_page, awarded, archive, home
):
    office = office_without_page_rights(django_user_model)
    client.force_login(office)
    list_url = reverse("wagtailforms:list_submissions", args=[form_page.pk])

    listing = client.get(list_url)
    assert listing.status_code == 200
    assert url(form_page) not in listing.content.decode()
    # Refused in the admin, in German, saying what is missing.
    refused = client.get(url(form_page))
    assert refused.status_code == 403
    assert "Sie haben keine Berechtigung für diese Seite." in refused.content.decode()
    assert "Preisträgerseite der Ausschreibung zu bearbeiten" in refused.content.decode()

    GroupPagePermission.objects.create(
        group=Group.objects.get(name="Geschäftsstelle"),
        page=archive,
        permission=Permission.objects.get(codename="add_page"),
    )
    assert url(form_page) in client.get(list_url).content.decode()
    assert client.get(url(form_page)).status_code == 200


def test_winners_of_an_open_call_are_carried_with_a_warning(admin_client, form_page, awarded):
    assert form_page.call.accepts_applications()  # the deadline is ahead

    page = admin_client.get(url(form_page)).content.decode()
    assert "Die Ausschreibung läuft noch" in page
    response = admin_client.post(url(form_page), {"applications": [awarded[0].pk]}, follow=True)
    assert response.status_code == 200
    assert WinnerShowcasePage.objects.get().get_latest_revision_as_object().winners.count() == 1
    assert "Die Ausschreibung läuft noch" in response.content.decode()  # on the editor's page


def test_winners_of_a_closed_call_get_no_warning(admin_client, home, districts, archive):
    import datetime

    from django.utils import timezone

    from .utils import make_call, make_form_page

    now = timezone.now()
    call = make_call(
        home,
        2025,
        start=now - datetime.timedelta(days=30),
        deadline=now - datetime.timedelta(days=1),
        slug="ausschreibung-2025",
    )
    closed_form = make_form_page(call, slug="bewerbung-2025")
    application(closed_form, districts["Ulm"], "Stadt Ulm", "Gesund in Ulm")

    page = admin_client.get(url(closed_form)).content.decode()

    assert "Stadt Ulm" in page
    assert "Die Ausschreibung läuft noch" not in page


def test_erased_applications_are_not_offered_as_winners(admin_client, form_page, awarded, archive):
    from django.utils import timezone

    erased = awarded[1]
    erased.applicant_name = erased.project_title = "anonymisiert"
    erased.anonymised_at = timezone.now()
    erased.save()

    page = admin_client.get(url(form_page)).content.decode()
    assert "Gemeinde Salach" in page
    assert "anonymisiert" not in page
    assert f'value="{erased.pk}"' not in page
    # Nor can it be posted.
    response = admin_client.post(url(form_page), {"applications": [erased.pk]})
    assert response.status_code == 200
    assert not WinnerShowcasePage.objects.exists()


def test_the_new_showcase_gets_a_transliterated_slug(admin_client, form_page, awarded, archive):
    admin_client.post(url(form_page), {"applications": [awarded[0].pk]})

    showcase = WinnerShowcasePage.objects.get()
    assert showcase.title == "Preisträger 2026"
    assert showcase.slug == "preistraeger-2026"
