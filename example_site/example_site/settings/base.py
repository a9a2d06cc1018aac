"""Settings shared by the example site's dev and production settings."""

import os
from importlib.util import find_spec
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "home",
    "b52_wagtail",
    "b52_wagtail.cooperation",
    "b52_wagtail.press",
    "b52_wagtail.awards",
    "b52_wagtail.applications",
    "b52_wagtail.api",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",  # the sitemap.xml template of wagtail.contrib.sitemaps
    "wagtail.contrib.table_block",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "django_tasks",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "example_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "example_site.wsgi.application"

# Persistent connections, checked before each request: after a database
# restart a worker opens a new connection instead of failing its requests.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
# SQLite (the demo): write-ahead log, and no fsync on every commit (only at
# checkpoints), which a cached page's first render after a change pays for
# otherwise (see docs/performance.md). Safe against crashes of the process;
# a power cut may lose the last commits, not the database.
SQLITE_PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = SQLITE_PRAGMAS

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = [("de", "Deutsch")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("de", "Deutsch"), ("en", "English")]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or BASE_DIR / "media"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Application attachments: never under MEDIA_URL, served only through
    # the permission-checking download view.
    "b52_private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("B52_PRIVATE_ROOT") or BASE_DIR / "private",
            "base_url": None,
        },
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

WAGTAIL_SITE_NAME = "B 52-Verbändekooperation (Beispiel)"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "pptx", "zip"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Partner origins that may frame the embeds and call the JSON form API,
# comma-separated in the environment (dev.py defaults to the partner demo
# page on http://localhost:8000/partner-demo/, see docs/embed.md).
B52_EMBED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("B52_EMBED_ORIGINS", "").split(",")
    if origin.strip()
]

# A second factor (TOTP) for admin users, with b52-wagtail[2fa] installed
# (docs/applications.md, "Second factor"): B52_REQUIRE_2FA names the groups
# that must use it, comma-separated in the environment, e.g. the demo's
# B52_REQUIRE_2FA="B 52 Jury,Geschäftsstelle – Bewerbungen,superusers".
# Off by default.
if find_spec("django_otp"):
    INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "django_otp.middleware.OTPMiddleware",
    )
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
        "b52_wagtail.applications.twofactor.RequireSecondFactorMiddleware",
    )
    OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
B52_REQUIRE_2FA = [
    name.strip() for name in os.environ.get("B52_REQUIRE_2FA", "").split(",") if name.strip()
]

# Application forms: an expired CSRF token gets an explanatory page that
# shows the typed texts again (b52_wagtail.applications).
CSRF_FAILURE_VIEW = "b52_wagtail.applications.views.csrf_failure"
