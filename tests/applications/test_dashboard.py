"""The applications panel on the Wagtail admin home: open calls with days
left, counts per status, district and day, failing mails, jurors' waiting
reviews; only for users who may see applications, in a fixed number of
queries."""

import datetime
import html
import uuid

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.template.context import make_context
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

from b52_wagtail.applications.dashboard import applications_panel
from b52_wagtail.applications.models import (
    ApplicationSubmission,
    Juror,
    Jury,
    MailDelivery,
    Review,
)
from b52_wagtail.applications.models.page import NO_RECIPIENT
from b52_wagtail.models import B52Settings

from .test_permissions import make_group, make_user
from .utils import berlin, make_call, make_form_page

pytestmark = pytest.mark.django_db

HOME = "wagtailadmin_home"


def add_application(page, district, *, status="received", submit_time=None, **fields):
    submission = ApplicationSubmission.objects.create(
        page=page,
        call=page.specific.call,
        applicant_type="gemeinde",
        applicant_name="Gemeinde Salach",
        district=district,
        project_title="Gesund altern",
        summary="Ein Netzwerk.",
        contact_name="Anna Muster",
        email="anna@salach.example",
        phone="07162 1",
        consent=True,
        status=status,
        is_spam=status == "spam",
        form_data={},
        idempotency_token=uuid.uuid4(),
        **fields,
    )
    if submit_time is not None:
        ApplicationSubmission.objects.filter(pk=submission.pk).update(submit_time=submit_time)
    return submission


@pytest.fixture
def users(django_user_model, form_page):
    jury_group = make_group("Jury 2026", "view_applications")
    other_jury = make_group("Jury 2027", "view_applications")
    form_page.reviewer_groups = [jury_group]
    form_page.save_revision().publish()
    return {
        "office": make_user(
            django_user_model, "office", make_group("Geschäftsstelle", "view_all_applications")
        ),
        "editor": make_user(django_user_model, "editor", make_group("Redaktion")),
        "jury": make_user(django_user_model, "jury", jury_group),
        "other_jury": make_user(django_user_model, "other_jury", other_jury),
        "admin": make_user(django_user_model, "admin", is_superuser=True, is_staff=True),
    }


def home_page(client, user):
    client.force_login(user)
    response = client.get(reverse(HOME))
    assert response.status_code == 200
    return response.content.decode()


def panel_context(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    panel = applications_panel(request)
    assert panel is not None
    return panel.get_context_data(make_context({"request": request}, request))


def test_staff_see_calls_statuses_districts_days_and_failing_mails(
    client, users, form_page, call, districts, home
):
    with time_machine.travel(berlin(2026, 12, 2, 12), tick=False):
        closed = make_call(
            home,
            edition=2025,
            slug="ausschreibung-2025",
            start=berlin(2025, 1, 1),
            deadline=berlin(2025, 6, 30, 23, 59),
        )
        call.application_start = berlin(2026, 11, 1)
        call.deadline = berlin(2026, 12, 12, 23, 59)
        call.save_revision().publish()
        goeppingen, esslingen = districts["Göppingen"], districts["Esslingen"]
        failing = add_application(
            form_page, goeppingen, submit_time=berlin(2026, 12, 2, 0, 30), receipt_number="R-1"
        )
        add_application(form_page, goeppingen, status="jury", submit_time=berlin(2026, 12, 1, 23))
        add_application(form_page, esslingen, status="in_review", submit_time=berlin(2026, 11, 20))
        add_application(form_page, esslingen, status="spam", submit_time=berlin(2026, 12, 2, 1))
        MailDelivery.objects.create(submission=failing, kind="confirmation", state="failed")

        context = panel_context(users["office"])
        content = home_page(client, users["office"])

    assert 'id="b52-applications' in content
    # Open calls: only the open one, 10 calendar days left in Berlin.
    assert [(c.pk, c.days, c.application_count) for c in context["open_calls"]] == [
        (call.pk, 10, 3)
    ]
    assert closed.title not in content
    assert call.title in content
    # The German term of the rest of the package (needs the compiled catalogue).
    assert "(Bewerbungsschluss: 12. Dezember 2026, 23:59 Uhr)" in content
    assert "Einsendeschluss" not in content
    # Per status, spam counted apart.
    by_status = {row["status"]: row["count"] for row in context["by_status"]}
    assert by_status == {
        "received": 1,
        "in_review": 1,
        "incomplete": 0,
        "jury": 1,
        "awarded": 0,
        "not_selected": 0,
        "withdrawn": 0,
        "spam": 1,
    }
    assert context["total"] == 3
    # Per district (without spam), most first.
    assert [(row["district__name"], row["n"]) for row in context["districts"]] == [
        (goeppingen.name, 2),
        (esslingen.name, 1),
    ]
    # Per day in Berlin: 00:30 on 2 December is the 2nd, 23:00 on the 1st the 1st.
    days = dict(context["days"])
    assert len(days) == 30
    assert days[datetime.date(2026, 12, 2)] == 1
    assert days[datetime.date(2026, 12, 1)] == 1
    assert days[datetime.date(2026, 11, 20)] == 1
    assert context["days_total"] == 3
    assert max(bar["height"] for bar in context["bars"]) == 48
    # The chart has a text alternative and a table.
    assert 'role="img"' in content and "aria-labelledby" in content
    assert "<details>" in content and "02.12.2026" in content
    # Failing mails link to the application.
    assert context["failed_count"] == 1
    assert reverse("b52_applications_admin:detail", args=[failing.pk]) in content


def test_users_without_the_permission_see_no_panel(client, users, form_page, district):
    add_application(form_page, district)
    content = home_page(client, users["editor"])
    assert 'id="b52-applications' not in content
    request = RequestFactory().get("/admin/")
    request.user = users["editor"]
    assert applications_panel(request) is None


def test_a_reviewer_group_sees_only_the_numbers_of_its_forms(client, users, form_page, district):
    add_application(form_page, district)
    assert panel_context(users["jury"])["total"] == 1
    # The jury of another call may read no form: no panel at all.
    content = home_page(client, users["other_jury"])
    assert 'id="b52-applications' not in content


def test_superusers_see_the_panel(client, users, form_page, district):
    add_application(form_page, district)
    assert 'id="b52-applications' in home_page(client, users["admin"])


@pytest.mark.parametrize("count", [1, 50])
def test_the_panel_runs_a_fixed_number_of_queries(
    users, form_page, districts, count, django_assert_num_queries
):
    names = sorted(districts)
    for index in range(count):
        submission = add_application(
            form_page,
            districts[names[index % len(names)]],
            status=["received", "in_review", "jury"][index % 3],
            receipt_number=f"R-{index}",
        )
        MailDelivery.objects.create(submission=submission, kind="confirmation", state="failed")
    request = RequestFactory().get("/admin/")
    user = type(users["office"]).objects.get(pk=users["office"].pk)  # no cached permissions
    request.user = user
    with django_assert_num_queries(QUERIES):
        panel = applications_panel(request)
        html = panel.render_html(make_context({"request": request}, request))
    assert html.count("<li>") >= min(count, 5)


# One more than before: the forms of the open calls (do they notify anyone?).
QUERIES = 10


def test_forms_of_open_calls_that_notify_nobody_are_named(
    client, users, form_page, call, home, settings
):
    """Neither the form's “An-Adresse” nor the B 52 settings name an address:
    new applications would notify nobody, and the panel says so."""
    settings.LANGUAGE_CODE = "en-us"  # a fresh ``wagtail start`` host
    with translation.override("en"):
        message = str(NO_RECIPIENT)
    assert context_forms(users["office"]) == []
    form_page.to_address = ""
    form_page.save_revision().publish()
    site_settings = B52Settings.for_site(Site.objects.get(is_default_site=True))
    assert not site_settings.office_email
    assert context_forms(users["office"]) == [form_page.pk]
    content = home_page(client, users["office"])
    assert message in html.unescape(content)
    assert reverse("wagtailadmin_pages:edit", args=[form_page.pk]) in content
    assert context_forms(users["admin"]) == [form_page.pk]
    # Not the jury reading the form's applications: the Geschäftsstelle sees to it.
    assert context_forms(users["jury"]) == []

    # The Geschäftsstelle's address in the settings is the recipient.
    site_settings.office_email = "geschaeftsstelle@example.org"
    site_settings.save()
    assert context_forms(users["office"]) == []
    assert message not in html.unescape(home_page(client, users["office"]))

    # A closed call's form is not named.
    site_settings.office_email = ""
    site_settings.save()
    with time_machine.travel(call.deadline + datetime.timedelta(days=1), tick=False):
        assert context_forms(users["office"]) == []


def context_forms(user):
    return [form.pk for form in panel_context(user)["forms_without_recipient"]]


@pytest.mark.parametrize("count", [1, 5])
def test_forms_without_recipient_cost_one_query_however_many(
    users, call, form_page, home, django_assert_num_queries, count
):
    form_page.to_address = ""
    form_page.save_revision().publish()
    for index in range(count - 1):
        page = make_form_page(call, slug=f"bewerbung-{index}")
        page.to_address = ""
        page.save_revision().publish()
    Site.get_site_root_paths()  # cached, as on any admin request after the first
    request = RequestFactory().get("/admin/")
    request.user = type(users["office"]).objects.get(pk=users["office"].pk)
    with django_assert_num_queries(QUERIES + 1):
        context = applications_panel(request).get_context_data(
            make_context({"request": request}, request)
        )
    assert len(context["forms_without_recipient"]) == count


def test_jurors_see_what_waits_for_their_review(
    client, django_user_model, call, form_page, district
):
    juror = make_user(django_user_model, "juror")
    group = Group.objects.create(name="B 52 Jury Test")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="review_applications"),
    )
    juror.groups.add(group)
    jury = Jury.objects.create(call=call, review_deadline=datetime.date(2027, 1, 31))
    Juror.objects.create(jury=jury, user=juror)
    waiting = add_application(form_page, district, status="jury")
    reviewed = add_application(form_page, district, status="jury")
    add_application(form_page, district, status="received")  # not forwarded
    Review.objects.create(submission=reviewed, juror=juror, comment="gut")
    conflict = add_application(form_page, district, status="jury")
    Review.objects.create(submission=conflict, juror=juror, conflict_of_interest=True)

    context = panel_context(juror)
    assert [(row["call__title"], row["n"]) for row in context["jury_waiting"]] == [(call.title, 1)]
    # A juror who may not read applications gets no statistics.
    assert "by_status" not in context
    content = home_page(client, juror)
    assert 'id="b52-applications' in content
    assert call.title in content
    assert "31. Januar 2027" in content  # the German admin
    assert waiting.status == "jury"
