"""Helpers of the jury tests: juries, jurors, staff and applications
created directly (the form is tested elsewhere)."""

import uuid

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile

from b52_wagtail.applications.models import (
    ApplicationStatus,
    ApplicationSubmission,
    Attachment,
    Criterion,
    Juror,
    Jury,
)
from b52_wagtail.applications.storage import private_storage


def jury_group():
    return Group.objects.get(name="B 52 Jury")


def make_juror(django_user_model, name, *juries, **extra):
    user = django_user_model.objects.create_user(
        name, f"{name}@example.org", "pw", first_name=name.title(), **extra
    )
    user.groups.add(jury_group())
    for jury in juries:
        Juror.objects.create(jury=jury, user=user)
    return user


def make_staff(django_user_model, name="office"):
    group, _ = Group.objects.get_or_create(name="Geschäftsstelle")
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=("access_admin", "view_all_applications", "change_applicationsubmission")
        )
    )
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw")
    user.groups.add(group)
    return user


def make_jury(call, criteria=(("Wirkung", 2), ("Nachhaltigkeit", 1)), review_deadline=None):
    jury = Jury.objects.create(call=call, review_deadline=review_deadline)
    for order, (name, weight) in enumerate(criteria):
        Criterion.objects.create(jury=jury, name=name, weight=weight, sort_order=order)
    return jury


def unsaved_application(form_page, district, number, status=ApplicationStatus.JURY):
    return ApplicationSubmission(
        page=form_page,
        call=form_page.call,
        form_data={},
        applicant_type="gemeinde",
        applicant_name=f"Gemeinde {number}",
        district=district,
        project_title=f"Projekt {number}",
        summary=f"Zusammenfassung {number}",
        contact_name="Erika Muster",
        email=f"bewerbung{number}@example.org",
        phone="0711 123",
        consent=True,
        receipt_number=f"B52-{form_page.call.edition}-{number:04d}",
        status=status,
        idempotency_token=uuid.uuid4(),
    )


def make_application(form_page, district, number, *, status=ApplicationStatus.JURY, files=()):
    submission = unsaved_application(form_page, district, number, status)
    submission.save()
    for order, (name, content) in enumerate(files):
        stored = private_storage.save(
            f"b52-applications/{uuid.uuid4().hex}.pdf", ContentFile(content)
        )
        Attachment.objects.create(
            submission=submission,
            file=stored,
            original_name=name,
            size=len(content),
            content_type="application/pdf",
            sha256="0" * 64,
            sort_order=order,
        )
    return submission


def bulk_applications(form_page, district, numbers, *, status=ApplicationStatus.JURY):
    """Many applications at once (query-count tests with 1,000 rows), each
    with an attachment row (no file: lists only show its name)."""
    submissions = ApplicationSubmission.objects.bulk_create(
        unsaved_application(form_page, district, number, status) for number in numbers
    )
    Attachment.objects.bulk_create(
        Attachment(
            submission=submission,
            file=f"b52-applications/{uuid.uuid4().hex}.pdf",
            original_name="bewerbungsbogen.pdf",
            size=1234,
            content_type="application/pdf",
            sha256="0" * 64,
        )
        for submission in submissions
    )
    return submissions
