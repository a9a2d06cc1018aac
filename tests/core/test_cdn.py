"""Full-page caching at a CDN: Cache-Control, Last-Modified and purges (b52_wagtail.cdn)."""

import datetime
import math

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.utils import timezone
from django.utils.cache import get_max_age
from django.utils.http import http_date
from wagtail.contrib.frontend_cache import signal_handlers
from wagtail.contrib.frontend_cache.backends.base import BaseBackend
from wagtail.models import Locale
from wagtail.signals import page_published, page_unpublished

from b52_wagtail import cdn
from b52_wagtail.awards.models import AwardIndexPage, WinnerArchivePage
from b52_wagtail.cooperation.models import (
    CooperationFieldPage,
    CooperationFieldProgramme,
    CooperationIndexPage,
    CooperationResponsibility,
)
from b52_wagtail.models import District, Organisation, Programme
from b52_wagtail.press.models import PressReleaseIndexPage
from tests.applications.utils import make_form_page
from tests.awards.conftest import make_call, make_showcase
from tests.clock import berlin_noon, stopped
from tests.press.factories import add_release, make_private

ROOT = "http://localhost"
PURGED = []
CDN_MIDDLEWARE = "b52_wagtail.cdn.CDNMiddleware"


class RecordingBackend(BaseBackend):
    """A frontend cache that writes down what it is told to purge."""

    def purge(self, url):
        PURGED.append(url)


def cache_control(response):
    return {
        part.strip().split("=")[0]: (part.split("=")[1] if "=" in part else True)
        for part in response.get("Cache-Control", "").split(",")
        if part.strip()
    }


def s_maxage(response):
    return int(cache_control(response)["s-maxage"])


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def teamwork(db):
    return Programme.objects.create(name="teamw()rk", slug="teamwork", locale=Locale.get_default())


@pytest.fixture
def ulm(db):
    return District.objects.get(key="08421", locale=Locale.get_default())


@pytest.fixture
def press(home):
    return publish(home, PressReleaseIndexPage(title="Presse", slug="presse"))


@pytest.fixture
def release(press, teamwork, ulm):
    return add_release(
        press, "KGK Ulm gegründet", datetime.date(2026, 3, 5), programme=teamwork, districts=[ulm]
    )


@pytest.fixture
def cooperation(home):
    return publish(home, CooperationIndexPage(title="Kooperation", slug="kooperation"))


@pytest.fixture
def vdek(db):
    return Organisation.objects.create(
        name="vdek", short_name="vdek", is_member=True, locale=Locale.get_default()
    )


@pytest.fixture
def field(cooperation, teamwork, ulm, vdek):
    return publish(
        cooperation,
        CooperationFieldPage(
            title="KGK",
            slug="kgk",
            programme_links=[CooperationFieldProgramme(programme=teamwork)],
            responsibilities=[
                CooperationResponsibility(programme=teamwork, organisation=vdek, districts=[ulm])
            ],
        ),
    )


@pytest.fixture
def section(home):
    return publish(home, AwardIndexPage(title="Förderpreis", slug="foerderpreis"))


@pytest.fixture
def winners(section):
    return publish(section, WinnerArchivePage(title="Preisträger", slug="preistraeger"))


@pytest.fixture
def noon():
    """The clock stopped at a Berlin noon: an open call's days left change at
    midnight, and its pages are not kept past it (at 23:55 not for 300 s)."""
    with stopped(berlin_noon(datetime.date(2026, 6, 15))):
        yield


@pytest.fixture
def open_call(noon, section):
    now = timezone.now()
    return make_call(
        section,
        2026,
        start=now - datetime.timedelta(days=30),
        deadline=now + datetime.timedelta(days=60),
    )


@pytest.fixture
def purges(settings, monkeypatch):
    """Wagtail's frontend cache app as if installed (its ready() connects its
    handlers; adding it to INSTALLED_APPS here would reload every URLconf),
    with a backend that records what it is told to purge."""
    monkeypatch.setattr(cdn, "purging_enabled", lambda: True)
    settings.WAGTAILFRONTENDCACHE = {"recording": {"BACKEND": f"{__name__}.RecordingBackend"}}
    signal_handlers.register_signal_handlers()
    PURGED.clear()
    yield PURGED
    PURGED.clear()
    for signal, handler in (
        (page_published, signal_handlers.page_published_signal_handler),
        (page_unpublished, signal_handlers.page_unpublished_signal_handler),
    ):
        for model in django_apps.get_models():
            signal.disconnect(handler, sender=model)


# Cache-Control on public pages ---------------------------------------------------


PUBLIC_PATHS = [
    "/presse/",
    "/presse/2026/",
    "/presse/feed/rss/",
    "/presse/feed/atom/",
    "/presse/kgk-ulm/",
    "/kooperation/",
    "/kooperation/kgk/",
    "/kooperation/kgk/kreis/",
    "/kooperation/kreis/08421/",
    "/foerderpreis/",
    "/foerderpreis/ausschreibung-2026/",
    "/foerderpreis/preistraeger/",
    "/foerderpreis/preistraeger/preistraeger-2025/",
]


@pytest.fixture
def every_page_type(noon, press, teamwork, ulm, field, section, winners, open_call):
    add_release(press, "KGK Ulm", datetime.date(2026, 3, 5), slug="kgk-ulm", districts=[ulm])
    old_call = make_call(section, 2025)
    make_showcase(winners, old_call, [("Stadt Ulm", ulm, "Bewegte Stadt")])


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_are_shareable_for_anonymous_visitors(client, every_page_type, path):
    response = client.get(path)

    assert response.status_code == 200
    control = cache_control(response)
    assert control["public"] is True
    assert control["s-maxage"] == "300"
    assert control["max-age"] == "0"
    assert "private" not in control
    assert response.has_header("Last-Modified")
    assert not response.cookies


def test_settings_choose_the_ages_and_zero_turns_public_caching_off(client, settings, press):
    settings.B52_CACHE_MAX_AGE = 900
    settings.B52_BROWSER_MAX_AGE = 60
    control = cache_control(client.get("/presse/"))
    assert (control["s-maxage"], control["max-age"], control.get("public")) == ("900", "60", True)

    settings.B52_CACHE_MAX_AGE = 0
    control = cache_control(client.get("/presse/"))
    assert control.get("private") is True and "public" not in control


def test_the_middleware_drops_accept_language_from_vary(client, settings, press):
    without = client.get("/presse/")
    assert "Accept-Language" in without["Vary"]  # Django's LocaleMiddleware

    settings.MIDDLEWARE = [CDN_MIDDLEWARE, *settings.MIDDLEWARE]
    response = Client().get("/presse/")

    assert "Accept-Language" not in response.get("Vary", "")
    assert cache_control(response)["public"] is True
    assert response["Content-Language"] == "de"


# Never public -------------------------------------------------------------------


def test_signed_in_visitors_get_private_answers(client, django_user_model, press):
    user = django_user_model.objects.create_user("leser", "l@example.org", "pw")
    client.force_login(user)

    control = cache_control(client.get("/presse/"))

    assert control.get("private") is True and "public" not in control


def test_any_session_cookie_makes_the_answer_private(client, settings, press):
    client.cookies[settings.SESSION_COOKIE_NAME] = "irgendwas"

    control = cache_control(client.get("/presse/"))

    assert control.get("private") is True and "public" not in control


def test_a_view_restricted_page_is_never_public(client, settings, press):
    settings.MIDDLEWARE = [CDN_MIDDLEWARE, *settings.MIDDLEWARE]
    secret = add_release(press, "Intern", datetime.date(2026, 1, 2), slug="intern")
    make_private(secret)

    response = client.get("/presse/intern/")

    assert response.status_code == 200  # Wagtail's password form
    assert b"Intern" not in response.content.split(b"<title>")[-1][:40]
    control = cache_control(response)
    assert "public" not in control and control.get("private") is True


def test_a_restricted_page_passed_with_its_password_is_private(client, press):
    secret = add_release(press, "Intern", datetime.date(2026, 1, 2), slug="intern")
    restriction = make_private(secret)
    form = client.get("/presse/intern/")
    action = form.context["action_url"]
    client.post(action, {"password": restriction.password, "return_url": "/presse/intern/"})

    response = client.get("/presse/intern/")

    assert "Intern" in response.content.decode()
    control = cache_control(response)
    assert "public" not in control and control.get("private") is True


def test_a_draft_preview_is_private(press):
    draft = add_release(press, "Entwurf", datetime.date(2026, 4, 1), publish=False)

    response = draft.make_preview_request()

    assert response.status_code == 200 and "Entwurf" in response.content.decode()
    control = cache_control(response)
    assert "public" not in control and control.get("private") is True


def test_a_draft_is_not_served_at_all(client, press):
    add_release(press, "Entwurf", datetime.date(2026, 4, 1), publish=False, slug="entwurf")

    response = client.get("/presse/entwurf/")

    assert response.status_code == 404
    assert "public" not in cache_control(response)


def test_the_application_form_is_never_stored(client, open_call):
    form_page = make_form_page(open_call)

    response = client.get(form_page.url)

    assert response.status_code == 200
    control = cache_control(response)
    assert control.get("private") is True and control.get("no-store") is True
    assert "public" not in control and get_max_age(response) == 0


def test_not_found_answers_are_not_public(client, press):
    response = client.get("/presse/1999/")

    assert response.status_code == 404
    assert "public" not in cache_control(response)


# The clock ----------------------------------------------------------------------


def test_a_call_closing_in_100_seconds_is_kept_at_most_until_then(client, section):
    now = timezone.now()
    # The deadline is the last accepted minute: applications close at the
    # start of the minute after it, between 40 and 100 seconds from now.
    call = make_call(
        section,
        2026,
        start=now - datetime.timedelta(days=3),
        deadline=now + datetime.timedelta(seconds=40),
    )
    closes_in = (call.closes_at - now).total_seconds()

    for path in ("/foerderpreis/ausschreibung-2026/", "/foerderpreis/"):
        response = client.get(path)
        assert 0 < s_maxage(response) <= min(closes_in, 100)
        assert "Bewerbungsschluss" in response.content.decode()


def test_a_call_is_not_kept_past_its_start(noon, client, settings, section):
    settings.B52_CACHE_MAX_AGE = 86400
    now = timezone.now()
    make_call(
        section,
        2026,
        start=now + datetime.timedelta(hours=1),
        deadline=now + datetime.timedelta(days=90),
    )

    response = client.get("/foerderpreis/ausschreibung-2026/")

    assert s_maxage(response) == 3600


def test_an_open_call_is_not_kept_past_midnight_when_its_days_left_change(
    noon, client, settings, open_call
):
    settings.B52_CACHE_MAX_AGE = 86400
    from b52_wagtail import localization

    now = timezone.now()
    midnight = datetime.datetime.combine(
        localization.localdate(now) + datetime.timedelta(days=1),
        datetime.time.min,
        tzinfo=localization.zone(),
    )

    response = client.get("/foerderpreis/ausschreibung-2026/")

    assert s_maxage(response) <= (midnight - now).total_seconds()


def test_closing_soon_starts_at_midnight_berlin(open_call, settings):
    from tests.awards.conftest import berlin

    open_call.deadline = berlin(2026, 11, 30, 23, 59)
    open_call.application_start = berlin(2026, 9, 1)

    changes = open_call.get_clock_changes(berlin(2026, 10, 1, 12))

    assert berlin(2026, 11, 16) in changes  # 14 days before the deadline's day
    assert open_call.get_status(berlin(2026, 11, 15, 23, 59)) == "open"
    assert open_call.get_status(berlin(2026, 11, 16, 0, 0)) == "closing_soon"


# Conditional requests -----------------------------------------------------------


def test_if_modified_since_is_answered_304_until_something_changes(client, press, release):
    first = client.get(release.url)
    last_modified = first["Last-Modified"]

    again = client.get(release.url, HTTP_IF_MODIFIED_SINCE=last_modified)

    assert again.status_code == 304
    assert again.content == b""
    assert cache_control(again)["public"] is True

    release.title = "KGK Ulm feierlich gegründet"
    release.save_revision().publish()
    changed = client.get(release.url, HTTP_IF_MODIFIED_SINCE=last_modified)

    assert changed.status_code == 200
    assert "feierlich" in changed.content.decode()
    assert changed["Last-Modified"] != last_modified


def test_last_modified_is_not_before_the_call_status_flipped(noon, client, section):
    # At noon: the last midnight (a clock change of an open call) is not
    # between the start and now.
    start = timezone.now() - datetime.timedelta(seconds=5)
    make_call(section, 2026, start=start, deadline=start + datetime.timedelta(days=60))
    long_ago = http_date((start - datetime.timedelta(days=1)).timestamp())
    client.get("/foerderpreis/ausschreibung-2026/")  # creates the site's B52Settings
    from django.core.cache import cache

    cache.set("b52_wagtail.cdn_changed_at", int(start.timestamp()) - 86400, timeout=None)

    response = client.get("/foerderpreis/ausschreibung-2026/", HTTP_IF_MODIFIED_SINCE=long_ago)

    assert response.status_code == 200
    assert response["Last-Modified"] == http_date(math.ceil(start.timestamp()))


# Purges -------------------------------------------------------------------------


def urls(*paths):
    return {ROOT + path for path in paths}


def test_publishing_a_release_purges_its_page_indexes_feeds_api_and_sitemap(
    purges, django_capture_on_commit_callbacks, press, release, field
):
    older = add_release(press, "Ältere", datetime.date(2026, 1, 10), slug="aeltere")
    purges.clear()

    with django_capture_on_commit_callbacks(execute=True):
        release.title = "KGK Ulm gegründet (aktualisiert)"
        release.save_revision().publish()

    assert set(purges) == urls(
        release.url,  # by Wagtail's frontend cache app
        "/presse/",
        "/presse/feed/rss/",
        "/presse/feed/atom/",
        "/presse/2026/",
        older.url,  # links to it as the next release
        "/kooperation/kgk/",  # shows it as news of its programme
        f"/b52/api/v2/pages/{release.pk}/",
        "/b52/api/v2/pages/",
        "/sitemap.xml",
    )
    assert len(purges) == len(set(purges))  # each once


def test_unpublishing_a_release_purges_the_same_urls(
    purges, django_capture_on_commit_callbacks, press, release
):
    purges.clear()

    with django_capture_on_commit_callbacks(execute=True):
        release.unpublish()

    assert set(purges) == urls(
        release.url,
        "/presse/",
        "/presse/feed/rss/",
        "/presse/feed/atom/",
        "/presse/2026/",
        f"/b52/api/v2/pages/{release.pk}/",
        "/b52/api/v2/pages/",
        "/sitemap.xml",
    )


def test_publishing_a_call_purges_the_call_its_section_its_showcase_and_form(
    purges, django_capture_on_commit_callbacks, section, winners, ulm
):
    call = make_call(section, 2025)
    showcase = make_showcase(winners, call, [("Stadt Ulm", ulm, "Bewegte Stadt")])
    purges.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call.intro = "Neue Einleitung"
        call.save_revision().publish()

    assert set(purges) == urls(
        call.url,
        "/foerderpreis/",
        showcase.url,  # names the call
        f"/b52/api/v2/pages/{call.pk}/",
        "/b52/api/v2/pages/",
        "/sitemap.xml",
    )


def test_publishing_a_showcase_purges_its_call_archive_and_section(
    purges, django_capture_on_commit_callbacks, section, winners, ulm
):
    call = make_call(section, 2025)
    purges.clear()

    with django_capture_on_commit_callbacks(execute=True):
        showcase = make_showcase(winners, call, [("Stadt Ulm", ulm, "Bewegte Stadt")])

    assert set(purges) == urls(
        showcase.url,
        call.url,  # now "decided"
        "/foerderpreis/preistraeger/",
        "/foerderpreis/",
        f"/b52/api/v2/pages/{showcase.pk}/",
        "/b52/api/v2/pages/",
        "/sitemap.xml",
    )


def test_changing_a_district_purges_the_pages_that_show_it(
    purges, django_capture_on_commit_callbacks, press, release, field, winners, section
):
    call = make_call(section, 2025)
    ulm = District.objects.get(pk=release.districts.get().pk)
    showcase = make_showcase(winners, call, [("Stadt Ulm", ulm, "Bewegte Stadt")])
    purges.clear()

    with django_capture_on_commit_callbacks(execute=True):
        ulm.name = "Alb-Donau-Kreis (neu)"
        ulm.save()

    assert set(purges) == urls(
        release.url,  # names the district
        "/presse/",  # the filter form offers every district ...
        "/presse/feed/rss/",
        "/presse/feed/atom/",
        "/presse/2026/",
        "/kooperation/",  # ... and so does the district chooser
        "/kooperation/kreis/",
        "/kooperation/kreis/08421/",
        "/kooperation/kgk/",
        "/kooperation/kgk/kreis/",
        "/kooperation/kgk/kreis/08421/",
        showcase.url,  # a winner from there
        "/foerderpreis/preistraeger/",
    )


def test_nothing_is_purged_without_the_frontend_cache_app(
    settings, django_capture_on_commit_callbacks, press, release
):
    settings.WAGTAILFRONTENDCACHE = {"recording": {"BACKEND": f"{__name__}.RecordingBackend"}}
    PURGED.clear()

    with django_capture_on_commit_callbacks(execute=True):
        release.save_revision().publish()

    assert PURGED == []
