"""The OpenAPI document the package serves is valid OpenAPI, and real
answers of the API match it."""

import io

import jsonschema
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openapi_spec_validator import validate as validate_spec

from tests.applications.utils import berlin, make_call, make_form_page, pdf, valid_data

pytestmark = pytest.mark.django_db

FORM_PATH = "/forms/{page_id}/"


@pytest.fixture
def document(client):
    response = client.get(reverse("b52_api_docs:openapi"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def check(document, path, method, response):
    """Validate a test-client response against the schema the document
    declares for this path, method and status."""
    operation = document["paths"][path][method]
    declared = operation["responses"]
    status = str(response.status_code)
    assert status in declared, f"{method.upper()} {path} {status} is not documented"
    schema = declared[status]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator(
        {**schema, "components": document["components"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    validator.validate(response.json())
    for header in declared[status].get("headers", {}):
        if header in ("Access-Control-Allow-Origin", "Retry-After"):
            continue
        assert header in response, header


def form_url(page):
    return reverse("b52_api_forms:form", args=[page.pk])


def test_the_document_is_valid_openapi(document):
    assert document["openapi"].startswith("3.1")
    validate_spec(document)


def test_the_server_is_the_api_of_the_requested_site(client):
    document = client.get("/b52/api/openapi.json", HTTP_HOST="partner.example").json()
    assert document["servers"] == [{"url": "http://partner.example/b52/api"}]
    assert client.get("/b52/api/openapi.json")["Access-Control-Allow-Origin"] == "*"


def test_the_form_api_answers_as_documented(client, form_page, district, document, settings):
    settings.B52_APPLICATION_MIN_SECONDS = 0
    described = client.get(form_url(form_page))
    check(document, FORM_PATH, "get", described)
    tokens = described.json()["hidden_fields"]
    data = {**valid_data(district), **tokens, "attachments": [pdf()]}
    invalid = client.post(form_url(form_page), {**data, "email": "nope"})
    assert invalid.status_code == 400
    check(document, FORM_PATH, "post", invalid)
    stored = client.post(form_url(form_page), {**data, "attachments": [pdf()]})
    assert stored.status_code == 201
    assert stored.json()["receipt_number"]
    check(document, FORM_PATH, "post", stored)
    again = client.post(form_url(form_page), {**data, "attachments": [pdf()]})
    assert again.status_code == 200
    check(document, FORM_PATH, "post", again)
    spam = client.post(
        form_url(form_page), {**valid_data(district), "b52_homepage": "x", "attachments": [pdf()]}
    )
    assert spam.json()["receipt_number"] is None
    check(document, FORM_PATH, "post", spam)
    unsupported = client.post(
        form_url(form_page), valid_data(district), content_type="application/json"
    )
    assert unsupported.status_code == 415
    check(document, FORM_PATH, "post", unsupported)
    refused = Client().post(form_url(form_page), data)
    assert refused.status_code == 403
    check(document, FORM_PATH, "post", refused)


def test_a_closed_form_answers_as_documented(client, home, district, document):
    call = make_call(home, start=berlin(2020, 1, 1), deadline=berlin(2020, 3, 31, 23, 59))
    page = make_form_page(call)
    described = client.get(form_url(page))
    assert described.json()["accepts_applications"] is False
    check(document, FORM_PATH, "get", described)
    refused = client.post(form_url(page), {**valid_data(district), "attachments": [pdf()]})
    assert refused.status_code == 400
    check(document, FORM_PATH, "post", refused)


def test_unknown_forms_and_rate_limits_answer_as_documented(
    client, form_page, district, document, settings
):
    unknown = client.get(reverse("b52_api_forms:form", args=[999999]))
    assert unknown.status_code == 404
    check(document, FORM_PATH, "get", unknown)
    missing = client.post(reverse("b52_api_forms:form", args=[999999]), {})
    assert missing.status_code == 404
    assert missing.json()["stored"] is False
    check(document, FORM_PATH, "post", missing)
    settings.B52_APPLICATION_RATE_LIMIT = 1
    client.post(form_url(form_page), {**valid_data(district), "attachments": [pdf()]})
    limited = client.post(form_url(form_page), {**valid_data(district), "attachments": [pdf()]})
    assert limited.status_code == 429
    check(document, FORM_PATH, "post", limited)


def test_every_package_page_of_the_demo_matches_its_type_schema(client):
    call_command("b52_demo", stdout=io.StringIO())
    document = client.get("/b52/api/openapi.json").json()
    schemas = document["components"]["schemas"]
    items, offset = [], 0
    while True:
        listing = client.get(f"/b52/api/v2/pages/?limit=20&offset={offset}")
        check(document, "/v2/pages/", "get", listing)
        items += listing.json()["items"]
        offset += 20
        if offset >= listing.json()["meta"]["total_count"]:
            break
    check(document, "/v2/pages/", "get", client.get("/b52/api/v2/pages/?limit=100000"))
    seen = set()
    for item in items:
        page_type = item["meta"]["type"]
        if page_type not in schemas:
            continue
        detail = client.get(f"/b52/api/v2/pages/{item['id']}/")
        check(document, "/v2/pages/{id}/", "get", detail)
        jsonschema.Draft202012Validator(
            {"$ref": f"#/components/schemas/{page_type}", "components": document["components"]}
        ).validate(detail.json())
        seen.add(page_type)
    package_types = {name for name in schemas if name.startswith("b52_")}
    # Every package page type the demo builds is described and checked.
    assert seen == package_types, package_types - seen
