"""The "latest press releases" block and template tag, and the core's
news-source registry that the cooperation app uses."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from b52_wagtail.content import latest_news, news_sources
from b52_wagtail.press.blocks import LatestPressReleasesBlock
from b52_wagtail.press.models import PressReleasePage

from .conftest import add_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(press_index, vdek, bkk, teamwork, other_programme, districts):
    biberach, ulm = districts["08426"], districts["08421"]
    return {
        "teamwork-biberach": add_release(
            press_index, "Teamwork Biberach", datetime.date(2025, 3, 1),
            programme=teamwork, districts=[biberach], lead_organisation=vdek,
        ),
        "teamwork-ulm": add_release(
            press_index, "Teamwork Ulm", datetime.date(2025, 2, 1),
            programme=teamwork, districts=[ulm], partners=[bkk],
        ),
        "selbsthilfe-biberach": add_release(
            press_index, "Selbsthilfe Biberach", datetime.date(2025, 1, 1),
            programme=other_programme, districts=[biberach], lead_organisation=bkk,
        ),
        "old": add_release(press_index, "Alt", datetime.date(2020, 1, 1)),
    }  # fmt: skip


def render_block(value):
    block = LatestPressReleasesBlock()
    return block.render(block.to_python(value), context={"request": RequestFactory().get("/")})


def listed(html, news):
    return [key for key, page in news.items() if page.title in html]


def test_block_filters_by_programme_district_and_organisation(news, teamwork, districts, vdek, bkk):
    assert listed(render_block({"count": 10}), news) == list(news)
    assert listed(render_block({"programme": teamwork.pk, "count": 10}), news) == [
        "teamwork-biberach",
        "teamwork-ulm",
    ]
    assert listed(render_block({"district": districts["08426"].pk}), news) == [
        "teamwork-biberach",
        "selbsthilfe-biberach",
    ]
    # Lead or partner organisation.
    assert listed(render_block({"organisation": bkk.pk}), news) == [
        "teamwork-ulm",
        "selbsthilfe-biberach",
    ]
    # All given conditions must match.
    assert listed(
        render_block({"programme": teamwork.pk, "district": districts["08426"].pk}), news
    ) == ["teamwork-biberach"]
    assert listed(render_block({"count": 1}), news) == ["teamwork-biberach"]


def test_block_renders_a_heading_links_and_dates(news):
    html = render_block({"heading": "Aus der Presse", "count": 2})
    assert '<h2 class="b52-latest-releases__heading">Aus der Presse</h2>' in html
    assert f'href="{news["teamwork-biberach"].url}"' in html
    assert "1. März 2025" in html


def test_block_renders_nothing_when_nothing_matches(news, locale):
    from b52_wagtail.models import Programme

    empty = Programme.objects.create(name="Leer", slug="leer", locale=locale)
    assert render_block({"programme": empty.pk}).strip() == ""


def test_block_is_usable_in_a_host_streamfield(news):
    from wagtail.blocks import StreamBlock

    class HostBody(StreamBlock):
        latest = LatestPressReleasesBlock()

    stream = HostBody().to_python([{"type": "latest", "value": {"count": 2}}])
    html = HostBody().render(stream, context={"request": RequestFactory().get("/")})
    assert "Teamwork Biberach" in html and "Teamwork Ulm" in html
    assert "Alt" not in html


def test_template_tag(news, teamwork, districts, bkk):
    template = Template(
        "{% load b52_press_tags %}"
        "{% latest_press_releases programme=programme district=district organisation=org"
        " count=3 heading='Presse' %}"
    )
    request = RequestFactory().get("/")

    def render(**kwargs):
        context = {"request": request, "programme": None, "district": None, "org": None}
        return template.render(Context({**context, **kwargs}))

    assert listed(render(programme=teamwork), news) == ["teamwork-biberach", "teamwork-ulm"]
    assert listed(render(district=districts["08421"]), news) == ["teamwork-ulm"]
    assert listed(render(org=bkk, programme=teamwork), news) == ["teamwork-ulm"]
    assert listed(render(), news) == ["teamwork-biberach", "teamwork-ulm", "selbsthilfe-biberach"]


def test_template_tag_query_count_is_constant(news, teamwork, django_assert_num_queries):
    template = Template("{% load b52_press_tags %}{% latest_press_releases programme=p count=5 %}")
    context = Context({"request": RequestFactory().get("/"), "p": teamwork})
    template.render(context)  # warms Wagtail's site root paths cache
    with django_assert_num_queries(2):  # view restrictions, releases
        template.render(context)


def test_press_releases_are_a_news_source(news, teamwork, districts, bkk):
    assert PressReleasePage in news_sources()
    assert PressReleasePage.b52_news_date_field == "release_date"
    titles = [page.title for page in latest_news(programmes=[teamwork], limit=5)]
    assert titles == ["Teamwork Biberach", "Teamwork Ulm"]
    # Any of the given criteria (the registry's contract).
    titles = [
        page.title
        for page in latest_news(programmes=[teamwork.pk], districts=[districts["08426"]], limit=5)
    ]
    assert titles == ["Teamwork Biberach", "Teamwork Ulm", "Selbsthilfe Biberach"]
    titles = [page.title for page in latest_news(organisations=[bkk], limit=5)]
    assert titles == ["Teamwork Ulm", "Selbsthilfe Biberach"]
    assert len(latest_news(limit=2)) == 2
