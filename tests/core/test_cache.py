"""The content generation and the {% b52_cache %} tag (b52_wagtail.cache)."""

import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, PageViewRestriction, Site

from b52_wagtail.cache import (
    GENERATION_KEY,
    PAGES,
    bump_content_generation,
    content_generation,
    fragment_key,
    model_tag,
)
from b52_wagtail.models import B52Settings, Contact, District, Organisation, Programme
from tests.press.factories import make_image

pytestmark = pytest.mark.django_db

TEMPLATE = Template(
    '{% load b52_tags %}{% b52_cache "test_fragment" key %}{{ counter.next }}{% endb52_cache %}'
)


class Counter:
    """Counts its renders: a cached fragment shows an old number."""

    def __init__(self):
        self.value = 0

    def next(self):
        self.value += 1
        return self.value


class BrokenCache(BaseCache):
    """A cache server that is down."""

    def __init__(self, location, params):
        super().__init__(params)

    def get(self, *args, **kwargs):
        raise ConnectionError("cache down")

    add = set = incr = delete = get


def render(request, counter, template=TEMPLATE, key=1):
    return template.render(Context({"request": request, "counter": counter, "key": key}))


def get_request(path="/", **extra):
    request = RequestFactory().get(path, **extra)
    request.user = AnonymousUser()
    return request


# The generation ---------------------------------------------------------------


def test_the_generation_starts_above_any_earlier_value_and_is_read_once_per_request():
    before = time.time_ns() // 1000
    request = get_request()
    generation = content_generation(request)
    assert generation >= before
    caches["default"].set(GENERATION_KEY, 7, None)
    assert content_generation(request) == generation  # remembered on the request
    assert content_generation(get_request()) == 7


def test_bump_increments_now_and_again_after_the_commit(django_capture_on_commit_callbacks):
    start = content_generation()
    with django_capture_on_commit_callbacks(execute=True):
        assert bump_content_generation() == start + 1
        assert content_generation() == start + 1
    assert content_generation() == start + 2


def test_a_lost_counter_starts_again_above_the_old_values():
    old = content_generation()
    caches["default"].delete(GENERATION_KEY)
    assert bump_content_generation() > old
    caches["default"].clear()
    assert content_generation() > old


@override_settings(B52_FRAGMENT_CACHE=None)
def test_disabled_caching_has_no_generation_and_renders_live():
    assert content_generation() is None
    assert bump_content_generation() is None
    counter = Counter()
    assert [render(get_request(), counter) for _ in range(2)] == ["1", "2"]


@override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "broken": {"BACKEND": "tests.core.test_cache.BrokenCache"},
    },
    B52_FRAGMENT_CACHE="broken",
)
def test_a_cache_outage_renders_live_and_does_not_stop_publishing(db):
    home = Site.objects.get(is_default_site=True).root_page.specific
    counter = Counter()
    assert [render(get_request(), counter) for _ in range(2)] == ["1", "2"]
    home.title = "Startseite neu"
    home.save_revision().publish()  # the receivers log the error, nothing raises


# The tag ------------------------------------------------------------------------


def test_a_fragment_is_cached_until_the_generation_changes():
    counter = Counter()
    assert render(get_request(), counter) == "1"
    assert render(get_request(), counter) == "1"
    assert render(get_request(), counter, key=2) == "2"
    bump_content_generation()
    assert render(get_request(), counter) == "3"


def test_language_host_and_scheme_are_part_of_the_key():
    counter = Counter()
    assert render(get_request(), counter) == "1"
    with translation.override("en"):
        assert render(get_request(), counter) == "2"
    assert render(get_request(HTTP_HOST="partner.example"), counter) == "3"
    assert render(get_request(secure=True), counter) == "4"
    assert render(get_request(), counter) == "1"


def test_previews_posts_and_missing_requests_render_live():
    counter = Counter()
    assert render(get_request(), counter) == "1"
    preview = get_request()
    preview.is_preview = True
    assert render(preview, counter) == "2"
    post = RequestFactory().post("/")
    post.user = AnonymousUser()
    assert render(post, counter) == "3"
    assert render(None, counter) == "4"
    assert render(get_request(), counter) == "1"


def test_anonymous_only_fragments_render_live_for_signed_in_users(django_user_model):
    template = Template(
        '{% load b52_tags %}{% b52_cache "user_fragment" 1 anonymous_only %}'
        "{{ counter.next }}{% endb52_cache %}"
    )
    counter = Counter()
    assert render(get_request(), counter, template) == "1"
    signed_in = get_request()
    signed_in.user = django_user_model.objects.create_user("redaktion")
    assert render(signed_in, counter, template) == "2"
    assert render(signed_in, counter, template) == "3"
    assert render(get_request(), counter, template) == "1"
    assert fragment_key(signed_in, "user_fragment", [1], anonymous_only=True) is None


def test_store_false_renders_are_not_kept():
    template = Template(
        '{% load b52_tags %}{% b52_cache "maybe" 1 store=keep %}'
        "{{ counter.next }}{% endb52_cache %}"
    )
    counter = Counter()

    def go(keep):
        return template.render(
            Context({"request": get_request(), "counter": counter, "keep": keep})
        )

    assert [go(False), go(False), go(True), go(False)] == ["1", "2", "3", "3"]


def test_the_tag_needs_a_name():
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template("{% load b52_tags %}{% b52_cache %}x{% endb52_cache %}")


# The receivers ------------------------------------------------------------------


@pytest.fixture
def locale(db):
    return Locale.get_default()


def change_organisation(locale):
    organisation = Organisation.objects.create(name="IKK classic", locale=locale)
    yield
    organisation.name = "IKK classic BW"
    organisation.save()
    yield
    organisation.delete()


def change_contact(locale):
    contact = Contact.objects.create(name="Frank Winkler", locale=locale)
    yield
    contact.phone = "0711 1"
    contact.save()
    yield
    contact.delete()


def change_district(locale):
    district = District.objects.filter(locale=locale).first()
    yield
    district.name = district.name + " (neu)"
    district.save()


def change_programme(locale):
    programme = Programme.objects.create(name="teamw()rk", slug="teamwork", locale=locale)
    yield
    programme.name = "teamw()rk 2026"
    programme.save()
    yield
    programme.delete()


def change_settings(locale):
    settings = B52Settings.for_site(Site.objects.get(is_default_site=True))
    yield
    settings.name = "B 52 neu"
    settings.save()


def change_image(locale):
    image = make_image()
    yield
    image.title = "Neuer Titel"
    image.save()
    yield
    image.delete()


def change_document(locale):
    document = get_document_model().objects.create(
        title="PM", file=ContentFile(b"%PDF-1.4", name="pm.pdf")
    )
    yield
    document.title = "PM neu"
    document.save()
    yield
    document.delete()


def change_site(locale):
    site = Site.objects.get(is_default_site=True)
    yield
    site.site_name = "Neu"
    site.save()


def change_page(locale):
    home = Site.objects.get(is_default_site=True).root_page
    page = home.add_child(instance=Page(title="Seite", slug="seite", live=False))
    other = home.add_child(instance=Page(title="Ordner", slug="ordner", live=True))
    yield
    page.save_revision().publish()
    yield
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    yield
    restriction.delete()
    yield
    Page.objects.get(pk=page.pk).move(other, pos="last-child")
    yield
    Page.objects.get(pk=page.pk).unpublish()
    yield
    Page.objects.get(pk=page.pk).delete()


def _image_model():
    from wagtail.images import get_image_model

    return get_image_model()


# What each change must make stale besides the fragments that declare no
# dependencies (None: every fragment, through the content generation).
CHANGES = [
    (change_organisation, lambda: model_tag(Organisation)),
    (change_contact, lambda: model_tag(Contact)),
    (change_district, lambda: model_tag(District)),
    (change_programme, lambda: model_tag(Programme)),
    (change_settings, None),
    (change_image, lambda: model_tag(_image_model())),
    (change_document, lambda: model_tag(get_document_model())),
    (change_site, None),
    (change_page, lambda: PAGES),
]


@pytest.mark.parametrize("change, dependency", CHANGES, ids=lambda c: getattr(c, "__name__", ""))
def test_every_change_makes_the_fragments_that_show_it_stale(locale, change, dependency):
    """Each change (the code between two yields) changes the key of a
    fragment that depends on what changed and of one that declares nothing,
    and leaves a fragment that depends on something else alone."""
    depends = [dependency()] if dependency else [model_tag(Programme)]
    unrelated = [f"tree:{'9' * 4}"]  # a page tree that no change touches

    def keys():
        return [
            fragment_key(get_request(), "f"),
            fragment_key(get_request(), "f", depends=depends),
            fragment_key(get_request(), "f", depends=unrelated),
        ]

    steps = change(locale)
    next(steps)  # set-up
    finished = False
    while not finished:
        before = keys()
        try:
            next(steps)
        except StopIteration:
            finished = True
        after = keys()
        assert after[0] != before[0]
        assert after[1] != before[1]
        if dependency is not None:
            assert after[2] == before[2]
        else:
            assert after[2] != before[2]
