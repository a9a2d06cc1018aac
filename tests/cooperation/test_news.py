"""The field page shows the newest releases of its programmes through the
core's news registry, without the cooperation app knowing the press app."""

import ast
import datetime
from pathlib import Path

import pytest
from django.apps import apps
from wagtail.models import Page

import b52_wagtail.cooperation
from b52_wagtail import content

from .conftest import make_field, make_private, make_programme, publish

pytestmark = pytest.mark.django_db

COOPERATION_DIR = Path(b52_wagtail.cooperation.__file__).parent


def test_the_cooperation_app_never_imports_the_press_app():
    for source in COOPERATION_DIR.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert "press" not in name, f"{source.name} imports {name}"


class FakeNewsSource:
    """A test double registered as a news source: live pages whose slug
    starts with "news-", dated by first_published_at."""

    b52_news_date_field = "first_published_at"
    calls = []

    @classmethod
    def b52_news_queryset(cls, programmes=None, districts=None, organisations=None):
        cls.calls.append(programmes)
        pages = list(
            Page.objects.live()
            .public()
            .filter(slug__startswith="news-")
            .order_by("-first_published_at")
        )
        for page in pages:
            page.b52_news_date_field = cls.b52_news_date_field
        return pages


def test_field_page_asks_the_registry_for_news_of_its_programmes(
    client, monkeypatch, home, kgk_field, teamwork
):
    monkeypatch.setattr(content, "_sources", [FakeNewsSource])
    FakeNewsSource.calls.clear()
    for n in range(1, 5):
        publish(home, Page(title=f"Meldung {n}", slug=f"news-{n}"))

    html = client.get(kgk_field.url).content.decode()

    assert FakeNewsSource.calls == [[teamwork.pk]]
    assert "Aktuelles" in html
    news = html[html.index("b52-field__news") :]
    assert [title for title in ("Meldung 4", "Meldung 3", "Meldung 2") if title in news] == [
        "Meldung 4",
        "Meldung 3",
        "Meldung 2",
    ]
    assert news.index("Meldung 4") < news.index("Meldung 3") < news.index("Meldung 2")
    assert "Meldung 1" not in news
    assert '<a class="b52-card__link" href="/news-4/">Meldung 4</a>' in news


def test_field_without_programmes_and_host_without_news_sources(client, monkeypatch, index):
    monkeypatch.setattr(content, "_sources", [])
    field = make_field(index, title="Pflegestützpunkte")
    html = client.get(field.url).content.decode()
    assert "Aktuelles" not in html


press_installed = pytest.mark.skipif(
    not apps.is_installed("b52_wagtail.press"), reason="the press app is not installed"
)


@press_installed
def test_field_page_shows_the_newest_press_release_of_its_programme(
    client, home, kgk_field, teamwork
):
    PressReleaseIndexPage = apps.get_model("b52_press", "PressReleaseIndexPage")
    PressReleasePage = apps.get_model("b52_press", "PressReleasePage")
    assert PressReleasePage in content.news_sources()
    press = publish(home, PressReleaseIndexPage(title="Presse", slug="presse"))

    def release(title, date, programme=teamwork):
        return publish(
            press,
            PressReleasePage(
                title=title,
                slug=f"pm-{date:%Y%m%d}-{len(title)}",
                release_date=date,
                programme=programme,
            ),
        )

    release("Erster Austausch", datetime.date(2023, 3, 1))
    release("Zweiter Austausch", datetime.date(2024, 3, 1))
    release("Vierter Austausch", datetime.date(2025, 1, 15))
    release(
        "Fünfter Jobcenter übergreifender Austausch im Rahmen von teamw()rk",
        datetime.date(2025, 4, 3),
    )
    release("Anderes Programm", datetime.date(2025, 6, 1), programme=make_programme())
    draft = release("Entwurf von morgen", datetime.date(2025, 7, 1))
    draft.unpublish()
    private = release("Interne Meldung", datetime.date(2025, 8, 1))
    make_private(private)

    html = client.get(kgk_field.url).content.decode()
    news = html[html.index("b52-field__news") :]
    news = news[: news.index("</ul>")]
    assert "Fünfter Jobcenter übergreifender Austausch im Rahmen von teamw()rk" in news
    assert '<time datetime="2025-04-03">3. April 2025</time>' in news
    assert news.index("Fünfter") < news.index("Vierter") < news.index("Zweiter")
    assert "Erster Austausch" not in news  # only the newest three
    assert "Anderes Programm" not in news
    assert "Entwurf von morgen" not in news
    assert "Interne Meldung" not in news
