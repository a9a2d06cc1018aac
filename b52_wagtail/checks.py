"""System checks for host sites.

Every check has an id and a sentence that says what to add or change:

- ``E001``–``E003``: the base template (missing, no ``content`` block, broken);
- ``E004``: an app the package needs is not in ``INSTALLED_APPS``;
- ``W001``: the base template has no ``extra_head`` block (what is lost);
- ``E006``: Wagtail's document URLs are missing (downloads would fail);
- ``W003`` (database): no Wagtail site has a real host name, so links in
  mails and feeds would point to ``localhost``;
- ``E005``, ``W002`` (deploy): the private attachment storage, in
  ``b52_wagtail.applications.checks``.
- ``E007``, ``W006``: ``B52_REQUIRE_2FA`` without django-otp, its TOTP
  plugin or the middleware (and without segno for the QR code), and
  ``W007`` (database): a group it names does not exist, in
  ``b52_wagtail.applications.twofactor.checks``.
"""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .conf import b52_settings
from .pages import HEAD_BLOCK, template_block_names

# Hosts of a site nobody has configured yet (wagtail start: localhost:80).
PLACEHOLDER_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


@register(Tags.templates)
def check_base_template(app_configs=None, **kwargs):
    name = b52_settings.base_template()
    try:
        blocks = template_block_names(name)
    except TemplateDoesNotExist:
        return [
            Error(
                _("The base template “%(name)s” named by B52_BASE_TEMPLATE does not exist.")
                % {"name": name},
                hint=_(
                    "Set B52_BASE_TEMPLATE to a template of your site, or remove the "
                    "setting to use your base.html or the package's standalone base."
                ),
                id="b52_wagtail.E001",
            )
        ]
    except TemplateSyntaxError as error:
        return [
            Error(
                _("The base template “%(name)s” cannot be compiled: %(error)s")
                % {"name": name, "error": error},
                id="b52_wagtail.E003",
            )
        ]
    if "content" not in blocks:
        return [
            Error(
                _("The base template “%(name)s” has no {%% block content %%}.") % {"name": name},
                hint=_("b52_wagtail pages fill the block “content”; add it to your base template."),
                id="b52_wagtail.E002",
            )
        ]
    if HEAD_BLOCK not in blocks:
        return [
            Warning(
                _(
                    "The base template “%(name)s” has no {%% block extra_head %%}: package "
                    "pages leave out their canonical and hreflang links, OpenGraph and "
                    "Twitter tags, feed links and robots hints. The stylesheet, structured "
                    "data and scripts still reach the page."
                )
                % {"name": name},
                hint=_(
                    "Add {%% block extra_head %%}{%% endblock %%} inside the <head> of “%(name)s”."
                )
                % {"name": name},
                id="b52_wagtail.W001",
            )
        ]
    return []


@register()
def check_required_apps(app_configs=None, **kwargs):
    """Each installed b52 app names the apps it needs (``requires``)."""
    errors = []
    for config in apps.get_app_configs():
        for missing in getattr(config, "b52_missing_requirements", lambda: [])():
            errors.append(
                Error(
                    _("“%(app)s” needs “%(missing)s” in INSTALLED_APPS.")
                    % {"app": config.name, "missing": missing},
                    hint=_(
                        "Add “%(missing)s” to INSTALLED_APPS (README.md, “Installing into an "
                        "existing Wagtail site”)."
                    )
                    % {"missing": missing},
                    obj=config.name,
                    id="b52_wagtail.E004",
                )
            )
    return errors


@register(Tags.urls)
def check_document_urls(app_configs=None, **kwargs):
    """Call documents, release PDFs and download blocks link to Wagtail's
    document view; without its URLs those pages fail. (Served directly from
    the storage, documents need no such URL.)"""
    if getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None) == "direct":
        return []
    try:
        reverse("wagtaildocs_serve", args=[1, "document.pdf"])
    except NoReverseMatch:
        return [
            Error(
                _(
                    "Wagtail's document URLs are not in your URLconf: package pages with "
                    "downloads (calls, press releases, the cooperation page) cannot be shown."
                ),
                hint=_(
                    'Add path("documents/", include(wagtail.documents.urls)) to your '
                    "URLconf before Wagtail's page route, as wagtail start does."
                ),
                id="b52_wagtail.E006",
            )
        ]
    return []


@register(Tags.database)
def check_site_root_urls(app_configs=None, databases=None, **kwargs):
    """Mails are sent without a request: their links use the root URL of the
    Wagtail site a page is on. Warn when no site has a real host name."""
    if not databases or settings.DEBUG:
        return []
    from wagtail.models import Site

    try:
        sites = list(Site.objects.using(databases[0]).all())
    except DatabaseError:  # before the first migrate
        return []
    if not sites or any(site.hostname not in PLACEHOLDER_HOSTS for site in sites):
        return []
    return [
        Warning(
            _(
                "No Wagtail site has a public host name (only %(hosts)s): links in "
                "application mails and feeds would point to %(url)s."
            )
            % {
                "hosts": ", ".join(sorted({site.hostname for site in sites})),
                "url": sites[0].root_url,
            },
            hint=_(
                "Set the host name and port of your site under Settings → Sites, and "
                "WAGTAILADMIN_BASE_URL to the address of the admin."
            ),
            id="b52_wagtail.W003",
        )
    ]
