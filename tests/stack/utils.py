"""Helpers of the stack suite: a person sending the application form."""

from django.test import Client
from wagtail.models import Site

from tests.applications.utils import make_call, make_form_page, pdf

from .forms import applicant_fields, upload_form


def applicant():
    """A browser: keeps cookies, and CSRF is checked as in production."""
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


def open_form(client, page):
    """GET the form page as a browser does; returns (action URL, hidden fields)."""
    response = client.get(page.url)
    assert response.status_code == 200
    action, hidden = upload_form(response.content.decode())
    return action or page.url, hidden


def send_application(client, page, district, files=None, form=None):
    """Fill in and send the form (opened now unless ``form`` is given)."""
    action, hidden = form or open_form(client, page)
    files = [pdf()] if files is None else files
    return client.post(action, {**applicant_fields(district.pk), **hidden, "attachments": files})


def application_page():
    home = Site.objects.get(is_default_site=True).root_page.specific
    return make_form_page(make_call(home))
