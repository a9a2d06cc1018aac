"""The call's status and badge under a frozen clock, around every boundary,
whatever the host's TIME_ZONE (every test runs under three)."""

import datetime

import pytest
import time_machine
from django.test import override_settings
from django.utils import translation

from b52_wagtail.awards.models import CallStatus

from .conftest import berlin, make_call, make_showcase

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture(autouse=True, params=["Europe/Berlin", "UTC", "America/New_York"])
def host_time_zone(request, settings):
    """The deadline is a legal time in Baden-Württemberg: the host's zone
    must not move it (a partner site made by wagtail start runs on UTC)."""
    settings.TIME_ZONE = request.param
    return request.param


@pytest.fixture
def call_2022(section):
    return make_call(
        section,
        2022,
        start=berlin(2022, 7, 1, 0, 0),
        deadline=berlin(2022, 11, 30, 23, 59),
    )


def status_at(call, moment):
    with time_machine.travel(moment, tick=False):
        return call.get_status()


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (berlin(2022, 6, 30, 23, 59, 59), CallStatus.ANNOUNCED),
        (berlin(2022, 7, 1, 0, 0, 0), CallStatus.OPEN),
        (berlin(2022, 11, 15, 23, 59, 59), CallStatus.OPEN),
        (berlin(2022, 11, 16, 0, 0, 0), CallStatus.CLOSING_SOON),
        (berlin(2022, 11, 30, 23, 58, 59), CallStatus.CLOSING_SOON),
        (berlin(2022, 11, 30, 23, 59, 0), CallStatus.CLOSING_SOON),
        (berlin(2022, 11, 30, 23, 59, 59), CallStatus.CLOSING_SOON),
        (berlin(2022, 12, 1, 0, 0, 0), CallStatus.CLOSED),
        (berlin(2023, 6, 1, 12, 0, 0), CallStatus.CLOSED),
    ],
)
def test_status_around_start_closing_soon_and_deadline_minute(call_2022, moment, expected):
    assert status_at(call_2022, moment) == expected


def test_deadline_minute_is_the_last_accepted_minute(call_2022):
    assert call_2022.accepts_applications(berlin(2022, 11, 30, 23, 59, 59, 999999))
    assert not call_2022.accepts_applications(berlin(2022, 12, 1, 0, 0, 0))
    assert not call_2022.accepts_applications(berlin(2022, 6, 30, 23, 59, 59))
    assert call_2022.accepts_applications(berlin(2022, 7, 1, 0, 0, 0))
    assert call_2022.closes_at == berlin(2022, 12, 1, 0, 0)


@override_settings(B52_CLOSING_SOON_DAYS=3)
def test_closing_soon_days_is_configurable(call_2022):
    assert status_at(call_2022, berlin(2022, 11, 26, 23, 59, 59)) == CallStatus.OPEN
    assert status_at(call_2022, berlin(2022, 11, 27, 0, 0)) == CallStatus.CLOSING_SOON


def test_call_without_dates_is_announced_and_accepts_nothing(section):
    call = make_call(section, 2030, publish=False)
    assert call.get_status() == CallStatus.ANNOUNCED
    assert not call.accepts_applications()
    with translation.override("de"):
        assert call.get_badge()["detail"] == "Termine folgen"


# Europe/Berlin switches to summer time on the last Sunday of March
# (26 March 2023, 02:00 -> 03:00) and back on the last Sunday of October
# (30 October 2022, 03:00 -> 02:00).


@pytest.mark.parametrize(
    ("deadline", "last_second_utc", "first_refused_utc"),
    [
        # deadline on the spring-forward day: CEST, UTC+2
        (berlin(2023, 3, 26, 23, 59), (2023, 3, 26, 21, 59, 59), (2023, 3, 26, 22, 0, 0)),
        # deadline on the fall-back day: CET, UTC+1
        (berlin(2022, 10, 30, 23, 59), (2022, 10, 30, 22, 59, 59), (2022, 10, 30, 23, 0, 0)),
        # deadline the evening before the spring-forward night: still CET
        (berlin(2023, 3, 25, 23, 59), (2023, 3, 25, 22, 59, 59), (2023, 3, 25, 23, 0, 0)),
    ],
)
def test_deadline_minute_on_dst_change_days(section, deadline, last_second_utc, first_refused_utc):
    call = make_call(section, deadline.year, start=berlin(deadline.year, 1, 2), deadline=deadline)
    last = datetime.datetime(*last_second_utc, tzinfo=UTC)
    refused = datetime.datetime(*first_refused_utc, tzinfo=UTC)
    assert status_at(call, last) == CallStatus.CLOSING_SOON
    assert call.accepts_applications(last)
    assert status_at(call, refused) == CallStatus.CLOSED
    assert not call.accepts_applications(refused)
    with time_machine.travel(last, tick=False), translation.override("de"):
        assert call.get_badge()["detail"].startswith("letzter Tag · ")
        assert "23:59 Uhr" in call.get_badge()["detail"]


@pytest.mark.parametrize(
    ("deadline", "switch_utc"),
    [
        # 14 calendar days before 9 April 2023 is 26 March (a 23-hour day)
        (berlin(2023, 4, 9, 23, 59), datetime.datetime(2023, 3, 25, 23, 0, tzinfo=UTC)),
        # 14 calendar days before 13 November 2022 is 30 October (a 25-hour day)
        (berlin(2022, 11, 13, 23, 59), datetime.datetime(2022, 10, 29, 22, 0, tzinfo=UTC)),
    ],
)
def test_closing_soon_starts_at_berlin_midnight_across_dst(section, deadline, switch_utc):
    call = make_call(section, deadline.year, start=berlin(deadline.year, 1, 2), deadline=deadline)
    assert status_at(call, switch_utc - datetime.timedelta(seconds=1)) == CallStatus.OPEN
    assert status_at(call, switch_utc) == CallStatus.CLOSING_SOON
    with time_machine.travel(switch_utc, tick=False):
        assert call.days_left() == 14


def test_days_left_counts_berlin_calendar_days_over_the_spring_forward_night(section):
    call = make_call(section, 2023, start=berlin(2023, 1, 2), deadline=berlin(2023, 3, 27, 12, 0))
    # 25 March 23:30 CET is 22:30 UTC; 26 March 00:30 CET is 23:30 UTC.
    assert call.days_left(berlin(2023, 3, 25, 23, 30)) == 2
    assert call.days_left(berlin(2023, 3, 26, 0, 30)) == 1
    assert call.days_left(berlin(2023, 3, 26, 23, 30)) == 1
    assert call.days_left(berlin(2023, 3, 27, 0, 0)) == 0


def test_decided_when_a_live_showcase_links_to_the_closed_call(call_2022, archive, districts):
    showcase = make_showcase(
        archive, call_2022, [("Gemeinde Salach", districts["08117"], "Gesund altern")]
    )
    call_2022.refresh_from_db()
    # before the deadline minute has passed, the clock wins
    assert status_at(call_2022, berlin(2022, 11, 30, 23, 59, 59)) == CallStatus.CLOSING_SOON
    assert status_at(call_2022, berlin(2022, 12, 1, 0, 0, 0)) == CallStatus.DECIDED
    showcase.unpublish()
    call_2022.refresh_from_db()
    del call_2022._b52_decided
    assert status_at(call_2022, berlin(2022, 12, 1, 0, 0, 0)) == CallStatus.CLOSED


def test_draft_showcase_does_not_decide(call_2022, archive, districts):
    make_showcase(archive, call_2022, [("A", districts["08117"], "B")], publish=False)
    assert status_at(call_2022, berlin(2023, 1, 1)) == CallStatus.CLOSED


BADGES = [
    # moment, German label, German detail, English label, English detail
    (
        berlin(2022, 6, 1, 12, 0),
        "Angekündigt",
        "Bewerbungen ab 1. Juli 2022, 00:00 Uhr",
        "Announced",
        "Applications from July 1, 2022, 00:00",
    ),
    (
        berlin(2022, 11, 1, 12, 0),
        "Bewerbung möglich",
        "noch 29 Tage · Bewerbungsschluss: 30. November 2022, 23:59 Uhr",
        "Open for applications",
        "29 days left · Deadline: November 30, 2022, 23:59",
    ),
    (
        berlin(2022, 11, 29, 9, 0),
        "Bewerbungsschluss naht",
        "noch 1 Tag · Bewerbungsschluss: 30. November 2022, 23:59 Uhr",
        "Closing soon",
        "1 day left · Deadline: November 30, 2022, 23:59",
    ),
    (
        berlin(2022, 11, 30, 23, 59, 59),
        "Bewerbungsschluss naht",
        "letzter Tag · Bewerbungsschluss: 30. November 2022, 23:59 Uhr",
        "Closing soon",
        "last day · Deadline: November 30, 2022, 23:59",
    ),
    (
        berlin(2022, 12, 1, 0, 0),
        "Bewerbungsfrist abgelaufen",
        "Bewerbungsschluss war der 30. November 2022, 23:59 Uhr",
        "Closed",
        "Applications closed on November 30, 2022, 23:59",
    ),
]


@pytest.mark.parametrize(("moment", "de_label", "de_detail", "en_label", "en_detail"), BADGES)
def test_badge_text_in_german_and_english(
    call_2022, moment, de_label, de_detail, en_label, en_detail
):
    with time_machine.travel(moment, tick=False):
        with translation.override("de"):
            badge = call_2022.get_badge()
            assert (str(badge["label"]), badge["detail"]) == (de_label, de_detail)
        with translation.override("en"):
            badge = call_2022.get_badge()
            assert (str(badge["label"]), badge["detail"]) == (en_label, en_detail)


def test_badge_decided_in_german_and_english(call_2022, archive, districts):
    make_showcase(archive, call_2022, [("A", districts["08117"], "B")])
    call_2022.refresh_from_db()
    with time_machine.travel(berlin(2023, 2, 1), tick=False):
        with translation.override("de"):
            assert str(call_2022.get_badge()["label"]) == "Preisträger stehen fest"
        with translation.override("en"):
            assert str(call_2022.get_badge()["label"]) == "Winners announced"


def test_badge_on_the_public_page_with_a_frozen_clock(client, call_2022):
    with time_machine.travel(berlin(2022, 11, 28, 10, 0), tick=False):
        html = client.get(call_2022.url).content.decode()
    assert "b52-badge--closing-soon" in html
    assert "Bewerbungsschluss naht" in html
    assert "noch 2 Tage" in html
    assert "Bewerbungsschluss: 30. November 2022, 23:59 Uhr" in html


@pytest.mark.parametrize(
    ("language", "amount", "expected"),
    [
        ("de", "5200", "5.200 €"),
        ("en", "5200", "€5,200"),
        ("de", "5200.50", "5.200,50 €"),
        ("en", "1234567.5", "€1,234,567.50"),
    ],
)
def test_prize_money_in_the_active_language(call_2022, language, amount, expected):
    from decimal import Decimal

    call_2022.prize_money = Decimal(amount)
    with translation.override(language):
        assert call_2022.prize_money_display == expected


def test_eligibility_by_kgk_and_applicant_type(call_2022, districts):
    district = districts["08117"]
    district.has_kgk = False
    assert not call_2022.is_district_eligible(district)
    assert not call_2022.is_district_eligible(None)
    district.has_kgk = True
    assert call_2022.is_district_eligible(district)
    call_2022.requires_kgk = False
    district.has_kgk = False
    assert call_2022.is_district_eligible(district)
    call_2022.applicant_types = ["gemeinde"]
    assert call_2022.admits_applicant_type("gemeinde")
    assert not call_2022.admits_applicant_type("stadt")
    assert not call_2022.admits_applicant_type("")
