"""The iframe embed of an application form page (/b52/applications/embed/<id>/):
framable only from B52_EMBED_ORIGINS, the page's own pipeline without
Django's CSRF cookie, a POST only from the b52 site's own origin."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction, Site

from b52_wagtail.applications.models import ApplicationSubmission, MailDelivery

from .utils import (
    assert_nothing_stored,
    berlin,
    make_call,
    make_form_page,
    pdf,
    valid_data,
)

pytestmark = pytest.mark.django_db

PARTNER = "https://www.gemeinde-salach.example"
OWN = "http://testserver"


@pytest.fixture(autouse=True)
def partner_origins(settings):
    settings.B52_EMBED_ORIGINS = [PARTNER, "https://kasse.example/"]


@pytest.fixture
def client():
    """A browser inside a cross-site frame: Django's CSRF checks are on, and
    it has no cookies (SameSite=Lax cookies are not sent to the frame)."""
    return Client(enforce_csrf_checks=True)


def url(page, **query):
    path = reverse("b52_applications:embed", args=[page.pk])
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return path


def post(client, page, data, *, origin=OWN, files=None, **extra):
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    payload = {**data, "attachments": files if files is not None else [pdf()]}
    return client.post(url(page), payload, **headers, **extra)


# Framing -----------------------------------------------------------------------


def test_only_the_partner_origins_may_frame_the_form(client, form_page):
    response = client.get(url(form_page))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        f"frame-ancestors {PARTNER} https://kasse.example"
    )
    # The CSP names the partners; X-Frame-Options: DENY would forbid them all.
    assert "X-Frame-Options" not in response
    assert "Access-Control-Allow-Origin" not in response


def test_without_partner_origins_no_one_may_frame_the_form(client, form_page, settings):
    settings.B52_EMBED_ORIGINS = []
    response = client.get(url(form_page))
    assert response["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("origin", ["https://evil.example", None])
def test_no_cors_for_other_or_missing_origins(client, form_page, origin):
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    response = client.get(url(form_page), **headers)
    assert response["Content-Security-Policy"] == (
        f"frame-ancestors {PARTNER} https://kasse.example"
    )
    assert not [name for name in response.headers if name.startswith("Access-Control-")]


def test_the_frame_shows_the_form_without_the_hosts_chrome(client, form_page):
    response = client.get(url(form_page))
    html = response.content.decode()
    assert "data-b52-embed" in html
    assert "b52-standalone__header" not in html  # no site header, no footer
    assert 'class="b52-application__form"' in html
    assert f'action="{url(form_page)}"' in html
    assert "b52_wagtail/css/b52.css" in html and "b52_wagtail/embed-frame.js" in html
    assert response["Content-Language"] == "de"
    assert "Bewerbung absenden" in html
    # No CSRF cookie is set (a cross-site frame would not get it back).
    assert "csrftoken" not in response.cookies
    assert "csrfmiddlewaretoken" not in html
    assert "no-store" in response["Cache-Control"]


def test_the_partner_origin_is_named_only_when_allowed(client, form_page):
    html = client.get(url(form_page, parent=PARTNER)).content.decode()
    assert f'data-b52-parent-origin="{PARTNER}"' in html
    # The form posts back with the partner's origin, so the answer knows it too.
    assert f'action="{url(form_page)}?parent=https%3A%2F%2Fwww.gemeinde-salach.example"' in html
    referred = client.get(url(form_page), HTTP_REFERER="https://kasse.example/bewerbung/")
    assert 'data-b52-parent-origin="https://kasse.example"' in referred.content.decode()
    other = client.get(url(form_page, parent="https://evil.example"))
    assert "data-b52-parent-origin" not in other.content.decode()


# What is not public -----------------------------------------------------------


def test_a_draft_is_404(client, call):
    page = make_form_page(call)
    page.unpublish()
    assert client.get(url(page)).status_code == 404
    assert post(client, page, {}).status_code == 404


def test_a_view_restricted_page_is_404(client, form_page):
    restriction = PageViewRestriction.objects.create(
        page=form_page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Jury")])
    assert client.get(url(form_page)).status_code == 404
    assert post(client, form_page, {}).status_code == 404


def test_a_page_of_another_site_is_404(client, form_page):
    other_root = Page.get_first_root_node().add_child(
        instance=Page(title="Andere Kasse", slug="andere-kasse")
    )
    Site.objects.create(hostname="andere-kasse.example", root_page=other_root)
    other_call = make_call(other_root, slug="ausschreibung-andere")
    other_form = make_form_page(other_call)
    assert client.get(url(other_form)).status_code == 404
    # On its own site it is there.
    assert client.get(url(other_form), HTTP_HOST="andere-kasse.example").status_code == 200


def test_other_page_types_are_404(client, call):
    assert client.get(url(call)).status_code == 404


def test_a_closed_call_shows_the_closed_message_and_takes_nothing(client, home, district):
    call = make_call(home, start=berlin(2020, 1, 1), deadline=berlin(2020, 3, 31, 23, 59))
    page = make_form_page(call)
    html = client.get(url(page)).content.decode()
    assert "b52-application__closed" in html
    assert "b52-application__form" not in html
    response = post(client, page, valid_data(district))
    assert response.status_code == 200
    assert "Die Bewerbungsfrist ist am 31. März 2020" in response.content.decode()
    assert_nothing_stored()


# Submitting --------------------------------------------------------------------


def test_a_post_without_cookies_from_the_frame_stores_and_shows_the_receipt(
    client, form_page, district
):
    response = post(client, form_page, valid_data(district))
    assert response.status_code == 200
    (submission,) = ApplicationSubmission.objects.all()
    html = response.content.decode()
    assert submission.receipt_number in html
    assert "b52-receipt__number" in html
    assert "data-b52-focus" in html  # embed-frame.js focuses the answer
    assert "b52-standalone__header" not in html
    assert submission.attachments.count() == 1
    assert "no-store" in response["Cache-Control"]


def test_a_resubmission_gives_the_same_receipt(client, form_page, district):
    data = valid_data(district)
    first = post(client, form_page, data)
    second = post(client, form_page, data)
    (submission,) = ApplicationSubmission.objects.all()
    assert submission.receipt_number in first.content.decode()
    assert submission.receipt_number in second.content.decode()


def test_a_post_with_the_referer_only_is_accepted(client, form_page, district):
    response = post(
        client, form_page, valid_data(district), origin=None, HTTP_REFERER=OWN + url(form_page)
    )
    assert response.status_code == 200
    assert ApplicationSubmission.objects.count() == 1


@pytest.mark.parametrize(
    "origin",
    [
        PARTNER,  # even an allowed partner posts only through the frame
        "https://evil.example",
        "null",
        "http://testserver.evil.example",
        "https://testserver",
    ],
)
def test_a_post_from_another_origin_is_refused_and_stores_nothing(
    client, form_page, district, origin
):
    response = post(client, form_page, valid_data(district), origin=origin)
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="b52-error-summary"' in html
    assert "Ihre Bewerbung ist nicht angekommen" in html
    assert response["Content-Security-Policy"].startswith("frame-ancestors ")
    assert_nothing_stored()


def test_a_post_without_origin_and_referer_is_refused(client, form_page, district):
    response = post(client, form_page, valid_data(district), origin=None)
    assert response.status_code == 403
    assert_nothing_stored()


def test_invalid_posts_get_german_errors_linked_to_their_fields(client, form_page, district):
    response = post(
        client, form_page, valid_data(district, project_title="", email="nope"), files=[]
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="b52-error-summary"' in html
    assert 'href="#id_project_title"' in html
    assert 'href="#id_email"' in html
    assert "Ihre Bewerbung wurde noch nicht gesendet" in html
    assert "data-b52-focus" in html
    assert_nothing_stored()


def test_the_honeypot_looks_like_success_and_sends_nothing(client, form_page, district):
    response = post(client, form_page, valid_data(district, b52_homepage="http://spam.example"))
    assert response.status_code == 200
    assert "b52-receipt__number" not in response.content.decode()
    assert MailDelivery.objects.count() == 0
    assert not ApplicationSubmission.objects.filter(is_spam=False).exists()


def test_a_made_up_token_is_treated_like_a_bot(client, form_page, district):
    post(client, form_page, valid_data(district, b52_token="made-up"))
    assert not ApplicationSubmission.objects.filter(is_spam=False).exists()
    assert mail.outbox == []


def test_too_many_posts_are_refused(client, form_page, district, settings):
    settings.B52_APPLICATION_RATE_LIMIT = 1
    assert post(client, form_page, valid_data(district)).status_code == 200
    response = post(client, form_page, valid_data(district))
    assert response.status_code == 429
    assert "b52-standalone__header" not in response.content.decode()
    assert ApplicationSubmission.objects.count() == 1


def test_the_deadline_is_checked_on_the_server(client, home, district):
    now = datetime.datetime.now(tz=berlin(2026, 1, 1).tzinfo)
    call = make_call(home, deadline=now - datetime.timedelta(minutes=1))
    page = make_form_page(call)
    post(client, page, valid_data(district))
    assert_nothing_stored()


# The embed code generator in the admin -------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


def test_an_editor_gets_the_embed_code_of_a_form(admin_client, form_page):
    admin_url = reverse("b52_embed_snippets")
    page = admin_client.get(admin_url)
    assert page.status_code == 200
    assert form_page.title in page.content.decode()
    response = admin_client.get(admin_url, {"kind": "form", "form_page": form_page.pk, "limit": 10})
    html = response.content.decode()
    frame = f"http://testserver{url(form_page)}"
    assert f"&lt;iframe data-b52-frame src=&quot;{frame}&quot;" in html
    assert "/static/b52_wagtail/embed-frame.js" in html
    assert f"data-b52-form=&quot;http://testserver/b52/api/forms/{form_page.pk}/&quot;" in html
    # What the code frames is really there.
    assert Client().get(frame).status_code == 200


def test_an_editor_gets_the_embed_code_of_a_filtered_press_list(admin_client, district):
    response = admin_client.get(
        reverse("b52_embed_snippets"), {"kind": "press", "district": district.pk, "limit": 5}
    )
    html = response.content.decode()
    assert f"/b52/press/embed/?district={district.key}&amp;amp;limit=5" in html


def test_a_form_page_must_be_chosen(admin_client):
    response = admin_client.get(reverse("b52_embed_snippets"), {"kind": "form", "limit": 10})
    assert "&lt;iframe" not in response.content.decode()
    assert response.context["form"].errors["form_page"]


def test_drafts_cannot_be_chosen(admin_client, call):
    draft = make_form_page(call, slug="entwurf")
    draft.unpublish()
    response = admin_client.get(
        reverse("b52_embed_snippets"), {"kind": "form", "form_page": draft.pk}
    )
    assert "&lt;iframe" not in response.content.decode()


def test_users_who_cannot_edit_pages_get_no_embed_code(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("leser", "leser@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(reverse("b52_embed_snippets")).status_code in {302, 403}


# The example site's partner demo page -----------------------------------------------


def test_the_partner_demo_page_embeds_from_the_other_host(client, form_page, settings):
    settings.DEBUG = True
    response = client.get("/partner-demo/", HTTP_HOST="localhost:8123")
    html = response.content.decode()
    assert response.status_code == 200
    assert "__B52_" not in html
    assert f'src="http://127.0.0.1:8123/b52/applications/embed/{form_page.pk}/"' in html
    assert 'src="http://127.0.0.1:8123/b52/press/embed/"' in html
    assert f'data-b52-form="http://127.0.0.1:8123/b52/api/forms/{form_page.pk}/"' in html
    assert '<section id="b52-script-embed"' in html
    back = client.get("/partner-demo/", HTTP_HOST="127.0.0.1:8123").content.decode()
    assert 'src="http://localhost:8123/static/b52_wagtail/embed-frame.js"' in back


def test_the_partner_demo_page_is_not_served_in_production(client, form_page):
    assert client.get("/partner-demo/").status_code == 404
