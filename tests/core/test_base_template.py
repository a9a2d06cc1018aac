import pytest
from django.core.checks import run_checks
from django.test import override_settings

from b52_wagtail.conf import b52_settings


def check_ids():
    return {message.id for message in run_checks(tags=["templates"])}


def test_default_base_template_is_the_hosts_base_html():
    assert b52_settings.base_template() == "base.html"
    assert not {i for i in check_ids() if i.startswith("b52_wagtail")}


@override_settings(B52_BASE_TEMPLATE="does/not/exist.html")
def test_missing_base_template_is_a_system_check_error():
    assert "b52_wagtail.E001" in check_ids()


@override_settings(B52_BASE_TEMPLATE="b52_wagtail/includes/contact.html")
def test_base_template_without_content_block_is_a_system_check_error():
    assert "b52_wagtail.E002" in check_ids()


@override_settings(B52_BASE_TEMPLATE="b52_wagtail/base.html")
def test_standalone_base_passes_the_check():
    assert "b52_wagtail.E001" not in check_ids()
    assert "b52_wagtail.E002" not in check_ids()


def test_without_a_host_base_html_the_standalone_base_is_used(settings):
    templates = [dict(settings.TEMPLATES[0], DIRS=[])]
    with override_settings(TEMPLATES=templates):
        assert b52_settings.base_template() == "b52_wagtail/base.html"
    assert b52_settings.base_template() == "base.html"


@pytest.mark.django_db
def test_standalone_base_renders_the_cooperation_name(rf):
    from django.template.loader import render_to_string
    from wagtail.models import Site

    from b52_wagtail.models import B52Settings

    site = Site.objects.get(is_default_site=True)
    settings_obj = B52Settings.for_site(site)
    settings_obj.name = "Bündnis 52"
    settings_obj.short_name = "Bündnis 52"
    settings_obj.save()
    request = rf.get("/")
    request.site = site
    html = render_to_string("b52_wagtail/base.html", {"request": request}, request=request)
    assert "Bündnis 52" in html
    assert 'lang="de"' in html
