"""Settings shared by the partial host projects in tests/hosts/.

``host_settings("press_only", "b52_wagtail.press")`` gives a host with the
core and the named sub-apps only, no base.html, and a test database of its
own (so that it can run beside the main suite on PostgreSQL)."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import dj_database_url

INSTALLED_APPS = [
    "b52_wagtail",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.contrib.sitemaps",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "tests.hosts.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", "sqlite://:memory:"))}
# Its own test database, so that it can run beside the main suite on PostgreSQL.
SECRET_KEY = "partial-host"  # noqa: S105
USE_TZ = True
TIME_ZONE = "Europe/Berlin"
LANGUAGE_CODE = "de"
STATIC_URL = "/static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAIL_SITE_NAME = "Partial host"
ALLOWED_HOSTS = ["*"]


def host_settings(name, *sub_apps):
    """This module's settings with ``sub_apps`` installed after the core."""
    values = {key: value for key, value in globals().items() if key.isupper()}
    core = INSTALLED_APPS.index("b52_wagtail") + 1
    values["INSTALLED_APPS"] = [*INSTALLED_APPS[:core], *sub_apps, *INSTALLED_APPS[core:]]
    values["DATABASES"] = {
        "default": {**DATABASES["default"], "TEST": {"NAME": f"test_b52_host_{name}"}}
    }
    values["WAGTAIL_SITE_NAME"] = f"Host {name}"
    return values


# Every app of the package and what they need, for hosts that install all.
ALL_PACKAGE_APPS = [
    "b52_wagtail.cooperation",
    "b52_wagtail.press",
    "b52_wagtail.awards",
    "b52_wagtail.applications",
    "b52_wagtail.api",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.api.v2",
    "rest_framework",
]


def full_host_settings(name, host_folder, *host_apps):
    """A host with every package app (and ``host_apps`` of its own), the
    ``templates`` folder in ``host_folder``, and settings far from the
    package's defaults: English (en-us), UTC, no ``STORAGES["b52_private"]``,
    media on disk in a temporary folder.

    ``DATABASE_URL`` and ``B52_HOST_MEDIA_ROOT`` in the environment let
    several processes (migrate, b52_demo, runserver) share a database and a
    media folder; without them each process gets its own, removed at exit."""
    values = host_settings(name, *ALL_PACKAGE_APPS, *host_apps)
    values["TEMPLATES"] = [{**TEMPLATES[0], "DIRS": [Path(host_folder).resolve() / "templates"]}]
    values["ROOT_URLCONF"] = "tests.hosts.full_urls"
    values["LANGUAGE_CODE"] = "en-us"
    values["TIME_ZONE"] = "UTC"
    values["MEDIA_ROOT"] = os.environ.get("B52_HOST_MEDIA_ROOT") or temporary_media_root(name)
    values["MEDIA_URL"] = "/media/"
    values["STORAGES"] = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    values["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    return values


def temporary_media_root(name):
    """``<temporary folder>/media``; the package puts its private folder
    ``b52_private`` beside it. The folder goes when the process ends."""
    folder = tempfile.mkdtemp(prefix=f"b52-host-{name}-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return str(Path(folder) / "media")
