"""The ranking of a jury's applications: the weighted average of each
application over its complete reviews, their spread and number.

A review counts when it scores every criterion of the jury and declares no
conflict. Its score is ``sum(weight × score) / sum(weight)``; an
application's score is the mean of its reviews' scores, its spread the
lowest and highest review score and their (population) standard deviation.
"""

import statistics
from dataclasses import dataclass, field

from django.db.models import Prefetch

from ..models import ApplicationStatus, ApplicationSubmission, Review, Score

# The applications a ranking lists: those that reached the jury.
RANKED_STATUSES = (
    ApplicationStatus.JURY,
    ApplicationStatus.AWARDED,
    ApplicationStatus.NOT_SELECTED,
)


@dataclass
class ReviewResult:
    review: Review
    scores: dict  # criterion pk -> value
    weighted: float | None


@dataclass
class RankingRow:
    submission: ApplicationSubmission
    reviews: list = field(default_factory=list)
    rank: int | None = None

    @property
    def complete(self):
        return [r.weighted for r in self.reviews if r.weighted is not None]

    @property
    def average(self):
        values = self.complete
        return statistics.fmean(values) if values else None

    @property
    def minimum(self):
        return min(self.complete, default=None)

    @property
    def maximum(self):
        return max(self.complete, default=None)

    @property
    def stdev(self):
        values = self.complete
        return statistics.pstdev(values) if values else None

    @property
    def review_count(self):
        return len(self.complete)

    @property
    def conflict_count(self):
        return sum(1 for r in self.reviews if r.review.conflict_of_interest)


def weighted_score(scores, criteria):
    """``sum(weight × score) / sum(weight)``, or None unless every
    criterion is scored."""
    if not criteria or any(c.pk not in scores for c in criteria):
        return None
    total = sum(c.weight for c in criteria)
    return sum(c.weight * scores[c.pk] for c in criteria) / total


def ranking(jury, *, district=None):
    """:class:`RankingRow` per application of ``jury``'s call that reached
    the jury, best first (unscored last), ranks shared by equal averages.
    Four queries whatever the number of applications."""
    criteria = list(jury.criteria.all())
    submissions = ApplicationSubmission.objects.filter(
        call_id=jury.call_id, status__in=RANKED_STATUSES
    ).select_related("district")
    if district is not None:
        submissions = submissions.filter(district=district)
    reviews = Review.objects.select_related("juror").prefetch_related(
        Prefetch("scores", queryset=Score.objects.only("review_id", "criterion_id", "value"))
    )
    submissions = submissions.prefetch_related(Prefetch("jury_reviews", queryset=reviews))
    rows = []
    for submission in submissions:
        row = RankingRow(submission)
        for review in submission.jury_reviews.all():
            scores = {score.criterion_id: score.value for score in review.scores.all()}
            weighted = None if review.conflict_of_interest else weighted_score(scores, criteria)
            row.reviews.append(ReviewResult(review, scores, weighted))
        rows.append(row)
    rows.sort(
        key=lambda row: (
            row.average is None,
            -(row.average or 0),
            row.submission.receipt_number,
        )
    )
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row.average is None:
            break
        if row.average != previous:
            rank, previous = position, row.average
        row.rank = rank
    return rows
