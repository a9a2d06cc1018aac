from django.db import models
from wagtail.models import Page


class TopicPage(Page):
    """A plain section page of the host ("Über uns", "Netzwerk", …)."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, "intro"]
