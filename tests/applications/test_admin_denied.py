"""A refused request to one of the package's admin views (applications,
data rights, winners, jury) is a 403 page inside the Wagtail admin, in
the admin user's language, with a way back to the dashboard: not Django's
bare English “403 Forbidden”, also in a host whose LANGUAGE_CODE is
English. The German texts need the compiled catalogue (msgids-winners.json)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory, override_settings
from django.urls import reverse
from wagtail.users.models import UserProfile

from b52_wagtail.applications.admin_denied import refuse_in_admin, refuse_in_admin_urls
from b52_wagtail.applications.models import ApplicationStatus

from .jury_helpers import make_application, make_juror, make_jury
from .utils import pdf_bytes

pytestmark = pytest.mark.django_db

MESSAGE = "Sie haben keine Berechtigung für diese Seite."


@pytest.fixture
def german_juror(django_user_model, form_page):
    """A juror of the call whose admin language is German."""
    juror = make_juror(django_user_model, "juror", make_jury(form_page.call))
    profile = UserProfile.get_for_user(juror)
    profile.preferred_language = "de"
    profile.save()
    return juror


def get_in_english_host(client, url):
    """GET ``url`` in a host that speaks English (``wagtail start``)."""
    with override_settings(LANGUAGE_CODE="en-us"):
        return client.get(url)


def assert_admin_403(response):
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert MESSAGE in html
    assert "403 Forbidden" not in html
    assert f'href="{reverse("wagtailadmin_home")}"' in html  # back to the dashboard
    assert 'id="wagtail-sidebar"' in html  # inside the admin frame
    return html


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("b52_applications_admin:detail", "submission"),
        ("b52_applications_admin:attachment", "attachment"),
        ("b52_applications_admin:data_rights", "submission"),
        ("b52_applications_admin:winners", "page"),
        ("b52_jury:application", "not_forwarded"),
    ],
)
def test_a_refused_juror_gets_the_admin_403_in_german(
    client, german_juror, form_page, district, name, target
):
    submission = make_application(
        form_page, district, 1, files=[("bewerbungsbogen.pdf", pdf_bytes())]
    )
    received = make_application(form_page, district, 2, status=ApplicationStatus.RECEIVED)
    pk = {
        "submission": submission.pk,
        "attachment": submission.attachments.get().pk,
        "page": form_page.pk,
        "not_forwarded": received.pk,
    }[target]
    client.force_login(german_juror)

    html = assert_admin_403(get_in_english_host(client, reverse(name, args=[pk])))

    assert submission.receipt_number not in html and received.receipt_number not in html


def test_the_english_host_speaks_english_to_an_english_admin(
    client, german_juror, form_page, district
):
    profile = UserProfile.get_for_user(german_juror)
    profile.preferred_language = "en"
    profile.save()
    submission = make_application(form_page, district, 1)
    client.force_login(german_juror)

    response = get_in_english_host(
        client, reverse("b52_applications_admin:detail", args=[submission.pk])
    )

    assert response.status_code == 403
    assert "You do not have permission for this page." in response.content.decode()


def test_a_raised_permission_denied_is_the_same_403_page(admin_user):
    def view(request):
        raise PermissionDenied

    request = RequestFactory().get("/admin/b52-applications/")
    request.user = admin_user
    response = refuse_in_admin(view)(request)

    assert response.status_code == 403
    assert MESSAGE in response.content.decode()


def test_the_package_wraps_its_admin_urls_once():
    from django.urls import path

    def view(request):
        raise PermissionDenied

    patterns = [path("x/", view)]
    refuse_in_admin_urls(patterns)
    wrapped = patterns[0].callback
    refuse_in_admin_urls(patterns)  # registering again does not wrap twice
    assert patterns[0].callback is wrapped and wrapped.__wrapped__ is view
