"""The juror's side of the jury: only the applications of their calls that
were forwarded to the jury, conflicts of interest, scoring, the review
deadline, attachments and the ZIP."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from b52_wagtail import localization
from b52_wagtail.applications.models import ApplicationStatus, Review, Score
from tests.clock import stopped

from .jury_helpers import bulk_applications, make_application, make_juror, make_jury
from .utils import make_call, make_form_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def jury(call):
    return make_jury(call)


@pytest.fixture
def other_call_page(home):
    return make_form_page(
        make_call(home, edition=2027, slug="ausschreibung-2027"), slug="bewerbung-2027"
    )


@pytest.fixture
def other_jury(other_call_page):
    return make_jury(other_call_page.call)


@pytest.fixture
def juror(django_user_model, jury):
    return make_juror(django_user_model, "anna", jury)


@pytest.fixture
def apps(form_page, other_call_page, district):
    return {
        "forwarded": make_application(
            form_page, district, 1, files=[("bewerbungsbogen.pdf", b"%PDF-1 eins")]
        ),
        "second": make_application(form_page, district, 2),
        "in_review": make_application(form_page, district, 3, status=ApplicationStatus.IN_REVIEW),
        "awarded": make_application(form_page, district, 4, status=ApplicationStatus.AWARDED),
        "other_call": make_application(
            other_call_page, district, 5, files=[("fremd.pdf", b"%PDF-1 fremd")]
        ),
    }


def application_url(submission):
    return reverse("b52_jury:application", args=[submission.pk])


def score_data(jury, *values, comment="Gut"):
    data = {"comment": comment}
    for criterion, value in zip(jury.criteria.order_by("sort_order"), values, strict=True):
        data[f"criterion_{criterion.pk}"] = value
    return data


# Login and list -------------------------------------------------------------------


def test_juror_logs_in_and_sees_only_forwarded_applications_of_their_call(
    client, juror, jury, apps
):
    assert client.login(username="anna", password="pw")
    response = client.get(reverse("b52_jury:index"))
    assert response.status_code == 200
    listed = {row["submission"].pk for group in response.context["groups"] for row in group["rows"]}
    assert listed == {apps["forwarded"].pk, apps["second"].pk}
    html = response.content.decode()
    assert "Projekt 1" in html and "Projekt 2" in html
    for name in ("Projekt 3", "Projekt 4", "Projekt 5"):
        assert name not in html


def test_juror_sees_nothing_else_of_applications(client, juror, apps):
    client.force_login(juror)
    for url in (
        reverse("b52_applications_admin:index"),
        reverse("b52_applications_admin:detail", args=[apps["forwarded"].pk]),
        reverse("b52_applications:attachment", args=[apps["forwarded"].attachments.get().pk]),
        reverse("wagtailforms:list_submissions", args=[apps["forwarded"].page_id]),
    ):
        assert client.get(url).status_code in (302, 403), url
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("b52_jury:index") in menu
    assert reverse("b52_applications_admin:index") not in menu


def test_juror_of_another_call_and_non_forwarded_applications_are_refused(
    client, django_user_model, juror, other_jury, apps
):
    client.force_login(juror)
    for key in ("in_review", "awarded", "other_call"):
        submission = apps[key]
        assert client.get(application_url(submission)).status_code == 403, key
        assert client.get(reverse("b52_jury:conflict", args=[submission.pk])).status_code == 403, (
            key
        )
    other = apps["other_call"].attachments.get()
    assert client.get(reverse("b52_jury:attachment", args=[other.pk])).status_code == 403
    assert client.get(reverse("b52_jury:zip", args=[other_jury.pk])).status_code == 403
    assert client.get(reverse("b52_jury:ranking", args=[other_jury.pk])).status_code == 403
    assert client.get(reverse("b52_jury:invite", args=[other_jury.pk])).status_code == 403
    assert client.get(reverse("b52_juries:edit", args=[other_jury.pk])).status_code in (302, 403)


def test_juror_without_the_jury_permission_sees_nothing(client, django_user_model, jury, apps):
    user = make_juror(django_user_model, "ohne", jury)
    user.groups.clear()
    client.force_login(user)
    assert client.get(reverse("b52_jury:index")).status_code in (302, 403)
    assert client.get(application_url(apps["forwarded"])).status_code in (302, 403)


def test_anonymous_is_sent_to_login(client, apps):
    response = client.get(application_url(apps["forwarded"]))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


def test_index_query_count_does_not_grow(
    client, juror, jury, form_page, district, django_assert_num_queries
):
    """10 or 1,000 applications (some reviewed, one with a conflict): the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = [make_application(form_page, district, number) for number in range(1, 11)]
    Review.objects.create(submission=made[0], juror=juror, conflict_of_interest=True)
    client.force_login(juror)
    client.get(reverse("b52_jury:index"))  # warm the admin's per-process caches
    with CaptureQueriesContext(connection) as ten:
        assert len(client.get(reverse("b52_jury:index")).context["groups"][0]["rows"]) == 10
    made += bulk_applications(form_page, district, range(11, 1001))
    review = Review.objects.create(submission=made[20], juror=juror)
    for criterion in jury.criteria.all():
        Score.objects.create(review=review, criterion=criterion, value=5)
    with django_assert_num_queries(len(ten.captured_queries)):
        response = client.get(reverse("b52_jury:index"))
    states = [row["state"] for row in response.context["groups"][0]["rows"]]
    assert len(states) == 1000
    assert states.count("conflict") == 1 and states.count("done") == 1


# Detail, attachments, scoring ---------------------------------------------------------


def test_juror_reads_the_application_and_its_attachment(client, juror, apps):
    client.force_login(juror)
    response = client.get(application_url(apps["forwarded"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zusammenfassung 1" in html and "bewerbungsbogen.pdf" in html
    assert "bewerbung1@example.org" not in html  # contact data is not the jury's business
    attachment = apps["forwarded"].attachments.get()
    response = client.get(reverse("b52_jury:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1 eins"
    assert "no-store" in response["Cache-Control"]


def test_flagged_attachment_is_sent_only_on_post(client, juror, apps):
    attachment = apps["forwarded"].attachments.get()
    attachment.warnings = ["javascript"]
    attachment.save()
    client.force_login(juror)
    url = reverse("b52_jury:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 200


def test_juror_scores_with_validation(client, juror, jury, apps):
    client.force_login(juror)
    url = application_url(apps["forwarded"])
    response = client.post(url, score_data(jury, 11, -1))
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {
        f"criterion_{c.pk}" for c in jury.criteria.all()
    }
    assert client.post(url, score_data(jury, "sieben", 3)).status_code == 200
    assert not Score.objects.exists()
    response = client.post(url, score_data(jury, 8, 5, comment="Überzeugend"))
    assert response.status_code == 302
    review = Review.objects.get(juror=juror, submission=apps["forwarded"])
    assert review.comment == "Überzeugend"
    assert sorted(review.scores.values_list("value", flat=True)) == [5, 8]
    # Changing the review keeps one row per criterion.
    client.post(url, score_data(jury, 10, 0))
    assert sorted(review.scores.values_list("value", flat=True)) == [0, 10]
    listing = client.get(reverse("b52_jury:index"))
    states = {row["submission"].pk: row["state"] for row in listing.context["groups"][0]["rows"]}
    assert states == {apps["forwarded"].pk: "done", apps["second"].pk: "open"}


def test_conflict_hides_the_application(client, juror, jury, apps):
    client.force_login(juror)
    submission = apps["forwarded"]
    client.post(application_url(submission), score_data(jury, 8, 5))
    confirm = client.get(reverse("b52_jury:conflict", args=[submission.pk]))
    assert confirm.status_code == 200
    response = client.post(reverse("b52_jury:conflict", args=[submission.pk]))
    assert response.status_code == 302
    review = Review.objects.get(juror=juror, submission=submission)
    assert review.conflict_of_interest and not review.scores.exists()
    assert client.get(application_url(submission)).status_code == 403
    assert client.post(application_url(submission), score_data(jury, 1, 1)).status_code == 403
    attachment = submission.attachments.get()
    assert client.get(reverse("b52_jury:attachment", args=[attachment.pk])).status_code == 403
    html = client.get(reverse("b52_jury:index")).content.decode()
    assert "Projekt 1" not in html and submission.receipt_number in html


def test_others_reviews_only_after_the_review_deadline(
    client, django_user_model, juror, jury, apps
):
    ben = make_juror(django_user_model, "ben", jury)
    client.force_login(ben)
    client.post(application_url(apps["forwarded"]), score_data(jury, 3, 4, comment="Bens Sicht"))
    with stopped():  # "today" is the same day here and in the views
        jury.review_deadline = localization.localdate()
        jury.save()
        client.force_login(juror)
        response = client.get(application_url(apps["forwarded"]))
        assert response.context["others"] == []
        assert "Bens Sicht" not in response.content.decode()
        jury.review_deadline = localization.localdate() - datetime.timedelta(days=1)
        jury.save()
        response = client.get(application_url(apps["forwarded"]))
        assert [other.juror for other in response.context["others"]] == [ben]
        assert "Bens Sicht" in response.content.decode()
        # After the deadline nothing is scored any more.
        assert (
            client.post(application_url(apps["forwarded"]), score_data(jury, 1, 1)).status_code
            == 403
        )
        assert not Review.objects.filter(juror=juror).exists()


def test_zip_holds_the_forwarded_applications_without_conflicts(
    client, juror, jury, apps, form_page, district
):
    extra = make_application(form_page, district, 6, files=[("plan.pdf", b"%PDF-1 plan")])
    Review.objects.create(submission=apps["second"], juror=juror, conflict_of_interest=True)
    client.force_login(juror)
    response = client.get(reverse("b52_jury:zip", args=[jury.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    first = f"{apps['forwarded'].receipt_number} Projekt 1"
    sixth = f"{extra.receipt_number} Projekt 6"
    assert names == {
        f"{first}/bewerbung.txt",
        f"{first}/bewerbungsbogen.pdf",
        f"{sixth}/bewerbung.txt",
        f"{sixth}/plan.pdf",
    }
    assert archive.read(f"{first}/bewerbungsbogen.pdf") == b"%PDF-1 eins"
    text = archive.read(f"{first}/bewerbung.txt").decode()
    assert "Zusammenfassung 1" in text and "bewerbungsbogen.pdf" in text


def test_jury_session_is_short(client, juror, settings):
    settings.B52_JURY_SESSION_AGE = 600
    client.login(username="anna", password="pw")
    assert client.session.get_expiry_age() == 600


def test_zip_skips_a_file_lost_in_the_storage(client, juror, jury, apps):
    from b52_wagtail.applications.storage import private_storage

    private_storage.delete(apps["forwarded"].attachments.get().file.name)
    client.force_login(juror)
    response = client.get(reverse("b52_jury:zip", args=[jury.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert not any(name.endswith(".pdf") for name in archive.namelist())
    assert len(archive.namelist()) == 2  # the texts of both applications
