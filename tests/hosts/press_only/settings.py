"""A partner that installs only the core and the press app, with no base.html."""

from tests.hosts.base_settings import host_settings

globals().update(host_settings("press_only", "b52_wagtail.press"))
