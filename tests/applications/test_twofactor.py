"""The second factor (B52_REQUIRE_2FA, b52_wagtail.applications.twofactor):
enrolment, verification of later sessions, wrong codes and their limit,
users and sites it leaves alone, the reset page and the system check."""

import datetime
import re

import pytest
import time_machine
from django.core.checks import run_checks
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from .jury_helpers import jury_group, make_juror, make_jury, make_staff

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC)
JURY_ONLY = override_settings(B52_REQUIRE_2FA=["B 52 Jury"])


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def juror(django_user_model, call):
    return make_juror(django_user_model, "anna", make_jury(call))


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client, juror, clock):
    """Sign in, follow the redirect to the enrolment page and confirm a code."""
    client.force_login(juror)
    response = client.get(reverse("b52_jury:index"))
    enrol_url = reverse("b52_twofactor:enrol")
    assert response.status_code == 302
    assert response["Location"].startswith(enrol_url)
    response = client.get(response["Location"])
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=juror, confirmed=False)
    response = client.post(enrol_url, {"code": code_for(device), "next": reverse("b52_jury:index")})
    assert response.status_code == 302
    assert response["Location"] == reverse("b52_jury:index")
    device.refresh_from_db()
    return device


@JURY_ONLY
def test_juror_enrols_and_reaches_the_jury_pages(client, juror, clock):
    client.force_login(juror)
    response = client.get(reverse("b52_jury:index"))
    enrol_url = reverse("b52_twofactor:enrol")
    assert response["Location"] == enrol_url + "?next=" + reverse("b52_jury:index").replace(
        "/", "%2F"
    )
    page = client.get(response["Location"])
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=juror)
    assert not device.confirmed
    # The QR code inline, the key for manual entry, an accessible code field.
    assert "<svg" in html and "<title" in html
    secret = re.search(r'<code class="b52-second-factor__secret"[^>]*>([A-Z2-7 ]+)</code>', html)
    from base64 import b32decode

    assert b32decode(secret.group(1).replace(" ", "")) == device.bin_key
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", html).group(0)
    assert 'autocomplete="one-time-code"' in field
    assert 'inputmode="numeric"' in field
    field_id = re.search(r'id="([^"]+)"', field).group(1)
    assert re.search(rf'<label[^>]*for="{field_id}"', html)
    # A reload keeps the same key (the app may have scanned it already).
    client.get(enrol_url)
    assert TOTPDevice.objects.get(user=juror).key == device.key

    response = client.post(enrol_url, {"code": code_for(device), "next": reverse("b52_jury:index")})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("b52_jury:index")).status_code == 200
    assert ModelLogEntry.objects.filter(action="b52_twofactor.enrol", object_id=juror.pk).exists()


@JURY_ONLY
def test_a_second_session_must_verify(client, juror, clock):
    device = enrol(client, juror, clock)
    clock.shift(datetime.timedelta(minutes=5))
    other = Client()
    other.force_login(juror)
    response = other.get(reverse("b52_jury:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("b52_twofactor:verify"))
    # The enrolment page sends someone with a device to the verification.
    assert other.get(reverse("b52_twofactor:enrol"))["Location"].startswith(
        reverse("b52_twofactor:verify")
    )
    page = other.get(response["Location"])
    assert page.status_code == 200
    assert b'autocomplete="one-time-code"' in page.content
    response = other.post(
        reverse("b52_twofactor:verify"), {"code": code_for(device), "next": "/admin/b52-jury/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/b52-jury/"
    assert other.get(reverse("b52_jury:index")).status_code == 200
    # The first session stays verified.
    assert client.get(reverse("b52_jury:index")).status_code == 200


@JURY_ONLY
def test_foreign_next_urls_are_ignored(client, juror, clock):
    device = TOTPDevice.objects.create(user=juror, confirmed=True)
    client.force_login(juror)
    response = client.post(
        reverse("b52_twofactor:verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("wagtailadmin_home")


def wrong_code(device):
    return f"{(int(code_for(device)) + 1) % 1_000_000:06d}"


def error_of(response):
    """The error listed above the form, which the code field refers to."""
    html = response.content.decode()
    match = re.search(r'<li class="error" id="([^"]+)">\s*(.*?)\s*</li>', html, re.S)
    if match is None:
        return None
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", html).group(0)
    assert match.group(1) in re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    return match.group(2)


@JURY_ONLY
def test_wrong_codes_are_refused_and_limited(client, juror, clock):
    device = TOTPDevice.objects.create(user=juror, confirmed=True)
    client.force_login(juror)
    url = reverse("b52_twofactor:verify")

    response = client.post(url, {"code": "12ab"})
    assert response.status_code == 200
    assert error_of(response) == translation.gettext("The code consists of exactly six digits.")
    response = client.post(url, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert error_of(response) == translation.gettext(
        "This code is not valid. Check the time of your device and enter the current code."
    )
    for _ in range(4):
        clock.shift(datetime.timedelta(seconds=20))  # past django-otp's own back-off
        client.post(url, {"code": wrong_code(device)})
    # The sixth try within five minutes is refused even with the right code.
    clock.shift(datetime.timedelta(seconds=20))
    response = client.post(url, {"code": code_for(device)})
    assert response.status_code == 429
    assert error_of(response) == translation.gettext(
        "Too many codes tried. Please wait a few minutes and try again."
    )
    assert client.get(reverse("b52_jury:index")).status_code == 302

    # In the next window the right code passes.
    clock.shift(datetime.timedelta(minutes=5))
    response = client.post(url, {"code": code_for(device)})
    assert response.status_code == 302
    assert client.get(reverse("b52_jury:index")).status_code == 200


@JURY_ONLY
def test_the_errors_are_german(client, juror, clock):
    """Needs the compiled catalogue with /work/notes/msgids-otp.json."""
    with translation.override("de"):
        if translation.gettext("Confirm your sign-in") == "Confirm your sign-in":
            pytest.skip("the German catalogue of the second factor is not compiled yet")
    device = TOTPDevice.objects.create(user=juror, confirmed=True)
    client.force_login(juror)
    url = reverse("b52_twofactor:verify")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Anmeldung bestätigen" in page
    assert "Sechsstelliger Code" in page
    response = client.post(url, {"code": "12ab"})
    assert error_of(response) == "Der Code besteht aus genau sechs Ziffern."
    response = client.post(url, {"code": wrong_code(device)})
    assert error_of(response).startswith("Dieser Code ist nicht gültig.")
    for _ in range(5):
        clock.shift(datetime.timedelta(seconds=20))
        response = client.post(url, {"code": wrong_code(device)})
    assert error_of(response).startswith("Zu viele Codes versucht.")


@JURY_ONLY
def test_django_otp_back_off_is_reported(client, juror, clock):
    device = TOTPDevice.objects.create(user=juror, confirmed=True)
    client.force_login(juror)
    url = reverse("b52_twofactor:verify")
    client.post(url, {"code": wrong_code(device)})
    response = client.post(url, {"code": code_for(device)})
    assert response.status_code == 429
    clock.shift(datetime.timedelta(seconds=2))
    assert client.post(url, {"code": code_for(device)}).status_code == 302


@JURY_ONLY
def test_login_logout_and_the_second_factor_pages_stay_reachable(client, juror, clock):
    client.force_login(juror)
    assert client.get(reverse("b52_twofactor:enrol")).status_code == 200
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200
    assert client.get(reverse("wagtailadmin_sprite")).status_code == 200
    response = client.post(reverse("wagtailadmin_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("wagtailadmin_login")).status_code == 200


@JURY_ONLY
def test_public_pages_are_not_affected(client, juror, home):
    client.force_login(juror)
    assert client.get(home.url).status_code == 200


@JURY_ONLY
def test_users_outside_the_required_groups_are_not_affected(client, django_user_model, call):
    staff = make_staff(django_user_model)
    client.force_login(staff)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    # Nobody outside the groups gets a device forced on them.
    assert client.get(reverse("b52_twofactor:enrol"))["Location"] == reverse("wagtailadmin_home")
    assert not TOTPDevice.objects.exists()


def test_without_the_setting_nothing_changes(client, juror):
    client.force_login(juror)
    assert client.get(reverse("b52_jury:index")).status_code == 200
    assert not TOTPDevice.objects.exists()


@override_settings(B52_REQUIRE_2FA="Geschäftsstelle, superusers")
def test_superusers_and_groups_from_a_comma_separated_string(client, django_user_model, juror):
    admin = django_user_model.objects.create_superuser("chef", "chef@example.org", "pw")
    client.force_login(admin)
    assert client.get(reverse("wagtailadmin_home"))["Location"].startswith(
        reverse("b52_twofactor:enrol")
    )
    staff = make_staff(django_user_model)
    client.force_login(staff)
    assert client.get(reverse("wagtailadmin_home")).status_code == 302
    client.force_login(juror)
    assert client.get(reverse("b52_jury:index")).status_code == 200


@override_settings(B52_REQUIRE_2FA=["superusers"])
def test_superusers_reset_a_device(client, django_user_model, juror, clock):
    device = TOTPDevice.objects.create(user=juror, confirmed=True)
    admin = django_user_model.objects.create_superuser("chef", "chef@example.org", "pw")
    admin_device = TOTPDevice.objects.create(user=admin, confirmed=True)
    client.force_login(admin)
    url = reverse("b52_twofactor:reset")
    # The reset page itself needs the verified second factor.
    assert client.get(url)["Location"].startswith(reverse("b52_twofactor:verify"))
    client.post(reverse("b52_twofactor:verify"), {"code": code_for(admin_device)})
    page = client.get(url)
    assert page.status_code == 200
    assert b"anna" in page.content
    response = client.post(url, {"user": juror.pk})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    entry = ModelLogEntry.objects.get(action="b52_twofactor.reset", object_id=juror.pk)
    assert entry.user == admin
    assert b"anna" not in client.get(url).content


def test_only_superusers_reset(client, django_user_model, juror):
    TOTPDevice.objects.create(user=juror, confirmed=True)
    staff = make_staff(django_user_model)
    client.force_login(staff)
    url = reverse("b52_twofactor:reset")
    assert client.get(url).status_code in (302, 403)
    assert client.post(url, {"user": juror.pk}).status_code in (302, 403)
    assert TOTPDevice.objects.filter(user=juror).exists()


def check_ids():
    return {message.id for message in run_checks(include_deployment_checks=False)}


def test_the_check_is_quiet_when_off_or_complete():
    assert "b52_wagtail.E007" not in check_ids()
    with JURY_ONLY:
        assert "b52_wagtail.E007" not in check_ids()


def test_the_check_fires_without_the_middleware(settings):
    settings.B52_REQUIRE_2FA = ["B 52 Jury"]
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "django_otp.middleware.OTPMiddleware"
    ]
    errors = [m for m in run_checks() if m.id == "b52_wagtail.E007"]
    assert len(errors) == 1
    assert "django_otp.middleware.OTPMiddleware" in errors[0].msg


def test_the_check_fires_with_the_middleware_in_the_wrong_order(settings):
    settings.B52_REQUIRE_2FA = ["superusers"]
    ours = "b52_wagtail.applications.twofactor.RequireSecondFactorMiddleware"
    settings.MIDDLEWARE = [ours] + [name for name in settings.MIDDLEWARE if name != ours]
    assert "b52_wagtail.E007" in check_ids()


def test_the_check_fires_without_the_apps(settings, monkeypatch):
    from django.apps import apps

    real = apps.is_installed
    monkeypatch.setattr(
        apps, "is_installed", lambda name: name != "django_otp.plugins.otp_totp" and real(name)
    )
    settings.B52_REQUIRE_2FA = ["superusers"]
    errors = [m for m in run_checks() if m.id == "b52_wagtail.E007"]
    assert errors and "django_otp.plugins.otp_totp" in errors[0].msg


def test_the_middleware_fails_closed_when_misconfigured(client, juror, settings):
    settings.B52_REQUIRE_2FA = ["B 52 Jury"]
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "django_otp.middleware.OTPMiddleware"
    ]
    client.raise_request_exception = False
    client.force_login(juror)
    assert client.get(reverse("b52_jury:index")).status_code == 500


def test_the_package_imports_without_django_otp():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['django_otp'] = None; "
        "import b52_wagtail.applications.twofactor as t, b52_wagtail.applications.twofactor.checks"
    )
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin"}
    import os

    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


def test_a_group_name_that_no_group_has_is_reported(settings):
    """A typo in B52_REQUIRE_2FA would leave that group without a second
    factor: the database check (run by migrate) names it."""
    jury_group()
    settings.B52_REQUIRE_2FA = ["B 52 Jury", "Geschäftstelle", "superusers"]
    warnings = [
        message for message in run_checks(databases=["default"]) if message.id == "b52_wagtail.W007"
    ]
    assert len(warnings) == 1
    assert "“Geschäftstelle”" in warnings[0].msg
    assert "B 52 Jury" not in warnings[0].msg
    settings.B52_REQUIRE_2FA = ["B 52 Jury", "superusers"]
    assert "b52_wagtail.W007" not in {m.id for m in run_checks(databases=["default"])}
