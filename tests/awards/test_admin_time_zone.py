"""An editor types deadlines in Berlin time, whatever the host's TIME_ZONE
and the editor's own time zone, and is told what to do on the nights the
clocks change."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.users.models import UserProfile

from b52_wagtail import localization
from b52_wagtail.awards.models import AwardCallPage
from b52_wagtail.forms import LocalDateTimeField

from .conftest import berlin
from .test_admin import add_url, call_post_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host_zone", ["UTC", "America/New_York"])
def test_an_editor_on_a_utc_host_enters_2359_berlin(
    client, editor, section, document, settings, host_zone
):
    settings.TIME_ZONE = host_zone
    data = call_post_data(
        document, deadline="30.11.2023 23:59", application_start="01.07.2023 00:00"
    )
    response = client.post(add_url(AwardCallPage, section), data)
    assert response.status_code == 302, response.context["form"].errors
    call = AwardCallPage.objects.get()
    assert call.deadline == berlin(2023, 11, 30, 23, 59)
    assert call.application_start == berlin(2023, 7, 1, 0, 0)
    # The edit form shows it back as typed.
    edit = client.get(f"/admin/pages/{call.pk}/edit/").content.decode()
    assert 'value="30.11.2023 23:59"' in edit or 'value="2023-11-30 23:59"' in edit
    assert "Berliner Zeit" in edit or "Europe/Berlin" in edit


def test_the_editors_own_time_zone_does_not_move_the_deadline(client, editor, section, document):
    profile = UserProfile.get_for_user(editor)
    profile.current_time_zone = "Asia/Tokyo"
    profile.save()
    response = client.post(add_url(AwardCallPage, section), call_post_data(document))
    assert response.status_code == 302
    assert AwardCallPage.objects.get().deadline == berlin(2023, 11, 30, 23, 59)


def test_a_time_in_the_spring_gap_names_both_readings(client, editor, section, document):
    data = call_post_data(
        document, deadline="30.03.2025 02:30", application_start="01.01.2025 00:00"
    )
    response = client.post(add_url(AwardCallPage, section), data)
    assert response.status_code == 200
    assert response.context["form"].errors["deadline"] == [
        # Shown in the admin widget's own format (WAGTAIL_DATETIME_FORMAT).
        "2025-03-30 02:30 gibt es in Berliner Zeit nicht: In dieser Nacht springen die Uhren "
        "von 02:00 auf 03:00. Bitte geben Sie 2025-03-30 01:30 oder 2025-03-30 03:30 ein."
    ]
    assert not AwardCallPage.objects.exists()


def test_a_repeated_hour_in_autumn_needs_mesz_or_mez(client, editor, section, document):
    data = call_post_data(
        document, deadline="26.10.2025 02:30", application_start="01.01.2025 00:00"
    )
    response = client.post(add_url(AwardCallPage, section), data)
    assert response.status_code == 200
    message = response.context["form"].errors["deadline"][0]
    assert "„2025-10-26 02:30 MESZ“ (Sommerzeit" in message
    assert "„2025-10-26 02:30 MEZ“ (Winterzeit" in message
    data = call_post_data(
        document, deadline="26.10.2025 02:30 MEZ", application_start="01.01.2025 00:00"
    )
    assert client.post(add_url(AwardCallPage, section), data).status_code == 302
    deadline = AwardCallPage.objects.get().deadline
    assert deadline.isoformat() == "2025-10-26T01:30:00+00:00"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("26.10.2025 02:30 MESZ", "2025-10-26T02:30:00+02:00"),
        ("26.10.2025 02:30 mez", "2025-10-26T02:30:00+01:00"),
        ("26.10.2025 02:30 CEST", "2025-10-26T02:30:00+02:00"),
        ("2025-10-26 03:00", "2025-10-26T03:00:00+01:00"),
        ("30.03.2025 01:59", "2025-03-30T01:59:00+01:00"),
        ("30.03.2025 03:00", "2025-03-30T03:00:00+02:00"),
        ("31.12.2026 23:59", "2026-12-31T23:59:00+01:00"),
    ],
)
def test_the_field_reads_berlin_time(typed, expected, settings):
    settings.TIME_ZONE = "UTC"
    value = LocalDateTimeField().clean(typed)
    assert value.astimezone(berlin(2000, 1, 1).tzinfo).isoformat() == expected


def test_the_dst_messages_in_english():
    with translation.override("en"):
        field = LocalDateTimeField()
        with pytest.raises(ValidationError) as error:
            field.clean("30.03.2025 02:00")
        messages = error.value.messages
    assert messages == [
        "30.03.2025 02:00 does not exist in Berlin time: the clocks jump from 02:00 to 03:00 "
        "that night. Please enter 30.03.2025 01:00 or 30.03.2025 03:00."
    ]


@pytest.mark.parametrize(
    ("widget_format", "example"),
    [(None, "2022-11-30 23:59"), ("%d.%m.%Y %H:%M", "30.11.2022 23:59")],
)
def test_the_help_names_the_format_the_date_picker_takes(
    client, editor, section, settings, widget_format, example
):
    """Wagtail's date picker writes and reads ``WAGTAIL_DATETIME_FORMAT``
    (by default 2022-11-30 23:59) and replaces a date typed otherwise: the
    help shows an example in that format, and the zone."""
    settings.LANGUAGE_CODE = "en-us"
    settings.TIME_ZONE = "UTC"
    if widget_format:
        settings.WAGTAIL_DATETIME_FORMAT = widget_format
    else:
        del settings.WAGTAIL_DATETIME_FORMAT
    response = client.get(add_url(AwardCallPage, section))
    form = response.context["form"]
    deadline = form.fields["deadline"]
    assert deadline.widget.format == (widget_format or "%Y-%m-%d %H:%M")
    for name in ("application_start", "deadline"):
        help_text = str(form.fields[name].help_text)
        assert "30.11.2022 23:59" not in help_text or example == "30.11.2022 23:59"
        with translation.override(response.wsgi_request.LANGUAGE_CODE):
            assert str(localization.zone_label()) in help_text
    assert example in str(deadline.help_text)
    assert example in html.unescape(response.content.decode())
