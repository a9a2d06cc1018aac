import datetime

from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from b52_wagtail.press.models import (
    AbstractPressReleaseIndexPage,
    AbstractPressReleasePage,
    PressReleaseIndexPage,
    PressReleasePage,
)


class PressPageTypesTest(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = Site.objects.get(is_default_site=True).root_page.specific
        cls.index = PressReleaseIndexPage(title="Presse", slug="presse")
        cls.home.add_child(instance=cls.index)
        cls.release = PressReleasePage(
            title="Austausch", slug="austausch", release_date=datetime.date(2025, 4, 3)
        )
        cls.index.add_child(instance=cls.release)

    def test_the_index_can_live_anywhere_and_holds_only_releases(self):
        self.assertCanCreateAt(Page, PressReleaseIndexPage)
        self.assertCanCreateAt(type(self.home), PressReleaseIndexPage)
        self.assertAllowedSubpageTypes(PressReleaseIndexPage, {PressReleasePage})

    def test_releases_live_below_an_index(self):
        self.assertAllowedParentPageTypes(PressReleasePage, {PressReleaseIndexPage})
        self.assertCanNotCreateAt(type(self.home), PressReleasePage)
        self.assertAllowedSubpageTypes(PressReleasePage, set())

    def test_pages_route_render_and_preview(self):
        self.assertPageIsRoutable(self.index)
        self.assertPageIsRoutable(self.index, "2025/")
        self.assertPageIsRoutable(self.index, "feed/rss/")
        self.assertPageIsRoutable(self.index, "feed/atom/")
        self.assertPageIsRenderable(self.index)
        self.assertPageIsRenderable(self.index, "2025/")
        self.assertPageIsRoutable(self.release)
        self.assertPageIsRenderable(self.release)
        self.assertPageIsPreviewable(
            self.index,
            post_data=nested_form_data(
                {
                    "title": "Presse",
                    "slug": "presse",
                    "intro": rich_text("<p>Aktuelles</p>"),
                    "feed_size": "20",
                    "comments": inline_formset([]),
                }
            ),
        )
        self.assertPageIsPreviewable(
            self.release,
            post_data=nested_form_data(
                {
                    "title": "Austausch",
                    "slug": "austausch",
                    "release_date": "2025-04-03",
                    "body": streamfield([("paragraph", rich_text("<p>Vorschau</p>"))]),
                    "contact_items": inline_formset([]),
                    "download_items": inline_formset([]),
                    "comments": inline_formset([]),
                }
            ),
        )

    def test_concrete_pages_name_their_templates_and_bases_are_abstract(self):
        assert AbstractPressReleasePage._meta.abstract
        assert AbstractPressReleaseIndexPage._meta.abstract
        assert PressReleasePage.template == "b52_wagtail/press/press_release_page.html"
        assert PressReleaseIndexPage.template == "b52_wagtail/press/press_release_index_page.html"
        assert PressReleasePage._meta.get_field("release_date").db_index
