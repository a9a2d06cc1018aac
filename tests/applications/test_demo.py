import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from b52_wagtail.applications.models import ApplicationFormPage, ApplicationSubmission
from b52_wagtail.awards.models import AwardCallPage

from .test_form import submit
from .utils import valid_data

pytestmark = pytest.mark.django_db


def build_demo():
    call_command("b52_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_demo_form_belongs_to_the_open_call_and_accepts_an_application(
    client, district, django_capture_on_commit_callbacks
):
    build_demo()
    build_demo()
    # The open call's form (the closed call of the year's work has one too).
    form = ApplicationFormPage.objects.get(call__edition=timezone.localdate().year)
    assert form.slug == "bewerbung"
    assert form.live
    call = AwardCallPage.objects.get(pk=form.call_id)
    assert form.get_parent().pk == call.pk
    assert call.application_page_id == form.pk
    assert call.accepts_applications()
    assert [f.label for f in form.form_fields.all()] == ["Anzahl der beteiligten Akteure"]
    assert [g.name for g in form.reviewer_groups.all()] == [f"Jury B 52-Förderpreis {call.edition}"]

    call_page = client.get(call.url).content.decode()
    assert form.url in call_page

    response = submit(
        client, form, valid_data(district), capture=django_capture_on_commit_callbacks
    )
    assert f"B52-{call.edition}-0001" in response.content.decode()
    assert ApplicationSubmission.objects.get(page=form).form_data == {
        "anzahl_der_beteiligten_akteure": "12"
    }
    assert [m.to for m in mail.outbox] == [
        ["anna.muster@salach.example"],
        ["bewerbungen@example.org"],
    ]


def test_the_closed_call_shows_the_year_in_every_status_with_jury_and_history():
    """``b52_demo`` twice: the closed call's applications in every status,
    each (but spam) with a PDF in the private storage, the jury with three
    weighted criteria, two jurors and their reviews, notes and status log
    entries, none of them twice."""
    from wagtail.models import PageLogEntry

    from b52_wagtail.applications import demo_year
    from b52_wagtail.applications.models import (
        ApplicationNote,
        ApplicationStatus,
        Jury,
        Review,
        Score,
    )
    from b52_wagtail.applications.storage import private_storage

    build_demo()
    build_demo()
    year = demo_year.DATA["year"]
    form = ApplicationFormPage.objects.get(call__edition=year)
    submissions = list(ApplicationSubmission.objects.filter(page=form))
    assert len(submissions) == len(demo_year.DATA["applications"])
    assert {s.status for s in submissions} == set(ApplicationStatus.values)
    for submission in submissions:
        assert submission.email.endswith("@example.org")
        assert "(fiktiv)" in submission.applicant_name or submission.is_spam
        assert "Demo-Daten" in submission.summary
        attachments = list(submission.attachments.all())
        if submission.is_spam:
            assert attachments == [] and submission.receipt_number == ""
            continue
        assert submission.receipt_number.startswith(f"B52-{year}-")
        assert len(attachments) == 1
        with private_storage.open(attachments[0].file.name) as stored:
            assert stored.read(5) == b"%PDF-"

    jury = Jury.objects.get(call=form.call_id)
    assert [(c.name, c.weight) for c in jury.criteria.all()] == [
        ("Nachhaltigkeit", 3),
        ("Beteiligung", 2),
        ("Übertragbarkeit", 1),
    ]
    assert jury.jurors.count() == 2
    assert not jury.deadline_passed()
    reviewed = {r.submission.status for r in Review.objects.select_related("submission")}
    assert reviewed == {"jury", "awarded", "not_selected"}
    assert Review.objects.filter(conflict_of_interest=True).count() == 1
    assert Score.objects.count() == 3 * Review.objects.filter(conflict_of_interest=False).count()
    assert ApplicationNote.objects.filter(submission__page=form).count() == 3
    steps = sum(len(spec["status_path"]) for spec in demo_year.DATA["applications"])
    assert PageLogEntry.objects.filter(page=form, action="b52_applications.status").count() == steps
