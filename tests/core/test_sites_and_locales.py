"""Hosts with Wagtail's i18n on, and installs with several Wagtail sites."""

import datetime
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail.models import Locale, Page, Site

from b52_wagtail.content import latest_news
from b52_wagtail.localization import page_language
from b52_wagtail.models import Programme
from b52_wagtail.press.models import PressReleaseIndexPage
from tests.applications.utils import make_call, make_form_page
from tests.press.factories import add_release

pytestmark = pytest.mark.django_db


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def translate(page, locale):
    """A published translation of ``page`` (its parent translated before)."""
    return publish(page.copy_for_translation(locale, copy_parents=True).specific)


@pytest.fixture
def bilingual(settings):
    settings.WAGTAIL_I18N_ENABLED = True
    settings.LANGUAGES = settings.WAGTAIL_CONTENT_LANGUAGES = [
        ("de", "Deutsch"),
        ("en", "English"),
    ]
    settings.ROOT_URLCONF = "tests.core.i18n_urls"
    english = Locale.objects.create(language_code="en")
    home = Site.objects.get(is_default_site=True).root_page.specific
    return {"home": home, "en": english, "de": Locale.objects.get(language_code="de")}


def test_a_page_speaks_its_locales_language_when_i18n_is_on(bilingual, settings):
    call = make_call(bilingual["home"])
    english_call = translate(call, bilingual["en"])
    assert page_language(call) == "de" and page_language(english_call) == "en"
    settings.WAGTAIL_I18N_ENABLED = False
    assert page_language(english_call) == "de"  # B52_LANGUAGE
    french = Locale.objects.create(language_code="fr")
    settings.WAGTAIL_I18N_ENABLED = True
    english_call.locale = french
    assert page_language(english_call) == "de"  # no French catalogue


def test_a_translated_call_links_to_the_translated_form(client, bilingual):
    call = make_call(bilingual["home"])
    call.application_page = make_form_page(call)
    publish(call)
    english_call = translate(call, bilingual["en"])
    english_form = translate(call.application_page, bilingual["en"])
    assert english_form.get_parent().pk == english_call.pk
    html = client.get(english_call.url).content.decode()
    assert english_call.url.startswith("/en/")
    assert f'href="{english_form.url}"' in html
    assert "Apply online" in html and 'lang="en"' in html
    german = client.get(call.url).content.decode()
    assert f'href="{call.application_page.url}"' in german and "Online bewerben" in german
    # The English form names and links the English call, and is reachable
    # through the JSON form API; its rules stay those of the linked call.
    form_html = client.get(english_form.url).content.decode()
    assert "Who is applying?" in form_html
    assert f'<p class="b52-page__kicker">{english_call.title}</p>' in form_html
    api = client.get(reverse("b52_api_forms:form", args=[english_form.pk]))
    assert api.status_code == 200 and api.json()["language"] == "en"


def test_a_translated_form_follows_the_rules_of_its_linked_call(client, bilingual):
    import datetime as dt

    call = make_call(bilingual["home"])
    form = make_form_page(call)
    english_call = translate(call, bilingual["en"])
    english_form = translate(form, bilingual["en"])
    # An editor let the English copy's deadline go stale.
    english_call.refresh_from_db()
    english_call.deadline = english_call.deadline - dt.timedelta(days=365)
    english_call.save_revision().publish()
    assert english_form.specific.call_id == call.pk
    assert english_form.specific.accepts_applications()
    assert "Who is applying?" in client.get(english_form.url).content.decode()


def test_pages_name_their_canonical_url_and_their_translations(client, bilingual):
    call = make_call(bilingual["home"])
    english_call = translate(call, bilingual["en"])
    html = client.get(english_call.url).content.decode()
    head = html.split("</head>")[0]
    assert f'<link rel="canonical" href="http://localhost{english_call.url}">' in head
    assert f'<link rel="alternate" hreflang="de" href="http://localhost{call.url}">' in head
    assert f'<link rel="alternate" hreflang="en" href="http://localhost{english_call.url}">' in head


def test_press_filters_work_in_a_translated_index(client, bilingual):
    german_index = PressReleaseIndexPage(title="Pressemitteilungen", slug="presse")
    bilingual["home"].add_child(instance=german_index)
    publish(german_index)
    teamwork = Programme.objects.create(
        name="teamw()rk für Gesundheit und Arbeit", slug="teamwork", locale=bilingual["de"]
    )
    release = add_release(
        german_index, "Austausch der Jobcenter", datetime.date(2025, 4, 3), programme=teamwork
    )
    add_release(german_index, "Anderes Thema", datetime.date(2025, 4, 1))
    english_index = translate(german_index, bilingual["en"])
    english_release = translate(release, bilingual["en"])
    assert english_release.programme == teamwork  # the snippet stays German

    html = client.get(english_index.url).content.decode()
    assert re.search(r'<option value="teamwork"[^>]*>teamw\(\)rk für Gesundheit und Arbeit<', html)
    filtered = client.get(english_index.url + "?programme=teamwork").content.decode()
    assert "Austausch der Jobcenter" in filtered and "Anderes Thema" not in filtered

    # Once the programme is translated, the English index offers that version
    # (once) and still finds releases pointing at the German one.
    english_teamwork = teamwork.copy_for_translation(bilingual["en"])
    english_teamwork.name = "teamw()rk for health and work"
    english_teamwork.save()
    html = client.get(english_index.url).content.decode()
    assert html.count('<option value="teamwork"') == 1
    assert "teamw()rk for health and work" in html
    filtered = client.get(english_index.url + "?programme=teamwork").content.decode()
    assert "Austausch der Jobcenter" in filtered


# Several Wagtail sites in one install ------------------------------------------------


@pytest.fixture
def two_sites(db):
    default = Site.objects.get(is_default_site=True)
    root = Page.get_first_root_node()
    partner_home = Page(title="Partnerkasse", slug="partnerkasse")
    root.add_child(instance=partner_home)
    partner = Site.objects.create(hostname="partner.example", port=80, root_page=partner_home)
    return {"default": default.root_page.specific, "partner": partner_home, "site": partner}


def test_the_form_api_answers_only_on_the_forms_own_site(client, two_sites):
    call = make_call(two_sites["partner"])
    form = make_form_page(call)
    url = reverse("b52_api_forms:form", args=[form.pk])
    assert client.get(url, HTTP_HOST="partner.example").status_code == 200
    assert client.get(url, HTTP_HOST="localhost").status_code == 404
    assert client.post(url, {}, HTTP_HOST="localhost").status_code == 404


def test_latest_news_of_a_field_lists_only_its_sites_releases(two_sites):
    programme = Programme.objects.create(
        name="teamw()rk", slug="teamwork", locale=Locale.get_default()
    )
    indexes = {}
    for name in ("default", "partner"):
        index = PressReleaseIndexPage(title=f"Presse {name}", slug="presse")
        two_sites[name].add_child(instance=index)
        indexes[name] = publish(index)
        add_release(index, f"Meldung {name}", datetime.date(2025, 4, 3), programme=programme)
    request = RequestFactory().get("/", HTTP_HOST="partner.example")
    titles = [page.title for page in latest_news(programmes=[programme], request=request)]
    assert titles == ["Meldung partner"]
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    titles = [page.title for page in latest_news(programmes=[programme], request=request)]
    assert titles == ["Meldung default"]


def test_two_sites_of_one_edition_never_give_the_same_receipt_number(client, two_sites):
    from b52_wagtail.applications.models import ApplicationSubmission
    from b52_wagtail.models import District
    from tests.applications.utils import pdf, valid_data

    district = District.objects.get(key="08117")
    ours = make_form_page(make_call(two_sites["default"]))
    partners = make_form_page(make_call(two_sites["partner"], slug="ausschreibung-2026"))
    for page, host in ((ours, "localhost"), (partners, "partner.example"), (ours, "localhost")):
        response = client.post(
            page.relative_url(page.get_site()),
            {**valid_data(district), "attachments": [pdf()]},
            HTTP_HOST=host,
        )
        assert response.status_code == 200
    numbers = list(
        ApplicationSubmission.objects.order_by("pk").values_list("page_id", "receipt_number")
    )
    assert numbers == [
        (ours.pk, "B52-2026-0001"),
        (partners.pk, "B52-2026-0002"),
        (ours.pk, "B52-2026-0003"),
    ]


def test_a_year_archive_names_the_same_year_in_each_translation(client, bilingual):
    german_index = PressReleaseIndexPage(title="Pressemitteilungen", slug="presse")
    bilingual["home"].add_child(instance=german_index)
    publish(german_index)
    release = add_release(german_index, "Austausch der Jobcenter", datetime.date(2025, 4, 3))
    english_index = translate(german_index, bilingual["en"])
    translate(release, bilingual["en"])
    head = client.get(german_index.url + "2025/").content.decode().split("</head>")[0]
    base = "http://localhost"
    assert f'<link rel="canonical" href="{base}{german_index.url}2025/">' in head
    assert f'hreflang="de" href="{base}{german_index.url}2025/"' in head
    assert f'hreflang="en" href="{base}{english_index.url}2025/"' in head


def test_the_canonical_url_of_a_listing_keeps_only_its_page_number(client, bilingual):
    german_index = PressReleaseIndexPage(title="Pressemitteilungen", slug="presse")
    bilingual["home"].add_child(instance=german_index)
    publish(german_index)
    for day in range(1, 25):
        add_release(german_index, f"Meldung {day}", datetime.date(2025, 4, day))

    def canonical(query):
        head = client.get(german_index.url + query).content.decode().split("</head>")[0]
        return re.search(r'<link rel="canonical" href="([^"]+)">', head)[1]

    url = "http://localhost" + german_index.url
    assert canonical("") == url
    assert canonical("?page=1") == url
    assert canonical("?page=2") == url + "?page=2"
    assert canonical("?page=2&utm_source=x") == url + "?page=2"
    assert canonical("?page=abc") == url
