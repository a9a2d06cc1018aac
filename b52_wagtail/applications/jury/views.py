"""Admin views of the jury: the juror's list, an application with its
review, the attachments and the ZIP of everything forwarded; for staff the
ranking with every review, its export and the invitation of external
jurors. Every view checks the permission itself (:mod:`.access`)."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages
from wagtail.log_actions import log

from ...conf import b52_settings
from ...models import District
from ..models import ApplicationSubmission, Attachment, Criterion, Juror, Jury, Review, Score
from ..uploads import warning_labels
from ..views import attachment_response, deny
from . import access, archive, invitations
from .export import ranking_response
from .forms import InvitationForm, ReviewForm
from .ranking import RANKED_STATUSES, ranking

ZIP_ACTION = "b52_applications.jury_zip"
REVIEW_ACTION = "b52_applications.jury_review"
CONFLICT_ACTION = "b52_applications.jury_conflict"


def _jury_of(submission):
    return Jury.objects.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("sort_order", "pk"))
    ).get(call_id=submission.call_id)


# Juror ------------------------------------------------------------------


def jury_index(request):
    """The juror's applications (their calls, forwarded to the jury), and
    for staff the juries with links to the rankings. A fixed number of
    queries whatever the number of applications."""
    user = request.user
    staff = access.is_jury_staff(user)
    if not staff and not access.may_review(user):
        return deny(request)
    juries = list(
        access.juries_of(user).select_related("call").annotate(criteria_count=Count("criteria"))
    )
    submissions = list(
        access.forwarded_to(user)
        .select_related("district")
        .only(
            "pk",
            "call_id",
            "receipt_number",
            "applicant_name",
            "project_title",
            "district__name",
        )
        .order_by("receipt_number", "pk")
    )
    own = {
        review.submission_id: review
        for review in Review.objects.filter(
            juror=user, submission__in=[s.pk for s in submissions]
        ).annotate(score_count=Count("scores"))
    }
    by_call = {}
    for submission in submissions:
        by_call.setdefault(submission.call_id, []).append(submission)
    groups = []
    for jury in juries:
        rows = []
        for submission in by_call.get(jury.call_id, []):
            review = own.get(submission.pk)
            if submission.b52_conflict:
                state = "conflict"
            elif review is not None and review.score_count >= jury.criteria_count > 0:
                state = "done"
            else:
                state = "open"
            rows.append({"submission": submission, "state": state})
        groups.append({"jury": jury, "rows": rows, "deadline_passed": jury.deadline_passed()})
    staff_juries = []
    if staff:
        staff_juries = list(
            Jury.objects.select_related("call")
            .annotate(juror_count=Count("jurors", distinct=True))
            .order_by("-call__edition", "call__title")
        )
    return TemplateResponse(
        request,
        "b52_wagtail/applications/jury/index.html",
        {
            "groups": groups,
            "staff_juries": staff_juries,
            "is_staff": staff,
            "page_title": gettext("Jury review"),
            "header_icon": "group",
        },
    )


def _reviewable(request, pk):
    """The application ``pk`` if the user may read and score it, else None."""
    return (
        access.reviewable_by(request.user)
        .select_related("district", "page", "call")
        .filter(pk=pk)
        .first()
    )


@require_http_methods(["GET", "POST"])
def jury_application(request, pk):
    submission = _reviewable(request, pk)
    if submission is None:
        return deny(request)
    jury = _jury_of(submission)
    criteria = list(jury.criteria.all())
    review = Review.objects.filter(submission=submission, juror=request.user).first()
    scores = {score.criterion_id: score.value for score in review.scores.all()} if review else {}
    closed = jury.deadline_passed()
    initial = {ReviewForm.field_name(c): scores[c.pk] for c in criteria if c.pk in scores}
    initial["comment"] = review.comment if review else ""
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, criteria=criteria, initial=initial)
    if request.method == "POST":
        if closed:
            return deny(request)
        if form.is_valid():
            save_review(submission, request.user, form.scores(), form.cleaned_data["comment"])
            messages.success(request, gettext("Your review is saved."))
            return redirect("b52_jury:application", pk=submission.pk)
    attachments = list(submission.attachments.all())
    for attachment in attachments:
        attachment.warning_labels = warning_labels(attachment.warnings)
    others = []
    if closed:
        others = list(
            Review.objects.filter(submission=submission)
            .exclude(juror=request.user)
            .select_related("juror")
            .prefetch_related("scores")
        )
        for other in others:
            values = {score.criterion_id: score.value for score in other.scores.all()}
            other.score_list = [(c, values.get(c.pk)) for c in criteria]
    return TemplateResponse(
        request,
        "b52_wagtail/applications/jury/application.html",
        {
            "submission": submission,
            "jury": jury,
            "extra": submission.extra_answers(submission.page.specific),
            "attachments": attachments,
            "form": form,
            "closed": closed,
            "others": others,
            "page_title": gettext("Application %(receipt)s")
            % {"receipt": submission.receipt_number or submission.pk},
            "header_icon": "doc-full",
        },
    )


@transaction.atomic
def save_review(submission, user, scores, comment):
    review, _created = Review.objects.select_for_update().get_or_create(
        submission=submission, juror=user
    )
    review.comment = comment
    review.conflict_of_interest = False
    review.save()
    for criterion_id, value in scores.items():
        Score.objects.update_or_create(
            review=review, criterion_id=criterion_id, defaults={"value": value}
        )
    log(
        instance=submission.page.specific,
        action=REVIEW_ACTION,
        user=user,
        data={"submission_id": submission.pk, "receipt_number": submission.receipt_number},
    )
    return review


@require_http_methods(["GET", "POST"])
def jury_conflict(request, pk):
    """Declare a conflict of interest with an application: its details and
    scoring are closed to the juror from then on (scores given are removed);
    staff see the declaration in the ranking."""
    submission = _reviewable(request, pk)
    if submission is None:
        return deny(request)
    if request.method == "POST":
        with transaction.atomic():
            review, _created = Review.objects.get_or_create(
                submission=submission, juror=request.user
            )
            review.scores.all().delete()
            review.conflict_of_interest = True
            review.comment = ""
            review.save()
        log(
            instance=submission.page.specific,
            action=CONFLICT_ACTION,
            user=request.user,
            data={"submission_id": submission.pk, "receipt_number": submission.receipt_number},
        )
        messages.success(request, gettext("Your conflict of interest is recorded."))
        return redirect("b52_jury:index")
    return TemplateResponse(
        request,
        "b52_wagtail/applications/jury/conflict.html",
        {
            "submission": submission,
            "page_title": gettext("Declare a conflict of interest"),
            "header_icon": "warning",
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def jury_attachment(request, pk):
    """An attachment of an application the juror may read. A file let
    through with a warning is only sent on a POST (the button beside its
    warning), never by following a link alone."""
    attachment = (
        Attachment.objects.filter(pk=pk, submission__in=access.reviewable_by(request.user))
        .only("pk", "file", "original_name", "content_type", "warnings")
        .first()
    )
    if attachment is None:
        return deny(request)
    if attachment.warnings and request.method != "POST":
        return deny(request)
    return attachment_response(attachment)


def jury_zip(request, jury_pk):
    """Every application of the jury forwarded to the juror (not those with
    a conflict): a text with the answers and the attachments, as one ZIP."""
    jury = access.juries_of(request.user).filter(pk=jury_pk).select_related("call").first()
    if jury is None:
        return deny(request)
    submissions = (
        access.reviewable_by(request.user)
        .filter(call_id=jury.call_id)
        .select_related("district", "page")
        .prefetch_related("attachments")
        .order_by("receipt_number", "pk")
    )
    handle, count = archive.build_zip(submissions)
    log(
        instance=jury.call,
        action=ZIP_ACTION,
        user=request.user,
        data={"applications": count},
    )
    response = FileResponse(handle, as_attachment=True, filename=f"jury-{jury.call.slug}.zip")
    response["Cache-Control"] = "private, no-store"
    return response


# Staff ------------------------------------------------------------------


def jury_ranking(request, jury_pk):
    if not access.is_jury_staff(request.user):
        return deny(request)
    jury = get_object_or_404(
        Jury.objects.select_related("call").prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("sort_order", "pk")),
            Prefetch("jurors", queryset=Juror.objects.select_related("user")),
        ),
        pk=jury_pk,
    )
    districts = District.objects.filter(
        pk__in=ApplicationSubmission.objects.filter(
            call_id=jury.call_id, status__in=RANKED_STATUSES
        ).values("district_id")
    ).order_by("name")
    district = None
    value = request.GET.get("district", "")
    if value:
        district = districts.filter(pk=value).first() if value.isdigit() else None
        if district is None:
            raise Http404
    rows = ranking(jury, district=district)
    export_format = request.GET.get("export")
    if export_format in ("csv", "xlsx"):
        return ranking_response(jury, rows, export_format, user=request.user)
    criteria = list(jury.criteria.all())
    for row in rows:
        for result in row.reviews:
            result.score_list = [(c, result.scores.get(c.pk)) for c in criteria]
    return TemplateResponse(
        request,
        "b52_wagtail/applications/jury/ranking.html",
        {
            "jury": jury,
            "criteria": criteria,
            "rows": rows,
            "districts": districts,
            "district": district,
            "page_title": gettext("Ranking: %(call)s") % {"call": jury.call.title},
            "header_icon": "list-ol",
        },
    )


@require_http_methods(["GET", "POST"])
def jury_invite(request, jury_pk):
    """Staff invite an external juror: an inactive account in the jury
    group, named on this jury, with a German mail to set a password."""
    if not access.is_jury_staff(request.user):
        return deny(request)
    jury = get_object_or_404(Jury.objects.select_related("call"), pk=jury_pk)
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        group = Group.objects.filter(name=b52_settings.JURY_GROUP).first()
        if group is None:
            messages.error(
                request,
                gettext("The group “%(group)s” is missing.") % {"group": b52_settings.JURY_GROUP},
            )
        else:
            try:
                user = invitations.invite(
                    jury, group, form.cleaned_data["name"], form.cleaned_data["email"]
                )
            except OSError:
                messages.error(
                    request,
                    gettext(
                        "The invitation could not be sent, so no account was created. "
                        "Please try again later."
                    ),
                )
                return redirect("b52_jury:invite", jury_pk=jury.pk)
            messages.success(
                request,
                gettext("%(name)s is invited to the jury of “%(call)s”.")
                % {"name": user.get_full_name() or user.email, "call": jury.call.title},
            )
            return redirect("b52_jury:index")
    return TemplateResponse(
        request,
        "b52_wagtail/applications/jury/invite.html",
        {
            "jury": jury,
            "form": form,
            "page_title": gettext("Invite a juror"),
            "header_icon": "mail",
        },
    )
