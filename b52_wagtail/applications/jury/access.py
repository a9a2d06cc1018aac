"""Who may do what with the jury.

* A *juror* is an active admin user with
  ``b52_applications.review_applications`` (the "B 52 Jury" group gives it)
  who is named on a call's :class:`~b52_wagtail.applications.models.Jury`.
  They read the applications of that call forwarded to the jury (status
  ``jury``) unless they declared a conflict of interest, and review them.
* *Staff* (``view_all_applications``, superusers) manage juries, see every
  review and the ranking, and invite external jurors.

Everything else answers alike, so that ids cannot be probed.
"""

from django.db.models import Exists, OuterRef

from ..models import ApplicationStatus, ApplicationSubmission, Jury, Review
from ..permissions import VIEW_ALL, _is_admin_user

REVIEW = "b52_applications.review_applications"


def is_jury_staff(user):
    return _is_admin_user(user) and (user.is_superuser or user.has_perm(VIEW_ALL))


def may_review(user):
    return _is_admin_user(user) and user.has_perm(REVIEW)


def juries_of(user):
    """The juries ``user`` sits on (none without the review permission)."""
    if not may_review(user):
        return Jury.objects.none()
    return Jury.objects.filter(jurors__user=user).distinct()


def forwarded_to(user):
    """The applications forwarded to ``user``'s juries, conflicts included
    (annotated ``b52_conflict``)."""
    if not may_review(user):
        return ApplicationSubmission.objects.none()
    conflicts = Review.objects.filter(
        submission=OuterRef("pk"), juror=user, conflict_of_interest=True
    )
    return ApplicationSubmission.objects.filter(
        status=ApplicationStatus.JURY, call__b52_jury__jurors__user=user
    ).annotate(b52_conflict=Exists(conflicts))


def reviewable_by(user):
    """The applications ``user`` may read and score: forwarded to them,
    without a conflict of interest."""
    if not may_review(user):
        # forwarded_to() gives none() without the annotation to filter on.
        return ApplicationSubmission.objects.none()
    return forwarded_to(user).filter(b52_conflict=False)
