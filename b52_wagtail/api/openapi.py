"""The OpenAPI 3.1 document of the package's API, served at
``/b52/api/openapi.json`` (URL name ``b52_api_docs:openapi``).

The JSON form API and the shared shapes are data (``data/openapi.json``,
checked against real answers in tests/api/test_openapi.py). The schemas of
the page types are generated from the ``api_fields`` of the installed
package page types, so a partner's subclass with extra fields is described
as it is; ``servers`` names the API of the site the request was made to.
"""

import copy
import functools
import json
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import JsonResponse
from django.urls import reverse
from modelcluster.fields import ParentalManyToManyField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, get_page_models

from ..apps import active_app

DATA = Path(__file__).parent / "data" / "openapi.json"

# Schemas of the package's API serializers (b52_wagtail/serializers.py,
# b52_wagtail/press/serializers.py), by serializer class name.
SERIALIZER_SCHEMAS = {
    "OrganisationField": "Organisation",
    "ProgrammeField": "Programme",
    "DistrictField": "District",
    "ContactField": "Contact",
    "ContactItemsField": "Contact",
    "DownloadItemsField": "Download",
    "PageLinkField": "PageLink",
    "ImageField": "LeadImage",
}


@functools.cache
def static_document():
    with DATA.open(encoding="utf-8") as file:
        return json.load(file)


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema, null=True):
    if not null:
        return schema
    if set(schema) == {"type"} and isinstance(schema["type"], str):
        return {"type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def package_page_models():
    """Concrete page types of the installed b52_wagtail apps and partners'
    subclasses of their bases."""
    return [
        model
        for model in get_page_models()
        if model is not Page
        and any(base.__module__.startswith("b52_wagtail.") for base in model.__mro__)
        and getattr(model, "api_fields", None)
    ]


def model_field_schema(field):
    null = getattr(field, "null", False)
    if isinstance(field, RichTextField):
        return nullable(
            {
                "type": "string",
                "contentMediaType": "text/html",
                "description": "Rich text: HTML by design (Wagtail's stored format).",
            },
            null,
        )
    if isinstance(field, StreamField):
        return ref("StreamField")
    if isinstance(field, models.BooleanField):
        return nullable({"type": "boolean"}, null)
    if isinstance(field, models.DateTimeField):
        return nullable({"type": "string", "format": "date-time"}, null)
    if isinstance(field, models.DateField):
        return nullable({"type": "string", "format": "date"}, null)
    if isinstance(field, models.DecimalField):
        # Django REST framework's default: decimals as strings.
        return nullable({"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}, null)
    if isinstance(field, models.IntegerField):
        return nullable({"type": "integer"}, null)
    if isinstance(field, models.FloatField):
        return nullable({"type": "number"}, null)
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, (models.ManyToManyField, ParentalManyToManyField)):
        return {"type": "array", "items": ref("RelatedObject")}
    if isinstance(field, models.ForeignKey):
        return nullable(ref("RelatedObject"), null)
    if isinstance(field, (models.CharField, models.TextField)):
        return nullable({"type": "string"}, null)
    return {}


def child_relation_schema(related_model):
    properties = {"id": {"type": "integer"}}
    for api_field in getattr(related_model, "api_fields", []):
        properties[api_field.name] = api_field_schema(related_model, api_field)
    return {
        "type": "array",
        "items": {"type": "object", "required": list(properties), "properties": properties},
    }


def api_field_schema(model, api_field):
    serializer = api_field.serializer
    if serializer is not None:
        name = SERIALIZER_SCHEMAS.get(type(serializer).__name__)
        if name is None:
            return {"description": f"Serialised by {type(serializer).__name__}."}
        if getattr(serializer, "many", False) or type(serializer).__name__.endswith("ItemsField"):
            return {"type": "array", "items": ref(name)}
        return nullable(ref(name))
    try:
        field = model._meta.get_field(api_field.name)
    except FieldDoesNotExist:
        # A property of the model (e.g. a call's ``status``).
        return {"description": "Computed by the page type."}
    if field.auto_created and not field.concrete:
        # A reverse relation: the child objects (inline panels) with their
        # own api_fields.
        if field.one_to_many:
            return child_relation_schema(field.related_model)
        return {"type": "array"}
    return model_field_schema(field)


def page_type_schema(model):
    properties = {
        api_field.name: api_field_schema(model, api_field) for api_field in model.api_fields
    }
    return {
        "description": f"{model._meta.verbose_name}: the fields the package adds "
        "(all present on the detail view and with fields=*).",
        "allOf": [
            ref("Page"),
            {"type": "object", "required": list(properties), "properties": properties},
        ],
    }


@functools.cache
def page_type_schemas():
    return {model._meta.label: page_type_schema(model) for model in package_page_models()}


def build_document(request=None):
    document = copy.deepcopy(static_document())
    document["components"]["schemas"].update(copy.deepcopy(page_type_schemas()))
    if not active_app("b52_wagtail.applications"):
        del document["paths"]["/forms/{page_id}/"]
    if request is not None:
        root = reverse("b52_api_docs:openapi").rsplit("/", 1)[0]
        document["servers"] = [{"url": request.build_absolute_uri(root)}]
    return document


def openapi_view(request):
    response = JsonResponse(build_document(request), json_dumps_params={"ensure_ascii": False})
    # A public description: any web page may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response
