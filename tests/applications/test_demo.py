import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from b52_wagtail.applications.models import ApplicationFormPage, ApplicationSubmission
from b52_wagtail.awards.models import AwardCallPage
from tests.clock import berlin_noon, stopped

from .test_form import submit
from .utils import valid_data

pytestmark = pytest.mark.django_db


def build_demo():
    call_command("b52_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_demo_form_belongs_to_the_open_call_and_accepts_an_application(
    client, district, django_capture_on_commit_callbacks
):
    # One stopped clock: the open call is the year of the day the demo is
    # built, and New Year's midnight between building and reading would look
    # for the next year's.
    with stopped(berlin_noon()):
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
        assert [g.name for g in form.reviewer_groups.all()] == [
            f"Jury B 52-Förderpreis {call.edition}"
        ]

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


def test_the_closed_call_shows_the_request_and_decision_mails_that_went_out(
    client, django_user_model
):
    """The applications waiting for documents, awarded or not selected have
    the mail staff write in the admin: from the editable template, with the
    upload link of a one-time request, sent, logged and shown on the detail
    page; none twice, none for the other statuses."""
    from django.contrib.auth.models import Group
    from django.urls import reverse
    from wagtail.models import PageLogEntry

    from b52_wagtail import demo_loader, localization
    from b52_wagtail.applications import applicant_mail, demo_year, missing_documents
    from b52_wagtail.applications.models import (
        ApplicationMailTemplate,
        DocumentRequest,
        MailDelivery,
    )
    from b52_wagtail.applications.models.workflow import placeholders_in

    # An edited template is what goes out, not the package's default.
    ApplicationMailTemplate.objects.update_or_create(
        kind="not_selected",
        language="de",
        defaults={
            "subject": "Entscheidung zu {receipt_number}",
            "body": "Guten Tag {contact_name}, leider nicht: {project_title}.",
        },
    )
    build_demo()
    build_demo()
    form = ApplicationFormPage.objects.get(call__edition=demo_year.DATA["year"])
    specs = {spec["email"]: spec for spec in demo_year.DATA["applications"]}
    expected = {
        "incomplete": ("request_documents", "request_documents"),
        "awarded": ("decision", "awarded"),
        "not_selected": ("decision", "not_selected"),
    }
    mailed = 0
    for submission in ApplicationSubmission.objects.filter(page=form):
        deliveries = list(submission.mail_deliveries.all())
        if submission.status not in expected:
            assert deliveries == [], submission.status
            assert not submission.document_requests.exists()
            continue
        mailed += 1
        kind, template = expected[submission.status]
        (delivery,) = deliveries
        spec = specs[submission.email]
        assert delivery.kind == kind
        assert delivery.state == MailDelivery.State.SENT
        assert delivery.attempts == 1
        status_changed = submission.submit_time + timedelta(days=7 * len(spec["status_path"]))
        assert status_changed < delivery.sent_at < status_changed + timedelta(days=1)
        assert delivery.created_at == delivery.sent_at
        subject, body = applicant_mail.compose(
            submission, template, upload_link="{upload_link}", upload_deadline="{upload_deadline}"
        )
        assert delivery.subject == subject
        assert not placeholders_in(delivery.subject) and not placeholders_in(delivery.body)
        assert submission.contact_name in delivery.body
        entries = PageLogEntry.objects.filter(
            page=form, action="b52_applications.mail", data__submission_id=submission.pk
        )
        assert [(e.data["kind"], e.data["delivery_id"], e.timestamp) for e in entries] == [
            (kind, delivery.pk, delivery.sent_at)
        ]
        if template == "request_documents":
            (request,) = submission.document_requests.all()
            assert request.created_at == delivery.sent_at
            # The link in the mail opens this request.
            (token,) = re.findall(r"/documents/([^/\s]+)/", delivery.body)
            assert missing_documents.request_for_token(token) == request
            assert spec["missing_documents"] in delivery.body
            assert demo_year.DATA["mails"]["missing_documents_placeholder"] not in delivery.body
            last_day = localization.localtime(request.expires_at) - timedelta(days=1)
            assert applicant_mail.format_deadline(last_day.date(), form) in delivery.body
            assert (
                PageLogEntry.objects.filter(
                    page=form, action="b52_applications.link", data__request_id=request.pk
                ).count()
                == 1
            )
        elif template == "not_selected":
            assert delivery.subject == f"Entscheidung zu {submission.receipt_number}"
            assert delivery.body == (
                f"Guten Tag {submission.contact_name}, leider nicht: {submission.project_title}."
            )
        else:
            assert body == delivery.body
            assert "Herzlichen Glückwunsch" in delivery.body
    statuses = [spec["status_path"][-1] for spec in specs.values() if spec["status_path"]]
    assert mailed == sum(status in expected for status in statuses) == 4
    assert DocumentRequest.objects.filter(submission__page=form).count() == 1

    # The Geschäftsstelle sees the mails and their log on the detail page.
    office = demo_loader.load("applications")["groups"]["office"]["name"]
    user = django_user_model.objects.create_user("office", "office@example.org", "pw")
    user.groups.add(Group.objects.get(name=office))
    client.force_login(user)
    for delivery in MailDelivery.objects.filter(submission__page=form).select_related("submission"):
        response = client.get(
            reverse("b52_applications_admin:detail", args=[delivery.submission_id])
        )
        assert response.status_code == 200
        content = response.content.decode()
        assert delivery.get_kind_display() in content
        assert "Gesendet" in content
        assert any(
            delivery.get_kind_display() in str(entry["message"])
            for entry in response.context["history"]
        )
