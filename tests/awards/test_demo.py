import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from b52_wagtail.awards.models import AwardCallPage, CallStatus, WinnerShowcasePage

pytestmark = pytest.mark.django_db


def build_demo():
    call_command("b52_demo", stdout=io.StringIO())


def test_demo_builds_calls_showcase_and_archive_idempotently(client):
    build_demo()
    build_demo()
    year = timezone.localdate().year
    calls = {call.edition: call for call in AwardCallPage.objects.live()}
    assert set(calls) == {year, 2022, 2017}
    assert calls[year].get_status() in (CallStatus.OPEN, CallStatus.CLOSING_SOON)
    assert calls[2022].get_status() == CallStatus.CLOSED
    assert calls[2017].get_status() == CallStatus.DECIDED
    assert calls[2017].one_prize_per_district is False
    deadline = timezone.localtime(calls[2022].deadline)
    assert (deadline.date(), deadline.hour, deadline.minute) == (
        datetime.date(2022, 11, 30),
        23,
        59,
    )
    assert [p.role for p in calls[year].patrons.all()] == [
        "Präsident des Städtetags Baden-Württemberg",
        "Präsident des Gemeindetags Baden-Württemberg",
    ]
    assert calls[year].call_documents.count() == 4
    showcase = WinnerShowcasePage.objects.get()
    winners = [(w.municipality, str(w.district), w.project_title) for w in showcase.winners.all()]
    assert winners == [
        ("Gemeinde Salach", "Landkreis Göppingen", "Gesund altern in Salach"),
        (
            "Stadt Karlsruhe",
            "Karlsruhe (Stadtkreis)",
            "Runter vom Sofa - Bewegung für alle Generationen",
        ),
        ("Stadt Bad Wimpfen", "Landkreis Heilbronn", "Lotsenpunkt für Alltagshilfen"),
        (
            "Stadt Lauffen am Neckar",
            "Landkreis Heilbronn",
            "Agenda Jugend - Zukunftsperspektiven für Jugendliche schaffen",
        ),
    ]
    for url in [
        "/foerderpreis/",
        f"/foerderpreis/ausschreibung-{year}/",
        "/foerderpreis/ausschreibung-2022/",
        "/foerderpreis/ausschreibung-2017/",
        "/foerderpreis/preistraeger/",
        "/foerderpreis/preistraeger/preistraeger-2017/",
        "/foerderpreis/preistraeger/?year=2017&district=08125",
    ]:
        assert client.get(url).status_code == 200, url
    page = client.get(f"/foerderpreis/ausschreibung-{year}/").content.decode()
    assert "5.200 €" in page
    assert "Bewerbungsschluss:" in page
