"""Headless preview: the draft of a page goes only to the holder of a
fresh token for that page and revision (b52_wagtail/api/preview.py)."""

import datetime
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from b52_wagtail.api.preview import make_token

pytestmark = pytest.mark.django_db

FRONT_END = "https://next.gemeinde.example/api/preview"


@pytest.fixture
def headless(settings):
    settings.B52_HEADLESS_PREVIEW_URL = FRONT_END


def start(client, page):
    return client.get(reverse("b52_headless_preview", args=[page.pk]))


def token_of(response):
    assert response.status_code == 302, response.status_code
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == FRONT_END
    query = parse_qs(location.query)
    return query


def preview(client, token, **extra):
    return client.get(reverse("b52_api_preview:page"), {"token": token}, **extra)


def draft(page, title):
    page = page.specific
    page.title = title
    return page.save_revision()


def test_an_editor_previews_the_draft_in_the_front_end(admin_client, call, headless):
    draft(call, "Ausschreibung 2026 – Entwurf")
    query = token_of(start(admin_client, call))
    assert query["content_type"] == ["b52_awards.AwardCallPage"]
    assert query["page_id"] == [str(call.pk)]
    # The front end (no session, another origin) reads the draft with the token.
    response = preview(Client(), query["token"][0])
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == call.pk
    assert data["title"] == "Ausschreibung 2026 – Entwurf"
    assert data["meta"]["type"] == "b52_awards.AwardCallPage"
    assert data["meta"]["preview"] is True
    assert data["meta"]["revision_id"] == call.get_latest_revision().pk
    assert data["edition"] == 2026
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # A browser on the front end's origin may read it, another origin may not.
    front_end = preview(Client(), query["token"][0], HTTP_ORIGIN="https://next.gemeinde.example")
    assert front_end["Access-Control-Allow-Origin"] == "https://next.gemeinde.example"
    other = preview(Client(), query["token"][0], HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    assert "Origin" in other["Vary"]
    # The public API still shows the live page.
    live = Client().get(f"/b52/api/v2/pages/{call.pk}/").json()
    assert live["title"] == "Ausschreibung 2026"
    # The answer has the documented shape.
    document = Client().get("/b52/api/openapi.json").json()
    jsonschema.Draft202012Validator(
        {"$ref": "#/components/schemas/b52_awards.AwardCallPage", **document}
    ).validate(data)


def test_a_token_shows_its_revision_not_later_ones(admin_client, call, headless):
    draft(call, "Erster Entwurf")
    token = token_of(start(admin_client, call))["token"][0]
    draft(call, "Zweiter Entwurf")
    assert preview(Client(), token).json()["title"] == "Erster Entwurf"


def test_an_expired_token_is_refused(admin_client, call, headless, settings):
    draft(call, "Geheimer Entwurf")
    token = token_of(start(admin_client, call))["token"][0]
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=11)
    with time_machine.travel(later):
        response = preview(Client(), token)
    assert response.status_code == 403
    assert "Geheimer Entwurf" not in response.content.decode()
    settings.B52_HEADLESS_PREVIEW_MAX_AGE = 60 * 60
    with time_machine.travel(later):
        assert preview(Client(), token).status_code == 200
    assert response.json() == {"detail": "Dieser Vorschau-Link ist ungültig oder abgelaufen."}


def test_a_token_for_another_page_or_a_forged_token_is_refused(call, form_page, headless):
    revision = draft(call, "Geheimer Entwurf")
    # The revision of one page with the id of another.
    for token in (
        make_token(form_page, revision),
        make_token(call, revision) + "x",
        make_token(call, revision).replace(":", "!", 1),
        "",
    ):
        response = preview(Client(), token)
        assert response.status_code == 403, token
        assert "Geheimer Entwurf" not in response.content.decode()
    assert Client().get(reverse("b52_api_preview:page")).status_code == 403
    assert preview(Client(), make_token(call, revision)).status_code == 200


def test_anonymous_visitors_and_editors_without_rights_get_no_token(call, headless):
    anonymous = start(Client(), call)
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    moderators = Group.objects.create(name="Nur Admin")
    moderators.permissions.add(Permission.objects.get(codename="access_admin"))
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("redakteurin", password="x")
    user.groups.add(moderators)
    client = Client()
    client.force_login(user)
    refused = start(client, call)
    # Wagtail's admin answers a permission error with a redirect to its dashboard.
    assert refused.status_code in (302, 403)
    assert not refused.get("Location", "").startswith(FRONT_END)
    GroupPagePermission.objects.create(
        group=moderators, page=call, permission=Permission.objects.get(codename="change_page")
    )
    assert token_of(start(client, call))["page_id"] == [str(call.pk)]


def test_only_package_page_types_are_previewed(admin_client, home, headless):
    root_child = Page.objects.get(depth=2)
    assert not type(root_child.specific).__module__.startswith("b52_wagtail")
    assert start(admin_client, root_child).status_code == 404


def test_off_by_default(admin_client, call):
    revision = draft(call, "Geheimer Entwurf")
    assert start(admin_client, call).status_code == 404
    response = preview(Client(), make_token(call, revision))
    assert response.status_code == 404
    assert "Geheimer Entwurf" not in response.content.decode()
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[call.pk]))
    assert edit.status_code == 200
    assert reverse("b52_headless_preview", args=[call.pk]) not in edit.content.decode()


def test_the_editor_finds_the_button(admin_client, call, headless):
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[call.pk]))
    assert edit.status_code == 200
    html = edit.content.decode()
    assert reverse("b52_headless_preview", args=[call.pk]) in html
    assert "Vorschau im Frontend" in html
