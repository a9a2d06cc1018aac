"""The form API speaks plain text, and refuses a POST from a web page that
may not send the form (issue 13)."""

import pytest
from django.test import Client
from django.urls import reverse

from b52_wagtail.applications.models import ApplicationFormField
from tests.applications.utils import berlin, make_call, make_form_page, pdf, valid_data

from .test_forms_api import assert_nothing_stored

pytestmark = pytest.mark.django_db

PARTNER = "https://www.gemeinde.example"


def url(page):
    return reverse("b52_api_forms:form", args=[page.pk])


# Plain text ---------------------------------------------------------------------


@pytest.fixture
def tricky_page(call):
    page = make_form_page(call, slug="bewerbung-sonderzeichen", extra_fields=False)
    page.form_fields = [
        ApplicationFormField(
            label='Schulen & Vereine <"Partner">',
            field_type="dropdown",
            choices='Kita & Schule\n<Verein>\n"Bürgertreff"',
            help_text='Tom & Jerry <3 "Zitat" & <b>fett</b>',
            required=True,
        ),
        ApplicationFormField(
            label="Träger & Partner",
            field_type="checkboxes",
            choices="Stadt & Land\nKreis",
            required=False,
        ),
    ]
    page.save_revision().publish()
    return page


def test_labels_help_texts_and_choices_are_plain_text(client, tricky_page):
    data = client.get(url(tricky_page)).json()
    fields = {field["name"]: field for field in data["fields"]}
    (select,) = [field for field in data["fields"] if field["label"].startswith("Schulen")]
    assert select["label"] == 'Schulen & Vereine <"Partner">'
    assert select["help_text"] == 'Tom & Jerry <3 "Zitat" & <b>fett</b>'
    assert [choice["label"] for choice in select["choices"]] == [
        "Kita & Schule",
        "<Verein>",
        '"Bürgertreff"',
    ]
    assert [choice["value"] for choice in select["choices"]] == [
        "Kita & Schule",
        "<Verein>",
        '"Bürgertreff"',
    ]
    (multiple,) = [field for field in data["fields"] if field["label"] == "Träger & Partner"]
    assert multiple["multiple"] is True
    assert multiple["choices"][0] == {"value": "Stadt & Land", "label": "Stadt & Land"}
    # Nothing anywhere in the answer is HTML-escaped.
    raw = client.get(url(tricky_page)).content.decode()
    assert "&amp;" not in raw and "&lt;" not in raw and "&quot;" not in raw and "&#" not in raw
    # The consent label's link (the package's own markup) is plain text too.
    assert "<a" not in fields["consent"]["label"]


def test_html_help_texts_allowed_by_wagtail_arrive_as_plain_text(client, call, settings):
    settings.WAGTAILFORMS_HELP_TEXT_ALLOW_HTML = True
    page = make_form_page(call, slug="bewerbung-html", extra_fields=False)
    page.form_fields = [
        ApplicationFormField(
            label="Träger",
            field_type="singleline",
            help_text="Siehe <a href='/faq/'>Fragen &amp; Antworten</a>",
            required=False,
        )
    ]
    page.save_revision().publish()
    fields = client.get(url(page)).json()["fields"]
    (field,) = [field for field in fields if field["label"] == "Träger"]
    assert field["help_text"] == "Siehe Fragen & Antworten"


def test_the_consent_label_with_a_privacy_link_is_plain_text(client, call, home):
    from b52_wagtail.models import B52Settings

    privacy = home.add_child(instance=type(home)(title="Datenschutz & Impressum", slug="ds"))
    settings_obj = B52Settings.for_site(home.get_site())
    settings_obj.privacy_policy_page = privacy
    settings_obj.save()
    page = make_form_page(call, slug="bewerbung-datenschutz")
    data = client.get(url(page)).json()
    consent = next(field for field in data["fields"] if field["name"] == "consent")
    assert consent["label"].startswith("Ich bin damit einverstanden")
    assert "<" not in consent["label"] and "&amp;" not in consent["label"]
    # The HTML form keeps the link.
    assert 'href="/ds/"' in client.get(page.url).content.decode()
    assert data["privacy_policy_url"].endswith("/ds/")


def test_error_messages_are_plain_text(client, tricky_page, district):
    name = next(
        field["name"]
        for field in client.get(url(tricky_page)).json()["fields"]
        if field["label"].startswith("Schulen")
    )
    data = valid_data(district, **{name: "<b>Gibt & es nicht</b>"})
    response = client.post(url(tricky_page), {**data, "attachments": [pdf()]})
    assert response.status_code == 400
    assert response.json()["errors"][name] == [
        "Bitte wählen Sie eine der angebotenen Möglichkeiten."
    ]
    assert "&amp;" not in response.content.decode()


def test_a_closed_message_is_plain_text(client, home):
    call = make_call(home, start=berlin(2020, 1, 1), deadline=berlin(2020, 3, 31, 23, 59))
    page = make_form_page(call)
    data = client.get(url(page)).json()
    assert "abgelaufen" in data["closed_message"]
    assert "<" not in data["closed_message"] and "&" not in data["closed_message"]


# Origin of a POST -----------------------------------------------------------------


@pytest.fixture
def embed_origins(settings):
    settings.B52_EMBED_ORIGINS = [PARTNER]


def post(client, page, district, **extra):
    return client.post(url(page), {**valid_data(district), "attachments": [pdf()]}, **extra)


def test_an_allowed_partner_origin_may_post(form_page, district, embed_origins):
    response = post(Client(), form_page, district, HTTP_ORIGIN=PARTNER)
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == PARTNER
    assert response.json()["receipt_number"] == "B52-2026-0001"


def test_the_sites_own_origin_may_post(form_page, district):
    response = post(Client(), form_page, district, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 201
    # Same origin needs no CORS header.
    assert "Access-Control-Allow-Origin" not in response
    https = post(Client(), form_page, district, HTTP_ORIGIN="https://testserver", secure=True)
    assert https.status_code == 201


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "null",
        "http://testserver.evil.example",
        "https://www.gemeinde.example.evil.example",
        "http://www.gemeinde.example",  # another scheme is another origin
    ],
)
def test_a_foreign_origin_is_refused_and_nothing_is_stored(
    form_page, district, embed_origins, origin
):
    response = post(Client(), form_page, district, HTTP_ORIGIN=origin)
    assert response.status_code == 403
    body = response.json()
    assert body["stored"] is False
    assert body["errors"] == {}
    assert "Access-Control-Allow-Origin" not in response
    assert "Origin" in response["Vary"]
    assert "no-store" in response["Cache-Control"]
    assert_nothing_stored()
    assert body["non_field_errors"] == [
        "Dieses Formular darf nicht von dieser Webseite aus gesendet werden. Es wurde "
        "nichts gespeichert; bitte nutzen Sie das Formular auf der Website der Ausschreibung."
    ]


def test_a_post_without_origin_is_refused_and_nothing_is_stored(
    bare_client, form_page, district, embed_origins
):
    response = post(bare_client, form_page, district)
    assert response.status_code == 403
    assert response.json()["stored"] is False
    assert_nothing_stored()


def test_the_refusal_speaks_english_when_asked(bare_client, form_page, district):
    response = bare_client.post(
        url(form_page) + "?lang=en", {**valid_data(district), "attachments": [pdf()]}
    )
    assert response.status_code == 403
    assert response.json()["non_field_errors"] == [
        "This form may not be sent from this web page. Nothing was stored; "
        "please use the form on the website of the call."
    ]


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [(PARTNER, True), ("https://evil.example", False), (None, False)],
)
def test_cors_headers_on_get_options_and_post(form_page, district, embed_origins, origin, allowed):
    client = Client()
    extra = {"HTTP_ORIGIN": origin} if origin else {}
    got = client.get(url(form_page), **extra)
    preflight = client.options(url(form_page), HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST", **extra)
    posted = post(client, form_page, district, **extra)
    # Reading the form is never refused (same-origin pages and servers read it).
    assert got.status_code == 200
    assert preflight.status_code == 204
    assert posted.status_code == (201 if allowed else 403)
    for response in (got, preflight, posted):
        assert "Origin" in response["Vary"]
        assert response.get("Access-Control-Allow-Origin") == (origin if allowed else None)
        assert "Access-Control-Allow-Credentials" not in response
    assert ("Access-Control-Allow-Methods" in preflight) is allowed
    from b52_wagtail.applications.models import ApplicationSubmission

    assert ApplicationSubmission.objects.count() == (1 if allowed else 0)


def test_the_origin_check_comes_after_the_page_lookup(bare_client, call):
    page = make_form_page(call)
    page.unpublish()
    assert bare_client.post(url(page), {}).status_code == 404
