from django import template

from ..jury.access import is_jury_staff
from ..models import Review

register = template.Library()


@register.inclusion_tag("b52_wagtail/applications/jury/detail_reviews.html", takes_context=True)
def b52_jury_reviews(context, submission):
    """The jury's reviews of ``submission`` on the staff's detail page (and
    the conflicts of interest declared); nothing for other users."""
    request = context.get("request")
    if request is None or not is_jury_staff(request.user):
        return {"show": False}
    reviews = list(
        Review.objects.filter(submission=submission)
        .select_related("juror")
        .prefetch_related("scores__criterion")
    )
    return {"show": True, "reviews": reviews}
