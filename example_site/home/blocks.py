"""The home page's blocks: a hero written by the editors and blocks that fill
themselves from the package's pages.

Each automatic block runs a fixed number of queries, whatever the number of
pages. What they show (the current call, releases, cooperation fields,
winners) is computed inside cached fragments (``{% b52_cache %}`` in their
templates, keyed on what they show): the context carries callables that only
run when a fragment is rendered (see ``AutomaticBlock``). The current call's
fragment also varies with the Berlin minute: its status and days left follow
the clock.
"""

import datetime
from itertools import groupby

from django.utils import timezone
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from b52_wagtail import localization
from b52_wagtail.applications.models import ApplicationFormPage
from b52_wagtail.awards.models import (
    AwardCallPage,
    Winner,
    WinnerArchivePage,
    WinnerShowcasePage,
)
from b52_wagtail.blocks import BodyStreamBlock
from b52_wagtail.cache import media_tags, model_tag, snippet_tags
from b52_wagtail.cooperation.models import CooperationFieldPage, CooperationIndexPage
from b52_wagtail.pages import once
from b52_wagtail.press.models import PressReleaseIndexPage, PressReleasePage


def _locale_id(parent_context):
    page = (parent_context or {}).get("page")
    return getattr(page, "locale_id", None)


def _in_locale(queryset, locale_id):
    return queryset.filter(locale_id=locale_id) if locale_id else queryset


def _first_page(model, locale_id):
    """The first live, public page of ``model`` in the locale, or None."""
    return _in_locale(model.objects.live().public(), locale_id).order_by("path").first()


class AutomaticBlock(blocks.StructBlock):
    """A block that fills itself from the package's pages. Its context holds
    the values of :meth:`get_items`, each computed at most once and only when
    the template's cached fragment renders, and the fragment's
    ``dependencies``."""

    def get_items(self, value, locale_id):
        """``{name: callable}``: the values the template shows."""
        raise NotImplementedError

    def dependencies(self):
        """What makes the block's cached fragment stale."""
        raise NotImplementedError

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        locale_id = _locale_id(parent_context)
        for name, compute in self.get_items(value, locale_id).items():
            context[name] = once(compute)
        context["dependencies"] = self.dependencies()
        return context


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label="Überschrift", max_length=120)
    text = blocks.TextBlock(label="Text", required=False)
    image = ImageChooserBlock(label="Bild", required=False)
    image_alt = blocks.CharBlock(
        label="Alternativtext des Bildes",
        required=False,
        help_text="Leer lassen, wenn das Bild nur schmückt.",
    )
    link_page = blocks.PageChooserBlock(label="Ziel des Handlungsaufrufs", required=False)
    link_text = blocks.CharBlock(label="Text des Handlungsaufrufs", required=False)

    class Meta:
        label = "Bühne"
        icon = "pick"
        template = "home/blocks/hero.html"


class CurrentCallBlock(AutomaticBlock):
    """The call open for applications now (else the next announced one),
    its deadline in Berlin time and a link to its application form."""

    heading = blocks.CharBlock(label="Überschrift", default="Aktuelle Ausschreibung")
    text_without_call = blocks.TextBlock(
        label="Text, wenn keine Ausschreibung läuft",
        required=False,
        default="Zurzeit läuft keine Ausschreibung.",
    )

    class Meta:
        label = "Aktuelle Ausschreibung (automatisch)"
        icon = "date"
        template = "home/blocks/current_call.html"

    @staticmethod
    def current_call(locale_id, now=None):
        """The call accepting applications at ``now`` that closes first,
        else the call whose applications open next, else None. One query."""
        now = now or timezone.now()
        calls = _in_locale(AwardCallPage.objects.live().public(), locale_id)
        # The deadline names the last accepted minute (see closes_at).
        candidates = calls.filter(deadline__gte=now - datetime.timedelta(minutes=1)).order_by(
            "deadline"
        )
        upcoming = None
        for call in candidates:
            if call.accepts_applications(now):
                return call
            if upcoming is None and call.application_start and call.application_start > now:
                upcoming = call
        return upcoming

    def get_items(self, value, locale_id):
        return {"state": lambda: self.call_state(locale_id)}

    def dependencies(self):
        return [model_tag(AwardCallPage), model_tag(ApplicationFormPage)]

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        # The fragment varies with the Berlin minute, as the call's status
        # and its days left change with the clock.
        context["minute"] = localization.localtime(timezone.now()).strftime("%Y-%m-%d %H:%M")
        return context

    def call_state(self, locale_id):
        call = self.current_call(locale_id)
        if call is None:
            return {"call": None}
        return {
            "call": call,
            "badge": call.get_badge(),
            "accepting": call.accepts_applications(),
            "days_left": call.days_left(),
            "application_page": call.get_application_page(),
        }


class LatestReleasesBlock(AutomaticBlock):
    heading = blocks.CharBlock(label="Überschrift", default="Aktuelle Pressemitteilungen")
    count = blocks.IntegerBlock(label="Anzahl", default=3, min_value=1, max_value=6)

    class Meta:
        label = "Neueste Pressemitteilungen (automatisch)"
        icon = "doc-full"
        template = "home/blocks/latest_releases.html"

    @staticmethod
    def releases(locale_id, count):
        queryset = _in_locale(PressReleasePage.visible_releases(), locale_id)
        queryset = queryset.order_by("-release_date", "-first_published_at", "-pk")
        return list(PressReleasePage.with_card_data(queryset)[:count])

    def get_items(self, value, locale_id):
        return {
            "releases": lambda: self.releases(locale_id, value["count"]),
            "index_page": lambda: _first_page(PressReleaseIndexPage, locale_id),
        }

    def dependencies(self):
        # The releases, the index linked, their images and snippets (not
        # every title anywhere: PAGES).
        return [
            model_tag(PressReleasePage),
            model_tag(PressReleaseIndexPage),
            *media_tags(),
            *snippet_tags("Organisation", "Programme"),
        ]


class CooperationFieldsBlock(AutomaticBlock):
    heading = blocks.CharBlock(label="Überschrift", default="Unsere Kooperationsfelder")
    text = blocks.TextBlock(label="Text", required=False)

    class Meta:
        label = "Kooperationsfelder (automatisch)"
        icon = "group"
        template = "home/blocks/cooperation_fields.html"

    def get_items(self, value, locale_id):
        fields = _in_locale(CooperationFieldPage.objects.live().public(), locale_id)
        return {
            "fields": lambda: list(fields.defer_streamfields().order_by("path")),
            "index_page": lambda: _first_page(CooperationIndexPage, locale_id),
        }

    def dependencies(self):
        return [model_tag(CooperationFieldPage), model_tag(CooperationIndexPage)]


class WinnersBlock(AutomaticBlock):
    """The winners of the last years' showcases, by district."""

    heading = blocks.CharBlock(label="Überschrift", default="Preisträger der letzten Jahre")
    text = blocks.TextBlock(label="Text", required=False)
    years = blocks.IntegerBlock(label="Jahrgänge", default=5, min_value=1, max_value=20)

    class Meta:
        label = "Preisträger nach Kreisen (automatisch)"
        icon = "trophy"
        template = "home/blocks/winners.html"

    @staticmethod
    def winners_by_district(locale_id, years):
        """``(showcases, [(district, [winner, …]), …])``: the ``years`` most
        recent live showcases (newest first) and their winners grouped by
        district, districts alphabetical. Two queries."""
        showcases = _in_locale(WinnerShowcasePage.objects.live().public(), locale_id)
        showcases = list(
            showcases.defer_streamfields()
            .select_related("call")
            .order_by("-call__edition", "-first_published_at")[:years]
        )
        by_pk = {showcase.pk: showcase for showcase in showcases}
        winners = []
        for winner in (
            Winner.objects.filter(page_id__in=by_pk)
            .select_related("district")
            .order_by("district__name_sort_key", "district_id", "municipality")
        ):
            winner.showcase = by_pk[winner.page_id]
            winners.append(winner)
        grouped = [
            (district, list(items))
            for district, items in groupby(winners, key=lambda winner: winner.district)
        ]
        return {"showcases": showcases, "districts": grouped, "count": len(winners)}

    def get_items(self, value, locale_id):
        return {
            "winners": lambda: self.winners_by_district(locale_id, value["years"]),
            "archive_page": lambda: _first_page(WinnerArchivePage, locale_id),
        }

    def dependencies(self):
        return [
            model_tag(WinnerShowcasePage),
            model_tag(AwardCallPage),
            model_tag(WinnerArchivePage),
            *snippet_tags("District"),
        ]


class HomeStreamBlock(BodyStreamBlock):
    hero = HeroBlock()
    current_call = CurrentCallBlock()
    latest_releases = LatestReleasesBlock()
    cooperation_fields = CooperationFieldsBlock()
    winners = WinnersBlock()

    class Meta:
        label = "Inhalt der Startseite"
