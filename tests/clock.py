"""A stopped clock for tests that read "now" or "today" more than once: at
Berlin midnight (the package's days and days-left turn then) or at the turn
of a minute (the home page's call block is cached per Berlin minute) two
readings of a running clock can disagree."""

import datetime
import zoneinfo

import time_machine
from django.utils import timezone

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def berlin_noon(day=None):
    """Noon in Berlin on ``day`` (a date; by default today in Berlin): twelve
    hours from either midnight."""
    day = day or timezone.localdate(timezone=BERLIN)
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=BERLIN)


def stopped(moment=None):
    """A context manager that stops the clock at ``moment`` (by default now)."""
    return time_machine.travel(moment or timezone.now(), tick=False)
