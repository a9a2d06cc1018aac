"""The reviewing jury of an award call: who reviews (:class:`Juror`), by
which criteria (:class:`Criterion`), until when (:class:`Jury`), and what
they gave (:class:`Review`, :class:`Score`).

The jury lives here and not on the call page: it is not public content (the
public jury list stays ``AwardCallJuryMember`` on the call), a juror added
or invited must take effect at once without publishing the call's draft, and
a new edition of the call must never carry last year's reviewers over (page
copies copy child relations; these rows are not the page's children).
"""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable

from ...conf import b52_settings
from .submission import ApplicationSubmission

SCORE_MIN = 0
SCORE_MAX = 10


def jury_group_members():
    """``limit_choices_to`` of the juror chooser: members of the jury group."""
    return {"groups__name": b52_settings.JURY_GROUP}


class Jury(ClusterableModel):
    """The reviewing jury of one award call."""

    call = models.OneToOneField(
        "b52_awards.AwardCallPage",
        verbose_name=_("award call"),
        on_delete=models.CASCADE,
        related_name="b52_jury",
    )
    review_deadline = models.DateField(
        _("review deadline"),
        null=True,
        blank=True,
        help_text=_(
            "The last day (Europe/Berlin) on which jurors review. Until then each juror "
            "sees only their own reviews."
        ),
    )

    panels = [
        FieldPanel("call"),
        FieldPanel("review_deadline"),
        InlinePanel("jurors", heading=_("Jurors"), label=_("Juror")),
        InlinePanel("criteria", heading=_("Criteria"), label=_("Criterion"), min_num=1),
    ]

    class Meta:
        verbose_name = _("jury")
        verbose_name_plural = _("juries")
        permissions = [
            ("review_applications", "Can review the applications forwarded to their jury"),
        ]

    def __str__(self):
        return str(self.call)

    def deadline_passed(self, today=None):
        """Whether the review deadline's day is over (Europe/Berlin)."""
        from ... import localization

        if self.review_deadline is None:
            return False
        today = today or localization.localdate()
        return today > self.review_deadline

    @property
    def total_weight(self):
        return sum(criterion.weight for criterion in self.criteria.all())


class JurorSelect(forms.Select):
    """The juror chooser: name and e-mail address instead of the user name."""

    def create_option(self, name, value, label, *args, **kwargs):
        user = getattr(value, "instance", None)
        if user is not None:
            label = user.get_full_name() or user.get_username()
            if user.email:
                label = f"{label} ({user.email})"
        return super().create_option(name, value, label, *args, **kwargs)


class Juror(Orderable):
    jury = ParentalKey(Jury, on_delete=models.CASCADE, related_name="jurors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="b52_jurors",
        limit_choices_to=jury_group_members,
        help_text=_("Members of the jury group. Invite external jurors from the jury list."),
    )

    panels = [FieldPanel("user", widget=JurorSelect)]

    class Meta(Orderable.Meta):
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        constraints = [
            models.UniqueConstraint(fields=["jury", "user"], name="b52_juror_unique_user"),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class Criterion(Orderable):
    jury = ParentalKey(Jury, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("weight")]), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return self.name


class Review(models.Model):
    """One juror's review of one application: a conflict of interest, or
    scores per criterion and a comment."""

    submission = models.ForeignKey(
        ApplicationSubmission,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="jury_reviews",
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("juror"),
        on_delete=models.CASCADE,
        related_name="b52_jury_reviews",
    )
    conflict_of_interest = models.BooleanField(_("conflict of interest"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("jury review")
        verbose_name_plural = _("jury reviews")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "juror"], name="b52_review_unique_juror"),
        ]

    def __str__(self):
        return f"{self.submission} – {self.juror}"


class Score(models.Model):
    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="b52_score_unique"),
            models.CheckConstraint(
                condition=models.Q(value__gte=SCORE_MIN, value__lte=SCORE_MAX),
                name="b52_score_range",
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class JuryReminder(models.Model):
    """That a juror was reminded of the review deadline of a jury (so that
    ``b52_jury_reminders`` sends each reminder once)."""

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    review_deadline = models.DateField(_("review deadline"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("jury reminder")
        verbose_name_plural = _("jury reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["jury", "user", "review_deadline"], name="b52_jury_reminder_once"
            ),
        ]

    def __str__(self):
        return f"{self.jury} – {self.user} ({self.review_deadline})"
