"""A partner that installs the core and the cooperation app but not the press app."""

from tests.hosts.base_settings import host_settings

globals().update(host_settings("no_press", "b52_wagtail.cooperation"))
