import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from b52_wagtail.awards.models import AwardCallPage, CallStatus, WinnerShowcasePage
from tests.clock import berlin_noon, stopped

pytestmark = pytest.mark.django_db


def build_demo():
    call_command("b52_demo", stdout=io.StringIO())


def test_demo_builds_calls_showcase_and_archive_idempotently(client):
    # One stopped clock: the current call is the year of the day the demo is
    # built, and New Year's midnight between building and reading would
    # look for the next year's.
    with stopped(berlin_noon()):
        build_demo()
        build_demo()
        year = timezone.localdate().year
        calls = {call.edition: call for call in AwardCallPage.objects.live()}
        # A call for every year the demo's releases speak of, and the current one.
        assert set(calls) == {2017, 2022, 2023, 2024, 2025, year}
        assert calls[year].get_status() in (CallStatus.OPEN, CallStatus.CLOSING_SOON)
        assert calls[2025].get_status() == CallStatus.CLOSED
        for edition in (2017, 2022, 2023, 2024):
            assert calls[edition].get_status() == CallStatus.DECIDED
        assert all(call.one_prize_per_district for call in calls.values())
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
        showcases = {s.call.edition: s for s in WinnerShowcasePage.objects.select_related("call")}
        assert set(showcases) == {2017, 2022, 2023, 2024}
        winners = [
            (w.municipality, str(w.district), w.project_title)
            for w in showcases[2017].winners.all()
        ]
        # The winner the domain notes name, and invented ones labelled as such.
        assert winners[0] == ("Gemeinde Salach", "Landkreis Göppingen", "Gesund altern in Salach")
        assert len(winners) == 4
        assert all("(fiktiv)" in municipality for municipality, _, _ in winners[1:])
        assert "Auswahl" in showcases[2017].intro
        for url in [
            "/foerderpreis/",
            f"/foerderpreis/ausschreibung-{year}/",
            "/foerderpreis/ausschreibung-2022/",
            "/foerderpreis/ausschreibung-2017/",
            "/foerderpreis/preistraeger/",
            "/foerderpreis/preistraeger/preistraeger-2017/",
            "/foerderpreis/preistraeger/?year=2017&district=08117",
            "/foerderpreis/preistraeger/preistraeger-2024/",
        ]:
            assert client.get(url).status_code == 200, url
        page = client.get(f"/foerderpreis/ausschreibung-{year}/").content.decode()
        assert "5.200 €" in page
        assert "Bewerbungsschluss:" in page
