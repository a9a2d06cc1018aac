"""Rough edges an editor met in the German admin: the snippets index, yes/no
columns, German order of names, and slugs of new pages."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import nested_form_data, streamfield

from b52_wagtail.awards.models import AwardIndexPage
from b52_wagtail.models import District, Organisation, german_sort_key

pytestmark = pytest.mark.django_db


def admin_user(django_user_model, *codenames):
    user = django_user_model.objects.create_user("redakteurin", "r@example.org", "pw")
    group = Group.objects.create(name="Redaktion")
    group.permissions.add(*Permission.objects.filter(codename__in=["access_admin", *codenames]))
    user.groups.add(group)
    return user


def test_a_superuser_reaches_the_snippets_index(admin_client):
    response = admin_client.get("/admin/snippets/")
    assert response.status_code == 200
    html = response.content.decode()
    for url_name in (
        "wagtailsnippets_b52_wagtail_organisation:list",
        "wagtailsnippets_b52_wagtail_contact:list",
        "wagtailsnippets_b52_wagtail_district:list",
        "wagtailsnippets_b52_wagtail_programme:list",
    ):
        assert reverse(url_name) in html
    # the B 52 menu group stays
    home = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtailsnippets_b52_wagtail_district:list") in home


def test_the_snippets_index_lists_only_what_an_editor_may_see(client, django_user_model):
    client.force_login(admin_user(django_user_model, "view_district"))
    response = client.get("/admin/snippets/")
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("wagtailsnippets_b52_wagtail_district:list") in html
    assert reverse("wagtailsnippets_b52_wagtail_organisation:list") not in html


def test_an_editor_without_snippet_permissions_is_still_refused(client, django_user_model):
    client.force_login(admin_user(django_user_model))
    response = client.get("/admin/snippets/")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def cells(html, row_text):
    """The text of the <td>s of the listing row that contains ``row_text``."""
    import re

    row = next(r for r in re.findall(r"<tr.*?</tr>", html, re.S) if row_text in r)
    return [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td.*?</td>", row, re.S)
    ]


def test_yes_no_columns_say_ja_and_nein(admin_client):
    Organisation.objects.create(name="AOK Baden-Württemberg", is_member=True)
    Organisation.objects.create(name="Landkreistag", is_member=False)
    html = admin_client.get(reverse("wagtailsnippets_b52_wagtail_organisation:list")).content
    html = html.decode()
    assert cells(html, "AOK Baden-Württemberg")[-1] == "Ja"
    assert cells(html, "Landkreistag")[-1] == "Nein"
    assert ">\n    True\n" not in html and ">\n    False\n" not in html

    districts = admin_client.get(
        reverse("wagtailsnippets_b52_wagtail_district:list") + "?ordering=name"
    ).content.decode()
    stuttgart = cells(districts, "08111")  # Stuttgart
    assert stuttgart[-2] in ("Ja", "Nein")  # has a KGK, before “KGK since”
    assert "True" not in stuttgart and "False" not in stuttgart


def positions(html, *names):
    return [html.index(name) for name in names]


def test_districts_and_organisations_sort_in_german_order(admin_client):
    names = list(District.objects.values_list("name", flat=True))
    assert names == sorted(names, key=german_sort_key)
    assert names.index("Böblingen") < names.index("Breisgau-Hochschwarzwald")

    html = admin_client.get(
        reverse("wagtailsnippets_b52_wagtail_district:list") + "?ordering=name"
    ).content.decode()
    boeblingen, breisgau = positions(html, "Böblingen", "Breisgau-Hochschwarzwald")
    assert boeblingen < breisgau
    html = admin_client.get(
        reverse("wagtailsnippets_b52_wagtail_district:list") + "?ordering=-name"
    ).content.decode()
    boeblingen, breisgau = positions(html, "Böblingen", "Breisgau-Hochschwarzwald")
    assert breisgau < boeblingen

    for name in ("Zahnärztekammer", "Ärztekammer", "Apothekerverband"):
        Organisation.objects.create(name=name)
    html = admin_client.get(reverse("wagtailsnippets_b52_wagtail_organisation:list")).content
    apotheke, aerzte, zahn = positions(
        html.decode(), "Apothekerverband", "Ärztekammer", "Zahnärztekammer"
    )
    assert apotheke < aerzte < zahn


def test_a_new_page_gets_a_transliterated_slug_an_old_one_keeps_its_own(admin_client):
    home = Site.objects.get(is_default_site=True).root_page
    url = reverse("wagtailadmin_pages:add", args=("b52_awards", "awardindexpage", home.pk))
    data = nested_form_data(
        {
            "title": "Gesunde Kommune Förderpreis",
            "slug": "gesunde-kommune-förderpreis-großer-straße",
            "intro": "",
            "body": streamfield([]),
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    page = AwardIndexPage.objects.get()
    assert page.slug == "gesunde-kommune-foerderpreis-grosser-strasse"
    assert page.get_latest_revision().as_object().slug == page.slug

    # a page that already has a slug with umlauts keeps its URL when edited
    Page.objects.filter(pk=page.pk).update(slug="förderpreis", url_path="/home/förderpreis/")
    page.refresh_from_db()
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data["slug"] = "förderpreis"
    response = admin_client.post(edit, data)
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.slug == "förderpreis"


def test_a_transliterated_slug_that_is_taken_gets_a_number(admin_client):
    home = Site.objects.get(is_default_site=True).root_page
    home.add_child(instance=AwardIndexPage(title="Förderpreis", slug="foerderpreis"))
    url = reverse("wagtailadmin_pages:add", args=("b52_awards", "awardindexpage", home.pk))
    data = nested_form_data(
        {"title": "Förderpreis", "slug": "förderpreis", "intro": "", "body": streamfield([])}
    )
    assert admin_client.post(url, data).status_code == 302
    assert sorted(AwardIndexPage.objects.values_list("slug", flat=True)) == [
        "foerderpreis",
        "foerderpreis-2",
    ]
