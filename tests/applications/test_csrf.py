"""An expired CSRF token after a long time typing: an explanatory German page
that shows what was typed, so nothing is silently lost."""

import pytest
from django.test import Client

from .utils import valid_data

pytestmark = pytest.mark.django_db


def test_an_expired_form_explains_itself_and_shows_the_typed_text(form_page, district):
    client = Client(enforce_csrf_checks=True)
    data = valid_data(
        district,
        summary="Langer Text über gesundes Altern <script>alert(1)</script>",
        csrfmiddlewaretoken="abgelaufen",
    )
    response = client.post(form_page.url, data)
    assert response.status_code == 403
    content = response.content.decode()
    assert "Das Formular ist abgelaufen" in content
    assert "Zurück-Taste" in content
    assert "Langer Text über gesundes Altern" in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)</script>" not in content
    assert "Kurzzusammenfassung" in content
    assert "abgelaufen</dd>" not in content  # the token itself is not shown
    assert f'href="{form_page.url}"' in content


def test_the_form_itself_needs_no_javascript_to_keep_the_data(client, form_page):
    content = client.get(form_page.url).content.decode()
    assert "<script" not in content
    assert 'autocomplete="off"' not in content.replace('name="b52_homepage" autocomplete="off"', "")


def test_other_forms_get_the_explanation_but_nothing_is_echoed(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "redakteurin", "password": "geheim123"})
    assert response.status_code == 403
    content = response.content.decode()
    assert "Das Formular ist abgelaufen" in content
    assert "geheim123" not in content
    assert "redakteurin" not in content


def test_the_explanation_speaks_the_language_of_the_form_page(form_page, district, settings):
    from wagtail.models import Locale

    from b52_wagtail.localization import page_language

    settings.WAGTAIL_I18N_ENABLED = True
    settings.LANGUAGES = settings.WAGTAIL_CONTENT_LANGUAGES = [("de", "Deutsch"), ("en", "English")]
    settings.ROOT_URLCONF = "tests.core.i18n_urls"
    english = Locale.objects.create(language_code="en")
    english_form = form_page.copy_for_translation(english, copy_parents=True, alias=False)
    english_form.save_revision().publish()
    assert page_language(english_form) == "en"
    client = Client(enforce_csrf_checks=True)
    response = client.post(english_form.url, {**valid_data(district), "csrfmiddlewaretoken": "x"})
    assert response.status_code == 403
    content = response.content.decode()
    assert "The form has expired" in content
    assert 'lang="en"' in content
