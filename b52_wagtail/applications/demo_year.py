"""Demo content of the year's work on the closed call of
``demo_data/applications/closed-call.json``: applications in every status of
the review workflow (invented municipalities, ``example.org`` addresses),
each with a small PDF in the private storage, a note or two, the status
changes in the history, and the call's jury with weighted criteria, two
demo jurors and their reviews. The mails staff write after the last status
(the request for missing documents, the decisions) are there as the admin
sends them: from the editable templates, logged, already sent.

Idempotent: an application is found again by its form token (derived from
its key in the data), a juror by user name, a criterion by name, a review by
application and juror, a mail by application and kind; a note or a log
entry is written only once.
"""

import datetime
import hashlib
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db.models import Max
from wagtail.models import PageLogEntry

from .. import demo_loader, demo_media, localization
from ..conf import b52_settings
from .applicant_mail import compose, documents_url, format_deadline
from .history import LINK_ACTION, MAIL_ACTION, STATUS_ACTION, log_application
from .missing_documents import create_request
from .models import (
    ApplicationNote,
    ApplicationStatus,
    ApplicationSubmission,
    Attachment,
    Criterion,
    DocumentRequest,
    Juror,
    Jury,
    MailDelivery,
    Review,
    Score,
)
from .models.workflow import fill_placeholders
from .storage import attachment_upload_to, private_storage

DATA = demo_loader.load("applications/closed-call")
TOKEN_NAMESPACE = uuid.UUID("6f1c3c1e-52b5-4a52-9b52-b52de0000000")


def berlin(value):
    return datetime.datetime.fromisoformat(value).replace(tzinfo=localization.zone())


def token(year, key):
    return uuid.uuid5(TOKEN_NAMESPACE, f"b52-demo-application:{year}:{key}")


def jurors():
    """The demo jurors (users in the jury group, no usable password: the
    example site's ``demo_admin`` gives them one)."""
    User = get_user_model()
    group, _ = Group.objects.get_or_create(name=b52_settings.JURY_GROUP)
    users = {}
    for spec in DATA["jury"]["jurors"]:
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:
            user = User(username=spec["username"])
            user.set_unusable_password()
        user.first_name = spec["first_name"]
        user.last_name = spec["last_name"]
        user.email = spec["email"]
        user.is_active = True
        user.save()
        user.groups.add(group)
        users[spec["username"]] = user
    return users


def build_jury(call, state):
    spec = DATA["jury"]
    jury, _ = Jury.objects.update_or_create(
        call=call,
        # Still open when the demo is built: the jurors can review what waits.
        defaults={
            "review_deadline": state["today"]
            + datetime.timedelta(days=spec["review_deadline_days_after_today"])
        },
    )
    criteria = []
    for order, criterion_spec in enumerate(spec["criteria"]):
        criterion, _ = Criterion.objects.update_or_create(
            jury=jury,
            name=criterion_spec["name"],
            defaults={
                "weight": criterion_spec["weight"],
                "description": criterion_spec["description"],
                "sort_order": order,
            },
        )
        criteria.append(criterion)
    users = jurors()
    for order, user in enumerate(users.values()):
        Juror.objects.update_or_create(jury=jury, user=user, defaults={"sort_order": order})
    return jury, criteria, users


def build_submission(form, call, spec, state, privacy_version):
    submitted = berlin(spec["submitted"])
    values = {
        "call": call,
        "applicant_type": spec["applicant_type"],
        "applicant_name": spec["applicant_name"],
        "district": state["districts_by_key"][spec["district"]],
        "project_title": spec["project_title"],
        "summary": spec["summary"],
        "contact_name": spec["contact_name"],
        "email": spec["email"],
        "phone": spec["phone"],
        "consent": True,
        "consent_at": submitted,
        "privacy_notice_version": privacy_version,
        "form_data": {"anzahl_der_beteiligten_akteure": spec["actors"]},
    }
    spam = spec.get("spam", False)
    path = spec["status_path"]
    status = ApplicationStatus.SPAM if spam else (path[-1] if path else ApplicationStatus.RECEIVED)
    submission = ApplicationSubmission.objects.filter(
        page=form, idempotency_token=token(call.edition, spec["key"])
    ).first()
    if submission is None:
        submission = ApplicationSubmission(
            page=form,
            idempotency_token=token(call.edition, spec["key"]),
            receipt_number="" if spam else form.next_receipt_number(),
        )
    for name, value in values.items():
        setattr(submission, name, value)
    submission.status = status
    submission.is_spam = spam
    submission.save()
    # submit_time is auto_now_add: set it after the first save.
    ApplicationSubmission.objects.filter(pk=submission.pk).update(submit_time=submitted)
    submission.submit_time = submitted
    return submission


def attach_pdf(submission, spec):
    """The applicant's Bewerbungsbogen as a small PDF in the private storage."""
    name = f"Bewerbungsbogen {spec['applicant_name'].replace(' (fiktiv)', '')}.pdf"
    existing = submission.attachments.filter(original_name=name).first()
    if existing is not None and private_storage.exists(existing.file.name):
        return existing
    content = demo_media.pdf_bytes(
        spec["project_title"],
        [
            ("subtitle", spec["applicant_name"]),
            ("text", spec["summary"]),
            ("text", DATA["note"]),
        ],
        kicker=f"Bewerbungsbogen B 52-Förderpreis {submission.call.edition} · Demo-Daten",
        footer=f"{submission.receipt_number} · Demo-Daten",
    )
    attachment = existing or Attachment(submission=submission, original_name=name, sort_order=0)
    if existing is not None and existing.file.name:
        private_storage.delete(existing.file.name)
    stored = private_storage.save(attachment_upload_to(attachment, name), ContentFile(content))
    attachment.file.name = stored
    attachment.size = len(content)
    attachment.content_type = "application/pdf"
    attachment.sha256 = hashlib.sha256(content).hexdigest()
    attachment.save()
    return attachment


def step_time(submission, step):
    """When the ``step``-th status change of the data's path happened: a
    week apart after the submission."""
    return submission.submit_time + datetime.timedelta(days=step * 7)


def log_history(submission, spec):
    """One status change entry per step of the data's path (the first time),
    a week apart after the submission."""
    logged = set(
        PageLogEntry.objects.filter(
            page_id=submission.page_id,
            action=STATUS_ACTION,
            data__submission_id=submission.pk,
        ).values_list("data__new", flat=True)
    )
    old = ApplicationStatus.RECEIVED
    for days, new in enumerate(spec["status_path"], start=1):
        if new not in logged:
            log_application(submission, STATUS_ACTION, old=old, new=new)
            entry = PageLogEntry.objects.filter(
                page_id=submission.page_id, action=STATUS_ACTION, data__submission_id=submission.pk
            ).aggregate(last=Max("pk"))["last"]
            PageLogEntry.objects.filter(pk=entry).update(timestamp=step_time(submission, days))
        old = new
    if spec.get("note"):
        ApplicationNote.objects.get_or_create(
            submission=submission,
            text=spec["note"],
            defaults={"created_at": submission.submit_time + datetime.timedelta(days=2)},
        )


def send_status_mail(submission, spec):
    """The mail the admin offers after the application's last status (the
    request for missing documents or a decision), as staff send it there
    (``workflow_views.send``): the editable template filled in, for the
    request a new one-time upload link, the log entries; here already sent,
    a little after the status change. Once per application and kind."""
    from .workflow import MAIL_AFTER
    from .workflow_views import MAILS

    kind = None if submission.is_spam else MAIL_AFTER.get(submission.status)
    if kind is None:
        return None
    delivery_kind = MAILS[kind][1]
    existing = MailDelivery.objects.filter(submission=submission, kind=delivery_kind).first()
    if existing is not None:
        return existing
    settings = DATA["mails"]
    page = submission.page.specific
    sent_at = step_time(submission, len(spec["status_path"])) + datetime.timedelta(
        minutes=settings["minutes_after_status"]
    )
    subject, body = compose(
        submission, kind, upload_link="{upload_link}", upload_deadline="{upload_deadline}"
    )
    if spec.get("missing_documents"):
        body = body.replace(settings["missing_documents_placeholder"], spec["missing_documents"])
    values = {"upload_link": ""}
    if kind == "request_documents":
        valid_until = localization.localtime(sent_at).date() + datetime.timedelta(
            days=settings["upload_link_valid_days"]
        )
        values["upload_deadline"] = format_deadline(valid_until, page)
        if "{upload_link}" in body:
            expires_at = datetime.datetime.combine(
                valid_until + datetime.timedelta(days=1),
                datetime.time(),
                tzinfo=localization.zone(),
            )
            document_request = create_request(submission, expires_at)
            DocumentRequest.objects.filter(pk=document_request.pk).update(created_at=sent_at)
            PageLogEntry.objects.filter(
                page_id=submission.page_id,
                action=LINK_ACTION,
                data__submission_id=submission.pk,
                data__request_id=document_request.pk,
            ).update(timestamp=sent_at)
            values["upload_link"] = documents_url(document_request, page)
    delivery = MailDelivery.objects.create(
        submission=submission,
        kind=delivery_kind,
        subject=" ".join(fill_placeholders(subject, values).split())[:255],
        body=fill_placeholders(body, values),
        state=MailDelivery.State.SENT,
        attempts=1,
        sent_at=sent_at,
    )
    # created_at and updated_at are automatic: set them after the save.
    MailDelivery.objects.filter(pk=delivery.pk).update(created_at=sent_at, updated_at=sent_at)
    entry = log_application(submission, MAIL_ACTION, kind=delivery_kind, delivery_id=delivery.pk)
    PageLogEntry.objects.filter(pk=entry.pk).update(timestamp=sent_at)
    return delivery


def build_reviews(submission, spec, criteria, users):
    for review_spec in spec.get("reviews", ()):
        conflict = review_spec.get("conflict", False)
        review, _ = Review.objects.update_or_create(
            submission=submission,
            juror=users[review_spec["juror"]],
            defaults={"conflict_of_interest": conflict, "comment": review_spec.get("comment", "")},
        )
        if conflict:
            review.scores.all().delete()
            continue
        for criterion, value in zip(criteria, review_spec["scores"], strict=True):
            Score.objects.update_or_create(
                review=review, criterion=criterion, defaults={"value": value}
            )


def build(form, call, state):
    """The applications and the jury of the closed ``call`` on its ``form``."""
    from ..models import B52Settings

    _jury, criteria, users = build_jury(call, state)
    privacy_version = B52Settings.for_site(state["site"]).privacy_notice_version or ""
    submissions = []
    # In the order they arrived, so that receipt numbers follow it.
    for spec in sorted(DATA["applications"], key=lambda spec: spec["submitted"]):
        submission = build_submission(form, call, spec, state, privacy_version)
        if not submission.is_spam:
            attach_pdf(submission, spec)
        log_history(submission, spec)
        send_status_mail(submission, spec)
        build_reviews(submission, spec, criteria, users)
        submissions.append(submission)
    state["demo_applications"] = submissions
    state["demo_jurors"] = users
