"""The applicant's data rights (GDPR Art. 15 and 17): find every application
of one person, put everything stored about them into one archive, and
erase their personal data while keeping what counts and statistics need.

A person is matched by the contact's e-mail address (case-insensitive)
across every call and form. Only users who may read every form page
(``view_all_applications``) use this; erasing needs the delete permission
on top. The views are in :mod:`.data_rights_views`.
"""

import dataclasses
import datetime
import json
import logging
import re
import tempfile
import zipfile

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, PageLogEntry

from .. import localization
from .models import (
    ApplicationSubmission,
    Attachment,
    DocumentRequest,
    MailDelivery,
    Review,
    Score,
)
from .permissions import DELETE, VIEW_ALL, _is_admin_user, application_pages_for_user
from .storage import private_storage

logger = logging.getLogger(__name__)

EXPORT_ACTION = "b52_applications.data_export"
ERASE_ACTION = "b52_applications.erase"
FILES_LEFT_ACTION = "b52_applications.erase_files_left"

#: What replaces personal data.
ANONYMISED = "anonymisiert"

#: Columns of an application that hold personal data or free text.
PERSONAL_FIELDS = (
    "contact_name",
    "email",
    "phone",
    "applicant_name",
    "project_title",
    "summary",
)

#: Editor-added fields whose answers are kept: numbers and the editors' own
#: choices say nothing about a person. Every other answer is free text.
KEPT_FIELD_TYPES = {"number", "checkbox", "checkboxes", "dropdown", "multiselect", "radio"}

#: Mail delivery columns that are kept (the rest may quote addresses).
KEPT_MAIL_FIELDS = {"kind", "state"}

ARCHIVE_FILES_FOLDER = "dateien"


def can_use_data_rights(user):
    """Finding a person's applications and exporting them reads across every
    form, so it needs the permission to read every form page."""
    return _is_admin_user(user) and (user.is_superuser or user.has_perm(VIEW_ALL))


def can_erase(user):
    return can_use_data_rights(user) and (user.is_superuser or user.has_perm(DELETE))


def applications_of_person(user, submission):
    """Every application (not yet anonymised) with the contact e-mail address
    of ``submission``, of the forms ``user`` may read, oldest first."""
    if submission.anonymised_at is not None or not submission.email:
        return ApplicationSubmission.objects.none()
    return (
        ApplicationSubmission.objects.filter(
            email__iexact=submission.email,
            anonymised_at__isnull=True,
            page__in=application_pages_for_user(user),
        )
        .select_related("page", "district", "call")
        .order_by("submit_time", "pk")
    )


def log_entries_for(submissions):
    """The audit log entries about ``submissions``: entries on their form
    pages that name their id or receipt number, and entries on the
    applications themselves. Oldest first, as one list."""
    submissions = list(submissions)
    if not submissions:
        return []
    ids = [submission.pk for submission in submissions]
    receipts = [
        submission.receipt_number for submission in submissions if submission.receipt_number
    ]
    naming = Q(data__submission_id__in=ids)
    if receipts:
        naming |= Q(data__receipt_number__in=receipts)
    page_entries = PageLogEntry.objects.filter(
        naming, page_id__in={submission.page_id for submission in submissions}
    ).select_related("content_type")
    content_type = ContentType.objects.get_for_model(ApplicationSubmission)
    model_entries = ModelLogEntry.objects.filter(
        Q(content_type=content_type, object_id__in=[str(pk) for pk in ids]) | naming
    ).select_related("content_type")
    entries = [*page_entries, *model_entries]
    entries.sort(key=lambda entry: (entry.timestamp, entry.pk))
    return entries


def _entry_submission(entry, by_id, by_receipt):
    data = entry.data if isinstance(entry.data, dict) else {}
    if (
        isinstance(entry, ModelLogEntry)
        and entry.content_type.model_class() is ApplicationSubmission
        and entry.object_id.isdigit()
    ):
        found = by_id.get(int(entry.object_id))
        if found is not None:
            return found
    return by_id.get(data.get("submission_id")) or by_receipt.get(data.get("receipt_number"))


# Auskunft (Art. 15) ---------------------------------------------------------


class ArchiveEncoder(DjangoJSONEncoder):
    """Times with the package's UTC offset (Berlin), not in UTC."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return localization.isoformat(o)
        return super().default(o)


def _safe_name(name):
    name = re.sub(r"[\x00-\x1f/\\:]+", "_", name or "").strip(" .") or "datei"
    return name[-120:]


def _answers(submission):
    from .views import display_value

    page = submission.page.specific
    types = {field.clean_name: (field.label, field.field_type) for field in page.get_form_fields()}
    answers = []
    for name, value in submission.form_data.items():
        label, field_type = types.get(name, (name, None))
        shown = display_value(value, field_type)
        answers.append(
            {"name": name, "label": label, "value": "–" if shown in (None, "") else str(shown)}
        )
    return answers


def collect(submissions):
    """Everything stored about the applications ``submissions`` as plain
    data (one dict per application), with the attachments as
    ``(Attachment, archive path)``."""
    submissions = list(submissions)
    by_id = {submission.pk: submission for submission in submissions}
    by_receipt = {s.receipt_number: s for s in submissions if s.receipt_number}
    entries = {submission.pk: [] for submission in submissions}
    for entry in log_entries_for(submissions):
        owner = _entry_submission(entry, by_id, by_receipt)
        if owner is not None:
            entries[owner.pk].append(entry)
    attachments = {submission.pk: [] for submission in submissions}
    for attachment in Attachment.objects.filter(submission__in=submissions).order_by(
        "sort_order", "pk"
    ):
        attachments[attachment.submission_id].append(attachment)
    deliveries = {submission.pk: [] for submission in submissions}
    for delivery in MailDelivery.objects.filter(submission__in=submissions).order_by("pk"):
        deliveries[delivery.submission_id].append(delivery)

    reviews = _reviews(submissions)
    others = {submission.pk: [] for submission in submissions}
    for model, field_name in other_records():
        if model in OWN_SECTION:
            continue
        for row in model._default_manager.filter(**{f"{field_name}__in": submissions}):
            others[getattr(row, f"{field_name}_id")].append(
                {"kind": str(model._meta.verbose_name), "values": _record_values(row)}
            )

    records, files = [], []
    for number, submission in enumerate(submissions, 1):
        folder = f"{ARCHIVE_FILES_FOLDER}/{number:02d}-{_safe_name(submission.receipt_number)}"
        record = {
            "receipt_number": submission.receipt_number,
            "form": submission.page.title,
            "call": submission.call.title if submission.call_id else None,
            "submit_time": submission.submit_time,
            "status": submission.get_status_display(),
            "applicant_type": submission.get_applicant_type_display(),
            "applicant_name": submission.applicant_name,
            "district": str(submission.district),
            "project_title": submission.project_title,
            "summary": submission.summary,
            "contact_name": submission.contact_name,
            "email": submission.email,
            "phone": submission.phone,
            "consent": submission.consent,
            "consent_at": submission.consent_at,
            "privacy_notice_version": submission.privacy_notice_version,
            "answers": _answers(submission),
            "attachments": [],
            "mails": [
                {
                    "kind": delivery.get_kind_display(),
                    "state": delivery.get_state_display(),
                    "attempts": delivery.attempts,
                    "created_at": delivery.created_at,
                    "sent_at": delivery.sent_at,
                    "last_error": delivery.last_error,
                }
                for delivery in deliveries[submission.pk]
            ],
            "reviews": reviews[submission.pk],
            "other_records": others[submission.pk],
            # Staff names are not the applicant's data: the log says what
            # happened and when.
            "log": [
                {
                    "timestamp": entry.timestamp,
                    "action": entry.action,
                    "message": str(entry.message),
                }
                for entry in entries[submission.pk]
            ],
        }
        for index, attachment in enumerate(attachments[submission.pk], 1):
            path = f"{folder}/{index:02d}-{_safe_name(attachment.original_name)}"
            record["attachments"].append(
                {
                    "original_name": attachment.original_name,
                    "size": attachment.size,
                    "content_type": attachment.content_type,
                    "sha256": attachment.sha256,
                    "path": path,
                }
            )
            files.append((attachment, path, record["attachments"][-1]))
        records.append(record)
    return records, files


def _reviews(submissions):
    """The jury reviews of ``submissions`` by application id, oldest first:
    the conflict declaration, the comment, the times and the score per
    criterion (name, weight, score). Not the juror: who reviewed is not the
    applicant's data (as staff names are left out of the log)."""
    scores = {}
    for score in (
        Score.objects.filter(review__submission__in=submissions)
        .select_related("criterion")
        .order_by("criterion__sort_order", "criterion__pk")
    ):
        scores.setdefault(score.review_id, []).append(
            {
                "criterion": score.criterion.name,
                "weight": score.criterion.weight,
                "score": score.value,
            }
        )
    reviews = {submission.pk: [] for submission in submissions}
    for review in Review.objects.filter(submission__in=submissions).order_by("created_at", "pk"):
        reviews[review.submission_id].append(
            {
                "conflict_of_interest": review.conflict_of_interest,
                "comment": review.comment,
                "created_at": review.created_at,
                "updated_at": review.updated_at,
                "scores": scores.get(review.pk, []),
            }
        )
    return reviews


def write_archive(submissions, user, *, email):
    """The Auskunft archive of ``submissions`` as an open temporary file
    (ZIP: ``auskunft.json``, ``auskunft.html``, the attachments below
    ``dateien/``) in the language of the first application's form page,
    logged on each form page without personal data."""
    submissions = list(submissions)
    language = localization.page_language(submissions[0].page.specific) if submissions else None
    with localization.override(language):
        records, files = collect(submissions)
    archive = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for attachment, path, record in files:
            try:
                with (
                    private_storage.open(attachment.file.name, "rb") as handle,
                    bundle.open(path, "w", force_zip64=True) as target,
                ):
                    while chunk := handle.read(1024 * 1024):
                        target.write(chunk)
                record["missing"] = False
            except OSError:
                logger.warning("attachment %s is missing in the storage", attachment.pk)
                record["missing"] = True
                record["path"] = None
        generated_at = timezone.now()
        data = {
            "generated_at": generated_at,
            "email": email,
            "applications": records,
        }
        bundle.writestr(
            "auskunft.json", json.dumps(data, cls=ArchiveEncoder, ensure_ascii=False, indent=2)
        )
        with localization.override(language):
            summary = render_to_string(
                "b52_wagtail/applications/admin/data_rights/summary.html",
                {"data": data, "generated_at": generated_at, "language": get_language()},
            )
        bundle.writestr("auskunft.html", summary)
    archive.seek(0)
    for submission in submissions:
        log_application(submission, EXPORT_ACTION, user=user, count=len(submissions))
    return archive


def log_application(submission, action, *, user=None, **data):
    """A log entry on the form page naming the application by its id and
    receipt number (as the workflow's history reads them), never by
    anything personal."""
    return log(
        instance=submission.page.specific,
        action=action,
        user=user,
        data={"submission_id": submission.pk, "receipt_number": submission.receipt_number, **data},
    )


# Erasure (Art. 17) ----------------------------------------------------------


@dataclasses.dataclass
class Erasure:
    """What an erasure did. ``files_left`` is known once the transaction
    has committed and the stored files were deleted (``files_checked``);
    inside an outer transaction (``ATOMIC_REQUESTS``) that happens after the
    response, and files left are then only logged."""

    count: int = 0
    files: list = dataclasses.field(default_factory=list)
    files_left: list = dataclasses.field(default_factory=list)
    files_checked: bool = False
    #: ``{submission: [stored file names]}``
    by_submission: dict = dataclasses.field(default_factory=dict)
    user: object = None

    def delete_files(self):
        """After the commit: delete the stored files (the attachment rows
        are gone) and note those that stay, for the user and the log."""
        for name in self.files:
            try:
                if private_storage.exists(name):
                    private_storage.delete(name)
                if private_storage.exists(name):
                    self.files_left.append(name)
            except Exception:  # noqa: BLE001  (any storage error: reported, not raised)
                logger.exception("could not delete the stored file %s", name)
                self.files_left.append(name)
        self.files_checked = True
        for submission, names in self.by_submission.items():
            left = [name for name in names if name in self.files_left]
            if left:
                log_application(submission, FILES_LEFT_ACTION, user=self.user, files=len(left))


def _personal_values(submissions):
    values = set()
    for submission in submissions:
        for name in ("contact_name", "email", "phone"):
            value = (getattr(submission, name) or "").strip()
            if len(value) >= 3:
                values.add(value)
    return sorted(values, key=len, reverse=True)


def _scrub(value, pattern):
    """``value`` (JSON data) with every occurrence of the person's name,
    address or phone replaced."""
    if isinstance(value, str):
        return pattern.sub(ANONYMISED, value)
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, pattern) for key, item in value.items()}
    return value


def _anonymise_answers(submission):
    types = {
        field.clean_name: field.field_type for field in submission.page.specific.get_form_fields()
    }
    answers = {}
    for name, value in submission.form_data.items():
        if types.get(name) in KEPT_FIELD_TYPES or value in (None, "", []):
            answers[name] = value
        else:
            answers[name] = ANONYMISED
    return answers


def _text_fields(model, kept=()):
    """The free-text columns of ``model`` (no choices, no keys)."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and field.name not in kept
        and not field.choices
    ]


def other_records():
    """``(model, field name)`` of every other kind of row that belongs to an
    application (staff notes, requests for documents, jury reviews, …):
    they are exported, and their free texts are erased with the person."""
    return [
        (relation.related_model, relation.field.name)
        for relation in ApplicationSubmission._meta.related_objects
        if relation.one_to_many and relation.related_model not in (Attachment, MailDelivery)
    ]


#: Rows of an application exported in a section of their own (and erased
#: with the others): a review without its juror, with its scores.
OWN_SECTION = {Review}


def _record_values(row):
    values = []
    for field in row._meta.concrete_fields:
        if field.is_relation or field.primary_key:
            continue
        if isinstance(field, models.UUIDField):
            continue  # keys of one-time links are no data about the person
        value = getattr(row, field.attname)
        if field.choices:
            value = getattr(row, f"get_{field.name}_display")()
        values.append({"name": field.name, "label": str(field.verbose_name), "value": value})
    return values


def _mail_text_fields():
    return _text_fields(MailDelivery, KEPT_MAIL_FIELDS)


def _erase_other_records(submissions, pattern):
    """Free texts of the other rows become “anonymisiert”; their JSON loses
    the person's name, address and phone."""
    for model, field_name in other_records():
        texts = _text_fields(model)
        jsons = [f for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        if not texts and not jsons:
            continue
        for row in model._default_manager.filter(**{f"{field_name}__in": submissions}):
            changed = []
            for field in texts:
                if getattr(row, field.attname):
                    fits = (field.max_length or 1000) >= len(ANONYMISED)
                    setattr(row, field.attname, ANONYMISED if fits else "")
                    changed.append(field.name)
            for field in jsons:
                value = getattr(row, field.attname)
                scrubbed = _scrub(value, pattern) if pattern else value
                if scrubbed != value:
                    setattr(row, field.attname, scrubbed)
                    changed.append(field.name)
            if changed:
                row.save(update_fields=changed)


def erase(user, submission_ids, email):
    """Anonymise the applications ``submission_ids`` of the person with
    ``email``: personal columns and free-text answers become
    “anonymisiert”, attachments are deleted (rows now, stored files after
    the commit), unsent mails are dropped and sent ones keep only their
    kind and state, open one-time upload links expire, other rows lose
    their free texts, and the log entries about them lose the person's
    name, address and phone. District, status, call, form and times stay,
    so counts and statistics stay right; public winner entries are
    separate content and stay as they are.

    All or nothing: one transaction. Returns an :class:`Erasure`."""
    result = Erasure(user=user)
    with transaction.atomic():
        submissions = list(
            ApplicationSubmission.objects.select_for_update(of=("self",))
            .filter(pk__in=submission_ids, email__iexact=email, anonymised_at__isnull=True)
            .select_related("page")
            .order_by("pk")
        )
        if not submissions:
            return result
        values = _personal_values(submissions)
        pattern = re.compile("|".join(re.escape(value) for value in values), re.IGNORECASE)
        entries = log_entries_for(submissions) if values else []

        attachments = Attachment.objects.filter(submission__in=submissions)
        stored = {submission.pk: [] for submission in submissions}
        for submission_id, name in attachments.values_list("submission_id", "file"):
            if name:
                stored[submission_id].append(name)
        result.by_submission = {submission: stored[submission.pk] for submission in submissions}
        result.files = [name for names in stored.values() for name in names]
        attachments.delete()

        deliveries = MailDelivery.objects.filter(submission__in=submissions)
        deliveries.filter(
            state__in=[MailDelivery.State.QUEUED, MailDelivery.State.SENDING]
        ).delete()
        for field in _mail_text_fields():
            replacement = ANONYMISED if (field.max_length or 1000) >= len(ANONYMISED) else ""
            deliveries.exclude(**{field.name: ""}).update(**{field.name: replacement})

        now = timezone.now()
        # A one-time upload link must not add files to an erased application.
        DocumentRequest.objects.filter(
            submission__in=submissions, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        for submission in submissions:
            for name in PERSONAL_FIELDS:
                setattr(submission, name, ANONYMISED)
            submission.form_data = _anonymise_answers(submission)
            submission.anonymised_at = now
            submission.save(update_fields=[*PERSONAL_FIELDS, "form_data", "anonymised_at"])

        _erase_other_records(submissions, pattern if values else None)

        for entry in entries:
            data, label = _scrub(entry.data, pattern), _scrub(entry.label, pattern)
            if data != entry.data or label != entry.label:
                entry.data, entry.label = data, label
                entry.save(update_fields=["data", "label"])

        result.count = len(submissions)
        for submission in submissions:
            log_application(submission, ERASE_ACTION, user=user, files=len(stored[submission.pk]))
        transaction.on_commit(result.delete_files)
    return result


def summary_text(result):
    """What an erasure did, in words for the admin message."""
    deleted = len(result.files) - len(result.files_left)
    text = ngettext(
        "Anonymised %(count)s application",
        "Anonymised %(count)s applications",
        result.count,
    ) % {"count": result.count}
    text += ngettext(
        " and deleted %(files)s attachment.",
        " and deleted %(files)s attachments.",
        deleted,
    ) % {"files": deleted}
    if result.files_left:
        text += " " + ngettext(
            "%(left)s stored file could not be deleted. The applications are anonymised and "
            "the file is no longer linked to them; remove it with "
            "“manage.py b52_orphan_files --delete”.",
            "%(left)s stored files could not be deleted. The applications are anonymised and "
            "the files are no longer linked to them; remove them with "
            "“manage.py b52_orphan_files --delete”.",
            len(result.files_left),
        ) % {"left": len(result.files_left)}
    return text
