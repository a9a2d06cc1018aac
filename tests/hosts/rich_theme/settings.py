"""A partner with every package app, an English/UTC configuration and a
rich theme of its own: header with logo and navigation, breadcrumbs, a
two-column grid, footer, CSS resets, and the blocks title, extra_head,
extra_css, content and extra_js plus blocks of its own. Its section pages
(tests.hosts.rich_theme.TopicPage) sit above the package's pages."""

from pathlib import Path

from tests.hosts.base_settings import full_host_settings

globals().update(full_host_settings("rich_theme", Path(__file__).parent, "tests.hosts.rich_theme"))
