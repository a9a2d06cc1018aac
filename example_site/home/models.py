from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from b52_wagtail import cache, localization
from b52_wagtail.blocks import BodyStreamBlock

from .blocks import HomeStreamBlock


class HomePage(Page):
    """The example site's own home page: a partner site's page type, not the
    package's. The body is a stream of hand-written blocks (hero, text) and
    blocks that fill themselves from the package's pages (the open call, the
    latest releases, the cooperation fields, the winners)."""

    intro = RichTextField(blank=True)
    body = StreamField(HomeStreamBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    def serve(self, request, *args, **kwargs):
        # Like the package's pages: the cached fragments (frame, blocks) this
        # URL read last time are read ahead in two round trips, not two per
        # fragment.
        cache.read_ahead(request)
        response = localization.render_response(super().serve(request, *args, **kwargs))
        cache.remember_plan(request)
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A hero at the top carries the page's only h1; without one the
        # title does.
        blocks = list(self.body)
        hero = blocks.pop(0) if blocks and blocks[0].block_type == "hero" else None
        context["hero"] = hero
        context["blocks"] = blocks
        return context


class StandardPage(Page):
    """A plain page of the example site: Impressum, Datenschutz,
    Barrierefreiheit and the like."""

    intro = models.TextField("Einleitung", blank=True)
    body = StreamField(BodyStreamBlock(), blank=True)
    footer_link = models.BooleanField(
        "im Fußbereich verlinken",
        default=False,
        help_text="Pflichtseiten wie Impressum und Datenschutz stehen im Fußbereich jeder Seite.",
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    promote_panels = Page.promote_panels + [FieldPanel("footer_link")]

    class Meta:
        verbose_name = "Standardseite"
        verbose_name_plural = "Standardseiten"
