"""A partner that adds the applications app but forgot wagtail.contrib.forms
(and the API without rest_framework): `manage.py check` must name both
apps with b52_wagtail.E004, not crash with a traceback."""

from tests.hosts.base_settings import host_settings

globals().update(
    host_settings(
        "missing_forms", "b52_wagtail.awards", "b52_wagtail.applications", "b52_wagtail.api"
    )
)
