"""The applications panel on the Wagtail admin home: open calls with the
days left (and a warning for their forms that notify nobody), applications
per status, per district and per day (a small chart with a table), failing
mails; for jurors, what is waiting for their review.

Shown only to users who may read applications of some form (or who sit on
a jury); the numbers cover only the forms they may read. The panel runs a
fixed number of queries, however many applications there are.
"""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Site

from .. import localization
from ..awards.models import AwardCallPage
from ..models import B52Settings
from .jury.access import may_review, reviewable_by
from .models import ApplicationStatus, ApplicationSubmission, MailDelivery
from .models.page import NO_RECIPIENT
from .permissions import VIEW_ALL, application_page_models, application_pages_for_user

#: Districts listed by count (the rest are summed up as “others”).
TOP_DISTRICTS = 8
#: Days in the chart, today included.
CHART_DAYS = 30
#: Failing mails listed by name (all are counted).
FAILED_MAILS_LISTED = 5
CHART_HEIGHT = 48
BAR_WIDTH = 8


def _readable_calls(user, pages):
    """The calls of the form pages ``user`` may read (every call for
    those who read every form)."""
    calls = AwardCallPage.objects.all()
    if user.is_superuser or user.has_perm(VIEW_ALL):
        return calls
    linked = Q(pk__in=[])
    for model in application_page_models():
        linked |= Q(pk__in=model.objects.filter(pk__in=pages.values("pk")).values("call_id"))
    return calls.filter(linked)


def open_calls(user, pages, now=None):
    """The calls accepting applications now, soonest deadline first, with
    ``days_left`` (calendar days in Berlin) and ``application_count``."""
    now = now or timezone.now()
    count = (
        ApplicationSubmission.objects.filter(call=OuterRef("pk"), page__in=pages.values("pk"))
        .exclude(status=ApplicationStatus.SPAM)
        .order_by()
        .values("call")
        .annotate(n=Count("pk"))
        .values("n")
    )
    calls = list(
        _readable_calls(user, pages)
        .live()
        # closes_at is the minute after the deadline (AwardCallPage.closes_at).
        .filter(application_start__lte=now, deadline__gte=now - datetime.timedelta(minutes=1))
        .annotate(application_count=Subquery(count, output_field=IntegerField()))
        .order_by("deadline", "pk")
    )
    calls = [call for call in calls if call.accepts_applications(now)]
    for call in calls:
        call.days = call.days_left(now)
        call.application_count = call.application_count or 0
    return calls


def forms_without_recipient(pages, calls):
    """The live forms among ``pages`` of the ``calls`` (open ones) whose new
    applications notify nobody: no “An-Adresse” of their own and no e-mail
    address of the Geschäftsstelle in the B 52 settings of their site (as
    ``notification_recipients`` decides). One query per form model, one
    for the settings when a form has no address of its own."""
    call_ids = [call.pk for call in calls]
    if not call_ids:
        return []
    forms = []
    for model in application_page_models():
        forms += model.objects.live().filter(pk__in=pages.values("pk"), call_id__in=call_ids)
    forms = [form for form in forms if not form.form_recipients()]
    if not forms:
        return []
    root_paths = Site.get_site_root_paths()

    def site_id(form):
        # The first site whose root holds the form, as Page.get_site() finds it.
        return next(
            (root.site_id for root in root_paths if form.url_path.startswith(root.root_path)), None
        )

    sites = {form.pk: site_id(form) for form in forms}
    addresses = dict(
        B52Settings.objects.filter(site_id__in={pk for pk in sites.values() if pk})
        .exclude(office_email="")
        .values_list("site_id", "office_email")
    )
    missing = [form for form in forms if not addresses.get(sites[form.pk])]
    for form in missing:
        form.edit_url = reverse("wagtailadmin_pages:edit", args=[form.pk])
    return sorted(missing, key=lambda form: (form.title, form.pk))


def per_day(submissions, today):
    """``[(date, count)]`` of the last :data:`CHART_DAYS` days (Berlin)."""
    first = today - datetime.timedelta(days=CHART_DAYS - 1)
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=localization.zone())
    counts = dict(
        submissions.filter(submit_time__gte=start)
        .annotate(day=TruncDate("submit_time", tzinfo=localization.zone()))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return [
        (day, counts.get(day, 0))
        for day in (first + datetime.timedelta(days=offset) for offset in range(CHART_DAYS))
    ]


def chart_bars(days):
    """The bars of the per-day chart (x, y, height in SVG units)."""
    top = max((n for _day, n in days), default=0) or 1
    bars = []
    for index, (day, n) in enumerate(days):
        height = round(n / top * CHART_HEIGHT) if n else 0
        bars.append(
            {
                "day": day,
                "count": n,
                "x": index * BAR_WIDTH + 1,
                "y": CHART_HEIGHT - height,
                "height": height,
            }
        )
    return bars


def jury_waiting(user):
    """For a juror: per call, how many forwarded applications still wait
    for their review, and the review deadline."""
    if not may_review(user):
        return []
    return list(
        reviewable_by(user)
        .exclude(jury_reviews__juror=user)
        .order_by()
        .values("call__title", "call__b52_jury__review_deadline")
        .annotate(n=Count("pk", distinct=True))
        .order_by("call__b52_jury__review_deadline", "call__title")
    )


class ApplicationsPanel(Component):
    name = "b52_applications"
    template_name = "b52_wagtail/applications/admin/dashboard_panel.html"
    order = 90

    def __init__(self, user, *, can_read):
        self.user = user
        self.can_read = can_read

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        user = self.user
        context["jury_waiting"] = jury_waiting(user)
        if not self.can_read:
            return context
        now = timezone.now()
        today = localization.localdate(now)
        pages = application_pages_for_user(user)
        submissions = ApplicationSubmission.objects.filter(page__in=pages.values("pk"))
        counted = submissions.exclude(status=ApplicationStatus.SPAM)

        by_status = dict(
            submissions.order_by()
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        districts = list(
            counted.order_by()
            .values("district__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "district__name")
        )
        days = per_day(counted, today)
        calls = open_calls(user, pages, now)
        failed = MailDelivery.objects.filter(
            state=MailDelivery.State.FAILED,
            submission__page__in=pages.values("pk"),
            submission__anonymised_at__isnull=True,
        )
        failed_list = list(
            failed.select_related("submission").order_by("-updated_at", "-pk")[:FAILED_MAILS_LISTED]
        )
        context.update(
            {
                "can_read": True,
                "open_calls": calls,
                # For the Geschäftsstelle, who reads every form (not a jury).
                "forms_without_recipient": forms_without_recipient(pages, calls)
                if user.is_superuser or user.has_perm(VIEW_ALL)
                else [],
                "no_recipient_message": NO_RECIPIENT,
                "by_status": [
                    {"status": value, "label": label, "count": by_status.get(value, 0)}
                    for value, label in ApplicationStatus.choices
                ],
                "total": sum(by_status.values()) - by_status.get(ApplicationStatus.SPAM, 0),
                "districts": districts[:TOP_DISTRICTS],
                "other_districts": sum(row["n"] for row in districts[TOP_DISTRICTS:]),
                "days": days,
                "days_total": sum(n for _day, n in days),
                "bars": chart_bars(days),
                "chart_width": CHART_DAYS * BAR_WIDTH,
                "chart_height": CHART_HEIGHT,
                "bar_width": BAR_WIDTH - 2,
                "failed_mails": [
                    {
                        "delivery": delivery,
                        "url": reverse(
                            "b52_applications_admin:detail", args=[delivery.submission_id]
                        ),
                    }
                    for delivery in failed_list
                ],
                "failed_count": failed.count(),
                "applications_url": reverse("b52_applications_admin:index"),
            }
        )
        return context


def applications_panel(request):
    """The panel for ``request.user``, or None when they see nothing of it."""
    user = request.user
    can_read = application_pages_for_user(user).exists()
    if not can_read and not may_review(user):
        return None
    return ApplicationsPanel(user, can_read=can_read)


@hooks.register("construct_homepage_panels")
def add_applications_panel(request, panels):
    panel = applications_panel(request)
    if panel is not None:
        panels.append(panel)
