"""The award's section page: the current call first, then earlier calls."""

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
)
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ...blocks import BodyStreamBlock
from ...cache import PAGES, media_tags, snippet_tags, tree
from ...pages import B52PageMixin, once
from .archive import AbstractWinnerArchivePage
from .call import AbstractAwardCallPage
from .common import call_models, showcase_models
from .showcase import AbstractWinnerShowcasePage


class AbstractAwardIndexPage(B52PageMixin, Page):
    """The award's section page: the current call first, then earlier calls.
    Subclasses re-declare ``template``."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    api_fields = [APIField("intro"), APIField("body")]

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        calls = self.get_calls()
        self._b52_shown_calls = calls
        context["calls"] = calls
        context["current_call"] = calls[0] if calls else None
        # The calls' badges follow the clock and stay live; the archives and
        # the texts come from the fragment cache.
        context["archives"] = once(self.get_archives)
        context["cache_dependencies"] = [
            tree(self),
            PAGES,
            *media_tags(),
            *snippet_tags("Contact", "Organisation"),
        ]
        return context

    def get_calls(self):
        """Live, public calls below this page, newest edition first, each
        with its decided flag set (one query for all)."""
        calls = []
        for model in call_models():
            calls.extend(model.objects.live().public().descendant_of(self))
        calls.sort(key=lambda call: (-call.edition, call.path))
        decided = set()
        for model in showcase_models():
            decided.update(
                model.objects.live()
                .filter(call_id__in=[call.pk for call in calls])
                .values_list("call_id", flat=True)
            )
        for call in calls:
            call._b52_decided = call.pk in decided
        return calls

    def get_clock_changes(self, now):
        calls = getattr(self, "_b52_shown_calls", None)
        if calls is None:
            calls = self.get_calls()
        return [moment for call in calls for moment in call.get_clock_changes(now)]

    @classmethod
    def cdn_pages_showing(cls, obj):
        listed = (AbstractAwardCallPage, AbstractWinnerShowcasePage, AbstractWinnerArchivePage)
        if isinstance(obj, listed):
            return list(cls.objects.live().ancestor_of(obj))
        return super().cdn_pages_showing(obj)

    def get_archives(self):
        return [
            page
            for model in apps.get_models()
            if issubclass(model, AbstractWinnerArchivePage)
            for page in model.objects.live().public().descendant_of(self)
        ]


class AwardIndexPage(AbstractAwardIndexPage):
    template = "b52_wagtail/awards/award_index_page.html"

    class Meta:
        verbose_name = _("award section")
        verbose_name_plural = _("award sections")
