from wagtail.models import Page


class TrivialPage(Page):
    """A title-only page: the benchmarks' baseline."""

    template = "testapp/trivial_page.html"
