"""The application form page: serving, storing a submission whole or not
at all, and answering every outcome in the page's language."""

import logging
import uuid
from dataclasses import dataclass

from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, models, transaction
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.fields import RichTextField
from wagtail.search import index

from ... import localization
from ...awards.panels import StartHerePageChooserPanel
from ...cache import PAGES, media_tags, model_tag, tree
from ...models import B52Settings
from ...pages import B52PageMixin, localized_page
from ..forms import (
    RESERVED_FIELD_NAMES,
    TOKEN_FIELD,
    ApplicationForm,
    ApplicationFormBuilder,
    closed_message,
    token_uuid,
)
from ..ratelimit import rate_limit_wait
from ..storage import attachment_upload_to, private_storage
from .counters import ReceiptSequence
from .submission import ApplicationStatus, ApplicationSubmission, Attachment, MailDelivery

logger = logging.getLogger(__name__)

NOT_STORED = _(
    "Your application did not arrive because of a technical fault: nothing was stored. "
    "Please send the form again in a few minutes and select your attachments again. "
    "It will not be stored twice."
)
TOO_MANY_PARTS = _(
    "The form was sent with too many fields or files. Nothing was stored; "
    "please send the form again as it is."
)
TOO_LARGE = _("The form is too large to be sent. Nothing was stored.")
NO_RECIPIENT = _(
    "No notification: neither the form nor the B 52 settings name a recipient address."
)
TO_ADDRESS_HELP = _(
    "Who is told of each new application (without the applicant's data), several "
    "addresses separated by commas. Empty: the e-mail address of the Geschäftsstelle "
    "in the B 52 settings. If both are empty, nobody is notified."
)
# The columns of every application, in the order of the list and the export
# (the fields editors add follow).
DATA_FIELDS = (
    ("receipt_number", _("Receipt number")),
    ("submit_time", pgettext_lazy("b52", "Submission date")),
    ("status", _("Status")),
    ("applicant_type", _("Applicant type")),
    ("applicant_name", _("Municipality or working group")),
    ("district", _("District")),
    ("project_title", _("Project title")),
    ("summary", _("Short summary")),
    ("contact_name", _("Contact person")),
    ("email", _("E-mail")),
    ("phone", _("Phone")),
    ("consent_at", _("Consent given at")),
    ("privacy_notice_version", _("Privacy notice version")),
    ("attachments", _("Attachments")),
)


class StorageUnavailable(OSError):
    """The private storage could not take an attachment (a temporary
    failure: the applicant is asked to send again later)."""


@dataclass
class SubmissionOutcome:
    """What became of one POST (see :meth:`AbstractApplicationFormPage.submit`).

    ``kind`` is one of ``stored`` (new receipt), ``resent`` (the receipt of
    the same form again), ``spam``, ``invalid`` (the form has errors),
    ``rate_limited``, ``too_many`` / ``too_large`` (unreadable body) or
    ``failed`` (an error before commit: nothing was stored).
    """

    kind: str
    form: object = None
    submission: object = None
    error: BaseException | None = None
    wait: int = 0  # rate_limited: seconds until the client may post again

    @property
    def arrived(self):
        return self.kind in {"stored", "resent"}

    @property
    def temporary(self):
        """A failure worth retrying soon (database or storage away)."""
        return isinstance(self.error, DatabaseError | OSError)


class ApplicationFormField(AbstractFormField):
    """A field an editor adds to an application form (besides the fixed ones)."""

    page = ParentalKey(
        "b52_applications.ApplicationFormPage",
        on_delete=models.CASCADE,
        related_name="form_fields",
    )

    class Meta(AbstractFormField.Meta):
        verbose_name = _("additional form field")
        verbose_name_plural = _("additional form fields")

    def clean(self):
        super().clean()
        if (self.clean_name or self.get_field_clean_name()) in RESERVED_FIELD_NAMES:
            raise ValidationError(
                {
                    "label": _(
                        "This label is already used by a fixed field of the application "
                        "form; please choose another one."
                    )
                }
            )


class AbstractApplicationFormPage(B52PageMixin, AbstractEmailForm):
    """The application form of one award call.

    Fixed fields (applicant, district, project, contact, consent,
    attachments) come from :class:`~.forms.ApplicationForm`; editors add
    more in the admin. Submissions are stored by :meth:`process_form_submission`
    in one transaction with their attachments and a receipt number; mails go
    out after commit as tasks. Subclasses re-declare ``template`` and
    ``landing_page_template``, and a subclass with its own fields needs its
    own form-field model (``form_fields`` relation) as with Wagtail's forms.
    """

    call = models.ForeignKey(
        "b52_awards.AwardCallPage",
        verbose_name=_("award call"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The call this form accepts applications for; its period decides when."),
    )
    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link", "document-link", "ol", "ul"],
    )
    thank_you_text = RichTextField(
        _("thank-you text"),
        blank=True,
        features=["bold", "italic", "link", "document-link", "ol", "ul"],
        help_text=_("Shown with the receipt number after a successful submission."),
    )
    reviewer_groups = ParentalManyToManyField(
        Group,
        verbose_name=_("groups that may read the applications"),
        blank=True,
        related_name="+",
        help_text=_(
            "Members of these groups who have the permission to view the applications "
            "of their form pages read the submissions of this form (for example the jury "
            "of this call). Editing the page does not give access to the applications."
        ),
    )

    content_panels = [
        *AbstractEmailForm.content_panels,
        StartHerePageChooserPanel(
            "call", page_type="b52_awards.AwardCallPage", start_at="grandparent"
        ),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Additional form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("from_address"),
                        FieldPanel("to_address", help_text=TO_ADDRESS_HELP),
                    ]
                ),
                FieldPanel("subject"),
            ],
            heading=_("Notification of the Geschäftsstelle"),
        ),
        FieldPanel(
            "reviewer_groups",
            widget=forms.CheckboxSelectMultiple,
            permission="b52_applications.view_all_applications",
        ),
    ]

    search_fields = [*AbstractEmailForm.search_fields, index.SearchField("intro")]

    form_builder = ApplicationFormBuilder
    base_form_class_for_applications = ApplicationForm

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["call"] = self.get_call()
        # Title and link in the page's language: the call's translation in
        # this page's locale, where there is one (its rules are the call's).
        context["call_page"] = localized_page(context["call"], self.locale_id)
        context["accepts_applications"] = self.accepts_applications()
        if not context["accepts_applications"]:
            context["closed_message"] = closed_message(context["call"])
        context["privacy_policy_page"] = self.get_privacy_policy_page(request)
        context["cache_dependencies"] = self.get_cache_dependencies()
        return context

    def get_cache_dependencies(self):
        """What the cached header and introduction show: this page, its call
        (any change of a call) and links. Never the form (per visitor)."""
        call_model = self._meta.get_field("call").related_model
        return [tree(self), model_tag(call_model), PAGES, *media_tags()]

    # Extension points -------------------------------------------------

    def get_call(self):
        """The award call whose rules (period, applicant types, KGK) apply,
        or None when it is missing or not live."""
        call = self.call
        if call is None or not call.live:
            return None
        return call

    def reuse_routed_call(self):
        """Take the call from the routing when this page lives below it:
        Wagtail's routing loaded it already (as this page's parent), so the
        GET does not load it again."""
        parent = getattr(self, "_cached_parent_obj", None)
        field = self._meta.get_field("call")
        if parent is None or parent.pk != self.call_id or field.is_cached(self):
            return
        if isinstance(parent, field.related_model):
            field.set_cached_value(self, parent)

    def accepts_applications(self, at=None):
        call = self.get_call()
        return call is not None and call.accepts_applications(at)

    def get_site_settings(self, request=None):
        if request is not None:
            return B52Settings.for_request(request)
        site = self.get_site()
        return B52Settings.for_site(site) if site else None

    def get_privacy_policy_page(self, request=None):
        site_settings = self.get_site_settings(request)
        page = site_settings.privacy_policy_page if site_settings else None
        if page is None or not page.live:
            return None
        return page

    def get_form_class(self):
        builder = self.form_builder(self.get_form_fields())
        return builder.get_form_class(self.base_form_class_for_applications)

    def get_submission_class(self):
        return ApplicationSubmission

    def get_submissions(self):
        return super().get_submissions().filter(is_spam=False)

    def get_submissions_list_view_class(self):
        from ..views import ApplicationSubmissionsListView

        return self.submissions_list_view_class or ApplicationSubmissionsListView

    def get_data_fields(self):
        return [
            *DATA_FIELDS,
            *((field.clean_name, field.label) for field in self.get_form_fields()),
        ]

    def receipt_prefix(self):
        """The prefix of receipt numbers, e.g. ``B52-2026``. Override to change it.

        Forms that share a prefix (two sites, one edition) draw from one
        sequence, so receipt numbers are unique across the install.
        """
        call = self.call
        return f"B52-{call.edition}"

    def next_receipt_number(self):
        """The next gap-free receipt number under :meth:`receipt_prefix`.

        Must run inside the submission's transaction: the sequence row stays
        locked (``select_for_update``) until commit, so concurrent submissions
        wait for each other and a rolled-back one gives its number back.
        """
        prefix = self.receipt_prefix()
        sequence, _created = ReceiptSequence.objects.select_for_update().get_or_create(
            prefix=prefix
        )
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
        return f"{prefix}-{sequence.last_number:04d}"

    # Serving ------------------------------------------------------------

    def serve_page(self, request, *args, **kwargs):
        if request.method == "POST":
            return self.render_outcome(request, self.submit(request), *args, **kwargs)
        self.reuse_routed_call()
        form = self.get_form(page=self, user=request.user, request=request)
        context = self.get_context(request)
        context["form"] = form
        return TemplateResponse(request, self.get_template(request), context)

    def submit(self, request):
        """Judge and store one POST; never raises. The HTML page and the
        JSON form API answer the :class:`SubmissionOutcome` each in their way."""
        form = None
        try:
            if wait := rate_limit_wait(request):
                return SubmissionOutcome("rate_limited", wait=wait)
            try:
                request.POST  # noqa: B018  (parse the body here, where its errors are answered)
            except (TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
                return SubmissionOutcome("too_many")
            except RequestDataTooBig:
                return SubmissionOutcome("too_large")
            stored = self.stored_submission_for(request.POST.get(TOKEN_FIELD))
            if stored is not None:
                # A resubmitted form (reload, double click, back button, a
                # retry after a failure): its receipt again, even after the deadline.
                return SubmissionOutcome("resent", submission=stored)
            form = self.get_form(
                request.POST, request.FILES, page=self, user=request.user, request=request
            )
            if not form.is_valid():
                # A bot learns nothing from error messages.
                return SubmissionOutcome("spam" if form.is_spam else "invalid", form=form)
            if form.is_spam:
                return SubmissionOutcome("spam", form=form, submission=self.process_spam(form))
            submission = self.process_form_submission(form)
        except Exception as error:  # noqa: BLE001  (the applicant gets an answer, never a 500)
            logger.exception("application form %s: the submission failed", self.pk)
            return self.failed_outcome(request, form, error)
        # Committed: from here on nothing may turn the answer into an error.
        return SubmissionOutcome("stored", form=form, submission=submission)

    def failed_outcome(self, request, form, error):
        """A failure before or at commit. If the commit went through after
        all (the connection broke while confirming it), the receipt."""
        try:
            stored = self.stored_submission_for(request.POST.get(TOKEN_FIELD))
        except Exception:  # noqa: BLE001  (the database is still away)
            stored = None
        if stored is not None:
            return SubmissionOutcome("resent", submission=stored)
        return SubmissionOutcome("failed", form=form, error=error)

    def render_outcome(self, request, outcome, *args, **kwargs):
        """The page for a :class:`SubmissionOutcome`. Rendered here, so that
        a template or database error while rendering falls back to a plain
        page that still says whether the application arrived."""
        try:
            response = self.outcome_response(request, outcome, *args, **kwargs)
            response.render()
            return response
        except Exception:  # noqa: BLE001
            logger.exception("application form %s: rendering the answer failed", self.pk)
            return self.plain_outcome_response(request, outcome)

    def outcome_response(self, request, outcome, *args, **kwargs):
        if outcome.arrived:
            return self.render_landing_page(request, outcome.submission, *args, **kwargs)
        if outcome.kind == "spam":
            return self.render_landing_page(request, None, *args, **kwargs)
        if outcome.kind == "rate_limited":
            return with_retry_after(self.render_rate_limited(request), outcome)
        if outcome.kind == "invalid":
            context = self.get_context(request)
            context["form"] = outcome.form
            return TemplateResponse(request, self.get_template(request), context)
        # failed, too_many, too_large: the form again (blank where the
        # body could not be read) with the reason on top.
        form = outcome.form
        if form is None or outcome.kind != "failed":
            form = self.get_form(page=self, user=request.user, request=request)
        form.b52_failure = outcome_message(outcome)
        context = self.get_context(request)
        context["form"] = form
        response = TemplateResponse(
            request, self.get_template(request), context, status=outcome_status(outcome)
        )
        return with_retry_after(response, outcome)

    def plain_outcome_response(self, request, outcome):
        """The answer without the host's templates or the database."""
        context = {
            "language": localization.page_language(self),
            "arrived": outcome.arrived or outcome.kind == "spam",
            "receipt_number": outcome.submission.receipt_number if outcome.arrived else "",
            "message": "" if outcome.arrived else outcome_message(outcome),
            "form_url": request.path,
        }
        status = 200 if context["arrived"] else outcome_status(outcome)
        response = HttpResponse(
            render_to_string("b52_wagtail/applications/plain_outcome.html", context),
            status=status,
        )
        return with_retry_after(response, outcome)

    def stored_submission_for(self, token):
        """The submission already stored from the form with this token."""
        token = token_uuid(token)
        if token is None:
            return None
        return (
            self.get_submission_class()
            .objects.filter(page=self, idempotency_token=token, is_spam=False)
            .first()
        )

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        if form_submission is not None and form_submission.is_spam:
            form_submission = None
        return super().render_landing_page(request, form_submission, *args, **kwargs)

    def render_rate_limited(self, request):
        context = self.get_context(request)
        return TemplateResponse(
            request, "b52_wagtail/applications/rate_limited.html", context, status=429
        )

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        context["form"] = self.get_form(page=self, user=request.user, request=request)
        return context

    # Storing --------------------------------------------------------------

    def submission_values(self, form):
        """Column values of a submission from a valid form. Override to add columns."""
        data = form.cleaned_data
        site_settings = self.get_site_settings(form.request)
        return {
            "page": self,
            "call": self.call,
            "applicant_type": data["applicant_type"],
            "applicant_name": data["applicant_name"],
            "district": data["district"],
            "project_title": data["project_title"],
            "summary": data["summary"],
            "contact_name": data["contact_name"],
            "email": data["email"],
            "phone": data["phone"],
            "consent": True,
            "consent_at": timezone.now(),
            "privacy_notice_version": site_settings.privacy_notice_version if site_settings else "",
            "idempotency_token": data["b52_token"],
            "form_data": form.extra_data(),
        }

    def process_spam(self, form):
        """Keep a flagged row (no files, no receipt, no mail) for the office
        to look at false positives."""
        values = self.submission_values(form)
        values.update(is_spam=True, status=ApplicationStatus.SPAM, idempotency_token=uuid.uuid4())
        return self.get_submission_class().objects.create(**values)

    def process_form_submission(self, form):
        """Store the submission and its files in one transaction, then queue
        the mails after commit. A resubmission of the same form (same
        idempotency token; :meth:`submit` looked for it before) returns the
        stored submission: the unique constraint on the token refuses the
        second row, before any file is written."""
        submission_class = self.get_submission_class()
        token = form.cleaned_data["b52_token"]
        storage = private_storage
        written = []
        submission = None
        try:
            with transaction.atomic():
                receipt_number = self.next_receipt_number()
                submission = submission_class.objects.create(
                    receipt_number=receipt_number, **self.submission_values(form)
                )
                for order, checked in enumerate(form.cleaned_data["attachments"]):
                    attachment = Attachment.from_checked(submission, checked, order)
                    name = attachment_upload_to(attachment, f"x.{checked.extension}")
                    # On the clean-up list before the write: a write that
                    # fails halfway (disk full) leaves no partial file.
                    written.append(name)
                    try:
                        name = storage.save(name, ContentFile(checked.content))
                    except Exception as error:
                        # Whatever the storage raises (OSError on disk,
                        # botocore's errors on S3): the storage is away.
                        raise StorageUnavailable(str(error)) from error
                    written[-1] = name
                    attachment.file.name = name
                    attachment.save()
                deliveries = self.create_mail_deliveries(submission)
                # robust: a queue that fails after commit is logged; the rows
                # wait for the next worker run and the applicant gets the receipt.
                transaction.on_commit(lambda: enqueue_deliveries(deliveries), robust=True)
        except BaseException as error:
            try:
                existing = submission_class.objects.filter(
                    page=self, idempotency_token=token
                ).first()
            except Exception:  # noqa: BLE001
                # The database cannot say whether the commit went through:
                # keep the files (b52_orphan_files removes them if not).
                logger.exception("application form %s: outcome of the commit unknown", self.pk)
                raise error from None
            if existing is not None and submission is not None and existing.pk == submission.pk:
                # The commit went through although it reported an error.
                return existing
            _delete_files(storage, written)
            if existing is not None and isinstance(error, IntegrityError):
                # The same form stored by a concurrent request (double click).
                return existing
            raise
        return submission

    def form_recipients(self):
        """The addresses of the form's own “An-Adresse” (``to_address``)."""
        return [
            address.strip() for address in (self.to_address or "").split(",") if address.strip()
        ]

    def notification_recipients(self):
        """Who is told of a new application: the form's addresses, else the
        Geschäftsstelle's of the site's B 52 settings, else nobody."""
        if recipients := self.form_recipients():
            return recipients
        site_settings = self.get_site_settings()
        if site_settings and site_settings.office_email:
            return [site_settings.office_email]
        return []

    def create_mail_deliveries(self, submission):
        deliveries = [
            MailDelivery.objects.create(submission=submission, kind=MailDelivery.Kind.CONFIRMATION)
        ]
        if self.notification_recipients():
            deliveries.append(
                MailDelivery.objects.create(
                    submission=submission, kind=MailDelivery.Kind.NOTIFICATION
                )
            )
        return deliveries

    def mail_language(self):
        """The language of both mails: the page's (see ``b52_wagtail.localization``)."""
        return self.get_b52_language()

    def send_mail(self, form):
        """Wagtail's synchronous mail of every field is not used: the mails
        are sent as tasks after commit (see .tasks) and the notification
        carries no applicant data."""


def outcome_message(outcome):
    if outcome.kind == "too_many":
        return TOO_MANY_PARTS
    if outcome.kind == "too_large":
        return TOO_LARGE
    return NOT_STORED


def outcome_status(outcome):
    if outcome.kind == "too_many":
        return 400
    if outcome.kind == "too_large":
        return 413
    return 503 if outcome.temporary else 500


def with_retry_after(response, outcome):
    if outcome.kind == "rate_limited":
        response["Retry-After"] = str(outcome.wait)
    elif outcome.kind == "failed" and outcome.temporary:
        response["Retry-After"] = "60"
    return response


def _delete_files(storage, names):
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001  (cleanup must not hide the original error)
            logger.exception("could not delete an attachment after a failed submission")


def enqueue_deliveries(deliveries):
    from ..tasks import enqueue_deliveries as enqueue

    enqueue(deliveries)


class ApplicationFormPage(AbstractApplicationFormPage):
    """The default application form page."""

    template = "b52_wagtail/applications/application_form_page.html"
    landing_page_template = "b52_wagtail/applications/application_form_page_landing.html"

    subpage_types = []

    class Meta:
        verbose_name = _("application form")
        verbose_name_plural = _("application forms")
