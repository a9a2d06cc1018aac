"""The Geschäftsstelle's side of the jury: juries, the ranking with every
review and its export, invitations of external jurors, reminders and the
migration of the reviewer groups."""

import csv
import datetime
import importlib
import io
import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import PageLogEntry
from wagtail.users.models import UserProfile

from b52_wagtail import localization
from b52_wagtail.applications.jury.invitations import invitation_url
from b52_wagtail.applications.jury.reminders import send_reminders
from b52_wagtail.applications.models import (
    ApplicationStatus,
    Juror,
    Jury,
    JuryReminder,
    Review,
    Score,
)
from tests.clock import stopped

from .jury_helpers import jury_group, make_application, make_juror, make_jury, make_staff
from .utils import make_call, make_form_page

pytestmark = pytest.mark.django_db


def review(submission, juror, jury, *values, conflict=False, comment=""):
    row = Review.objects.create(
        submission=submission, juror=juror, conflict_of_interest=conflict, comment=comment
    )
    for criterion, value in zip(jury.criteria.order_by("sort_order"), values, strict=False):
        Score.objects.create(review=row, criterion=criterion, value=value)
    return row


@pytest.fixture
def jury(call):
    return make_jury(call)


@pytest.fixture
def office(django_user_model):
    return make_staff(django_user_model)


@pytest.fixture
def scored(django_user_model, jury, form_page, districts):
    """Weights 2 (Wirkung) and 1 (Nachhaltigkeit)."""
    anna = make_juror(django_user_model, "anna", jury)
    ben = make_juror(django_user_model, "ben", jury)
    goeppingen, boeblingen = districts["Göppingen"], districts["Böblingen"]
    first = make_application(form_page, goeppingen, 1)
    second = make_application(form_page, goeppingen, 2)
    third = make_application(form_page, boeblingen, 3)
    unscored = make_application(form_page, boeblingen, 4)
    make_application(form_page, goeppingen, 5, status=ApplicationStatus.IN_REVIEW)
    review(first, anna, jury, 8, 5, comment="Stark")  # (16 + 5) / 3 = 7
    review(first, ben, jury, 2, 8)  # (4 + 8) / 3 = 4
    review(second, anna, jury, 10, 10)  # 10
    review(second, ben, jury, conflict=True)
    review(third, anna, jury, 6, 6)  # 6
    review(third, ben, jury, 9)  # incomplete: not counted
    return {"first": first, "second": second, "third": third, "unscored": unscored}


def test_ranking_arithmetic(client, office, jury, scored):
    client.force_login(office)
    response = client.get(reverse("b52_jury:ranking", args=[jury.pk]))
    assert response.status_code == 200
    rows = {row.submission.pk: row for row in response.context["rows"]}
    order = [row.submission.pk for row in response.context["rows"]]
    assert order == [scored[k].pk for k in ("second", "third", "first", "unscored")]
    first = rows[scored["first"].pk]
    assert (first.rank, first.average, first.minimum, first.maximum) == (3, 5.5, 4.0, 7.0)
    assert first.stdev == pytest.approx(1.5)
    assert (first.review_count, first.conflict_count) == (2, 0)
    second = rows[scored["second"].pk]
    assert (second.rank, second.average, second.review_count, second.conflict_count) == (
        1,
        10.0,
        1,
        1,
    )
    third = rows[scored["third"].pk]
    assert (third.rank, third.average, third.review_count) == (2, 6.0, 1)
    unscored = rows[scored["unscored"].pk]
    assert (unscored.rank, unscored.average, unscored.review_count) == (None, None, 0)
    html = response.content.decode()
    assert "Stark" in html  # staff see every review, and the conflict
    assert "Conflict of interest declared" in html or "Befangenheit" in html


def test_ranking_per_district(client, office, jury, scored, districts):
    client.force_login(office)
    url = reverse("b52_jury:ranking", args=[jury.pk])
    response = client.get(url, {"district": districts["Böblingen"].pk})
    assert [row.submission.pk for row in response.context["rows"]] == [
        scored["third"].pk,
        scored["unscored"].pk,
    ]
    assert response.context["rows"][0].rank == 1
    assert client.get(url, {"district": "x"}).status_code == 404
    assert client.get(url, {"district": districts["Ulm"].pk}).status_code == 404
    assert client.get(url, {"district": ""}).status_code == 200


def test_ranking_export_csv_and_xlsx(client, office, jury, scored, call):
    client.force_login(office)
    url = reverse("b52_jury:ranking", args=[jury.pk])
    response = client.get(url, {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(lines) == 5
    assert lines[1][:2] == ["1", scored["second"].receipt_number]
    assert lines[3][6:11] == ["5,50", "4,00", "7,00", "1,50", "2"]
    response = client.get(url, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[3][0] == 3 and values[3][6] == 5.5 and values[3][9] == 1.5
    assert values[4][0] is None and values[4][6] is None
    assert (
        PageLogEntry.objects.filter(
            page=call, action="b52_applications.jury_ranking_export"
        ).count()
        == 2
    )


def test_ranking_and_juries_are_staff_only(client, django_user_model, jury, scored):
    anna = jury.jurors.get(user__username="anna").user
    client.force_login(anna)
    assert client.get(reverse("b52_jury:ranking", args=[jury.pk])).status_code == 403
    assert client.get(reverse("b52_jury:invite", args=[jury.pk])).status_code == 403
    assert client.get(reverse("b52_juries:index")).status_code in (302, 403)
    assert client.get(reverse("b52_juries:edit", args=[jury.pk])).status_code in (302, 403)
    client.logout()
    assert client.get(reverse("b52_jury:ranking", args=[jury.pk])).status_code == 302


def test_staff_set_up_a_jury_from_jury_group_members_only(client, django_user_model, office, home):
    call = make_call(home, edition=2028, slug="ausschreibung-2028")
    member = make_juror(django_user_model, "carla")
    outsider = django_user_model.objects.create_user("dieter", "d@example.org", "pw")
    client.force_login(office)
    form = client.get(reverse("b52_juries:add")).content.decode()
    assert "Carla (carla@example.org)" in form and "dieter" not in form.lower()
    data = {
        "call": call.pk,
        "review_deadline": "2028-12-15",
        "jurors-TOTAL_FORMS": 1,
        "jurors-INITIAL_FORMS": 0,
        "jurors-MIN_NUM_FORMS": 0,
        "jurors-MAX_NUM_FORMS": 1000,
        "jurors-0-user": outsider.pk,
        "jurors-0-ORDER": 1,
        "jurors-0-id": "",
        "jurors-0-DELETE": "",
        "criteria-TOTAL_FORMS": 1,
        "criteria-INITIAL_FORMS": 0,
        "criteria-MIN_NUM_FORMS": 1,
        "criteria-MAX_NUM_FORMS": 1000,
        "criteria-0-name": "Wirkung",
        "criteria-0-weight": 3,
        "criteria-0-description": "",
        "criteria-0-ORDER": 1,
        "criteria-0-id": "",
        "criteria-0-DELETE": "",
    }
    response = client.post(reverse("b52_juries:add"), data)
    assert response.status_code == 200 and not Jury.objects.filter(call=call).exists()
    data["jurors-0-user"] = member.pk
    response = client.post(reverse("b52_juries:add"), data)
    assert response.status_code == 302
    jury = Jury.objects.get(call=call)
    assert jury.review_deadline == datetime.date(2028, 12, 15)
    assert [j.user for j in jury.jurors.all()] == [member]
    assert [(c.name, c.weight) for c in jury.criteria.all()] == [("Wirkung", 3)]


# Invitations -----------------------------------------------------------------------


def test_invitation_of_an_external_juror(client, office, jury, django_user_model):
    client.force_login(office)
    url = reverse("b52_jury:invite", args=[jury.pk])
    response = client.post(url, {"name": "Eva Extern", "email": "eva@extern.example"})
    assert response.status_code == 302
    user = django_user_model.objects.get(email="eva@extern.example")
    assert not user.is_active and not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Eva", "Extern")
    assert list(user.groups.all()) == [jury_group()]
    assert Juror.objects.filter(jury=jury, user=user).exists()
    [message] = mail.outbox
    assert message.to == ["eva@extern.example"]
    assert "Einladung" in message.subject  # needs the compiled catalogue
    link = re.search(r"https?://\S+/jury/invitation/\S+/", message.body).group(0)
    path = re.sub(r"^https?://[^/]+", "", link)
    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and 'lang="de"' in page.content.decode()
    assert client.post(path, {"new_password1": "kurz", "new_password2": "kurz"}).status_code == 200
    password = "Sommer-Jury-2026!"
    response = client.post(path, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.check_password(password)
    assert client.get(path).status_code == 404  # used once only
    assert client.login(username="eva@extern.example", password=password)
    assert client.get(reverse("b52_jury:index")).status_code == 200
    # The same address cannot be invited twice.
    client.force_login(office)
    response = client.post(url, {"name": "Eva", "email": "EVA@extern.example"})
    assert response.status_code == 200 and response.context["form"].errors


def fresh_host(settings):
    """A host as ``wagtail start`` makes it: English, UTC, no LocaleMiddleware."""
    settings.LANGUAGE_CODE = "en-us"
    settings.TIME_ZONE = "UTC"
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "django.middleware.locale.LocaleMiddleware"
    ]


def test_an_invited_juror_gets_the_packages_language_on_an_english_host(
    client, office, jury, django_user_model, settings
):
    fresh_host(settings)
    client.force_login(office)
    url = reverse("b52_jury:invite", args=[jury.pk])
    response = client.post(url, {"name": "Eva Extern", "email": "eva@extern.example"})
    assert response.status_code == 302
    user = django_user_model.objects.get(email="eva@extern.example")
    assert UserProfile.get_for_user(user).preferred_language == "de"
    [message] = mail.outbox
    link = re.search(r"https?://\S+/jury/invitation/\S+/", message.body)[0]
    path = re.sub(r"^https?://[^/]+", "", link)
    client.logout()
    page = client.get(path)
    assert 'lang="de"' in page.content.decode()
    password = "Sommer-Jury-2026!"
    response = client.post(path, {"new_password1": password, "new_password2": password})
    # Straight into the admin, signed in: not Wagtail's sign-in page in the host's English.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert home.wsgi_request.user == user
    assert 'lang="de"' in home.content.decode()


def test_an_invitation_keeps_a_language_the_juror_chose(client, jury, django_user_model, settings):
    fresh_host(settings)
    user = make_juror(django_user_model, "frieda", is_active=False)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    path = re.sub(r"^https?://[^/]+", "", invitation_url(user, jury.call))
    password = "Sommer-Jury-2026!"
    response = client.post(path, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    assert UserProfile.get_for_user(user).preferred_language == "en"
    assert 'lang="en"' in client.get(response["Location"]).content.decode()


def test_invitation_leaves_nothing_when_the_mail_fails(
    client, office, jury, django_user_model, settings
):
    settings.EMAIL_BACKEND = "tests.applications.backends.FlakyBackend"
    client.force_login(office)
    url = reverse("b52_jury:invite", args=[jury.pk])
    response = client.post(url, {"name": "Eva Extern", "email": "eva@extern.example"})
    assert response.status_code == 302 and response["Location"] == url
    assert not django_user_model.objects.filter(email="eva@extern.example").exists()
    assert not jury.jurors.exists()


def test_invitation_link_with_a_bad_token(client, django_user_model):
    user = make_juror(django_user_model, "fritz", is_active=False)
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = client.get(reverse("b52_applications:jury_invitation", args=[uid, "1-abc"]))
    assert response.status_code == 404


# Reminders -------------------------------------------------------------------------


def test_reminders_retry_after_a_mail_failure(
    django_user_model, jury, form_page, district, settings
):
    from .backends import FlakyBackend

    settings.EMAIL_BACKEND = "tests.applications.backends.FlakyBackend"
    with stopped():  # "today" is the same day here and in send_reminders
        jury.review_deadline = localization.localdate()
        jury.save()
        make_juror(django_user_model, "anna", jury)
        make_application(form_page, district, 1)
        FlakyBackend.down = True
        assert send_reminders(days=3) == 0
        assert not JuryReminder.objects.exists()
        FlakyBackend.down = False
        try:
            assert send_reminders(days=3) == 1
        finally:
            FlakyBackend.down = True
    assert len(mail.outbox) == 1


def test_reminders_are_sent_once_to_jurors_with_open_reviews(
    django_user_model, jury, form_page, district
):
    jury.review_deadline = localization.localdate() + datetime.timedelta(days=2)
    jury.save()
    anna = make_juror(django_user_model, "anna", jury)
    ben = make_juror(django_user_model, "ben", jury)
    make_juror(django_user_model, "inaktiv", jury, is_active=False)
    first = make_application(form_page, district, 1)
    second = make_application(form_page, district, 2)
    make_application(form_page, district, 3, status=ApplicationStatus.IN_REVIEW)
    review(first, ben, jury, 5, 5)
    review(second, ben, jury, conflict=True)  # ben has nothing open
    review(first, anna, jury, 5)  # incomplete: still open
    assert send_reminders(days=3) == 1
    [message] = mail.outbox
    assert message.to == ["anna@example.org"]
    assert "Erinnerung" in message.subject  # needs the compiled catalogue
    assert reverse("b52_jury:index") in message.body
    assert send_reminders(days=3) == 0
    call_command("b52_jury_reminders", "--days", "3", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    assert JuryReminder.objects.count() == 1
    # A moved deadline is reminded again.
    jury.review_deadline += datetime.timedelta(days=1)
    jury.save()
    assert send_reminders(days=3) == 1


def test_no_reminder_too_early_or_after_the_deadline(django_user_model, jury, form_page, district):
    make_juror(django_user_model, "anna", jury)
    make_application(form_page, district, 1)
    with stopped():  # "today" is the same day here and in send_reminders
        jury.review_deadline = localization.localdate() + datetime.timedelta(days=4)
        jury.save()
        assert send_reminders(days=3) == 0
        jury.review_deadline = localization.localdate() - datetime.timedelta(days=1)
        jury.save()
        assert send_reminders(days=3) == 0
    assert not mail.outbox


# Migration of the reviewer groups --------------------------------------------------------


def test_reviewer_groups_become_jurors(django_user_model, call, form_page, home):
    migration = importlib.import_module(
        "b52_wagtail.applications.migrations.0007_jury_group_and_reviewers"
    )
    reviewers = Group.objects.create(name="Jury 2026")
    users = [
        django_user_model.objects.create_user(name, f"{name}@example.org", "pw")
        for name in ("gabi", "hans")
    ]
    reviewers.user_set.add(*users)
    form_page.reviewer_groups = [reviewers]
    form_page.save_revision().publish()
    make_form_page(make_call(home, edition=2027, slug="ausschreibung-2027"), slug="b-2027")
    migration.create_group_and_jurors(django_apps, None)
    migration.create_group_and_jurors(django_apps, None)  # re-runnable
    jury = Jury.objects.get()
    assert jury.call_id == call.pk
    assert sorted(j.user.username for j in jury.jurors.all()) == ["gabi", "hans"]
    assert all(jury_group() in user.groups.all() for user in users)
    permissions = {p.codename for p in jury_group().permissions.all()}
    assert permissions == {"access_admin", "review_applications"}


def test_staff_see_reviews_and_conflicts_on_the_application(client, office, jury, scored):
    client.force_login(office)
    url = reverse("b52_applications_admin:detail", args=[scored["second"].pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wirkung: 10" in html
    assert html.count("b52-jury-conflict") == 1


def test_the_call_chooser_speaks_each_editors_language(client, django_user_model, office):
    """Wagtail spells its chooser's button when the form class is made: an
    English-speaking admin who opens the jury form first must not make it
    English for the German Geschäftsstelle."""
    from wagtail.users.models import UserProfile

    english = django_user_model.objects.create_superuser("english", "en@example.org", "pw")
    profile = UserProfile.get_for_user(english)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(english)
    assert "Choose a page (Award call)" in client.get(reverse("b52_juries:add")).content.decode()
    client.force_login(office)
    form = client.get(reverse("b52_juries:add")).content.decode()
    assert "Seite auswählen (Ausschreibung)" in form
    assert "Choose a page" not in form
