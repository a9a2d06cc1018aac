"""Every package setting, with its default.

Read them as ``from b52_wagtail.conf import b52_settings`` and
``b52_settings.PAGE_SIZE``; no other module reads ``django.conf.settings``
for ``B52_*`` names. Values are looked up lazily and the cache is cleared on
``setting_changed``, so ``override_settings`` works in tests.
"""

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

PREFIX = "B52_"

DEFAULTS = {
    # Language of public package pages, their forms, mails and API answers
    # (German or English), whatever the host's LANGUAGE_CODE and the
    # browser's Accept-Language say. With WAGTAIL_I18N_ENABLED a page in a
    # locale the package translates speaks its own language instead.
    "LANGUAGE": "de",
    # Time zone of every date and time the package shows, sends or reads
    # (deadlines are legal times in Baden-Württemberg), whatever TIME_ZONE is.
    "TIME_ZONE": "Europe/Berlin",
    # Template the package layout extends. None: the host's "base.html" when
    # it has one, otherwise the minimal standalone base shipped here.
    "BASE_TEMPLATE": None,
    # Include the optional stylesheet (b52_wagtail/css/b52.css) in extra_css.
    "INCLUDE_CSS": True,
    # Default page size of listing pages.
    "PAGE_SIZE": 20,
    # Upper bound for ?page=N on listings (keeps archive pages bounded).
    "MAX_PAGE": 500,
    # Days before the deadline during which a call counts as "closing soon".
    "CLOSING_SOON_DAYS": 14,
    # Storage alias (settings.STORAGES) for application attachments. When
    # STORAGES has no such alias the package stores them in PRIVATE_ROOT.
    "PRIVATE_STORAGE": "b52_private",
    # Folder of the built-in private storage (used only without the alias
    # above). None: a folder "b52_private" beside MEDIA_ROOT, never under it.
    "PRIVATE_ROOT": None,
    # Origins allowed to frame the embed views (frame-ancestors / CORS).
    "EMBED_ORIGINS": [],
    # Headless preview (b52_wagtail.api, docs/headless.md): the front end's
    # preview URL the admin sends editors to with a signed token; None: off
    # (Wagtail's own preview only).
    "HEADLESS_PREVIEW_URL": None,
    # Seconds a headless preview token is valid.
    "HEADLESS_PREVIEW_MAX_AGE": 10 * 60,
    # Cache alias (settings.CACHES) of rendered page fragments and of the
    # content generation that invalidates them; None disables fragment caching.
    # With more than one process it must be a shared cache such as Redis.
    "FRAGMENT_CACHE": "default",
    # Seconds a shared cache (CDN, reverse proxy) may keep a public page
    # (Cache-Control s-maxage), never past the page's next change by the
    # clock; 0 or None: no public caching (every page answers "private").
    "CACHE_MAX_AGE": 300,
    # Seconds a browser may keep a public page without asking (max-age).
    "BROWSER_MAX_AGE": 0,
    # Application forms (b52_wagtail.applications).
    # Upload limits: bytes per file, bytes per application, number of files.
    "APPLICATION_MAX_FILE_SIZE": 10 * 1024 * 1024,
    "APPLICATION_MAX_TOTAL_SIZE": 25 * 1024 * 1024,
    "APPLICATION_MAX_FILES": 5,
    # Images with more pixels are refused before they are decoded.
    "APPLICATION_MAX_IMAGE_PIXELS": 40_000_000,
    # Pixels of all images of one application together (each is decoded).
    "APPLICATION_MAX_TOTAL_IMAGE_PIXELS": 100_000_000,
    # Bytes a DOCX/ODT may really unpack to, counted while inflating (never
    # the sizes a zip declares); also the total of inflated and decoded bytes
    # of all files of one application.
    "APPLICATION_MAX_INFLATED_SIZE": 100 * 1024 * 1024,
    # CPU seconds inspecting all files of one application may take.
    "APPLICATION_INSPECTION_BUDGET_SECONDS": 10,
    # PDFs with active content (JavaScript, launch actions, embedded files,
    # XFA, ...): "refuse" them, or "flag" them (accepted, staff are warned in
    # the inbox and before the download).
    "APPLICATION_ACTIVE_PDF": "refuse",
    # Characters of the short summary (Kurzzusammenfassung).
    "APPLICATION_SUMMARY_MAX_LENGTH": 3000,
    # A form posted sooner than this many seconds after it was rendered is
    # treated as spam (looks like success, is flagged, sends no mail).
    "APPLICATION_MIN_SECONDS": 3,
    # The form token the server issues with each form expires after this
    # many seconds (the person is asked to send again with a fresh one).
    "APPLICATION_TOKEN_MAX_AGE": 24 * 60 * 60,
    # Per-client rate limit of form POSTs: at most RATE_LIMIT per RATE_WINDOW
    # seconds, counted in the cache named by APPLICATION_CACHE (use a shared
    # cache such as Redis when the site runs more than one process).
    "APPLICATION_RATE_LIMIT": 10,
    "APPLICATION_RATE_WINDOW": 60,
    "APPLICATION_CACHE": "default",
    # Number of reverse proxies in front of the site that append to
    # X-Forwarded-For. 0: the client is REMOTE_ADDR and the header is ignored.
    "TRUSTED_PROXY_COUNT": 0,
    # Days after the call's deadline before b52_purge_applications deletes
    # its submissions, attachments and mails.
    "APPLICATION_RETENTION_DAYS": 365,
    # Mail delivery: attempts before a mail stays "failed", and the first
    # retry delay in seconds (doubled on every attempt, at most 6 hours).
    "APPLICATION_MAIL_MAX_ATTEMPTS": 8,
    "APPLICATION_MAIL_RETRY_DELAY": 60,
    # Seconds a worker holds a mail it is sending. A mail still "sending"
    # after that is taken to have lost its worker (killed, crashed) and is
    # sent again by the next worker run; keep it well above the longest SMTP
    # send (EMAIL_TIMEOUT), or a slow send may go out twice.
    "APPLICATION_MAIL_LEASE": 300,
    # The jury (b52_wagtail.applications.jury): name of the group of jurors
    # (created by a migration with the admin access and the review
    # permission only), days before the review deadline on which
    # b52_jury_reminders reminds jurors with open reviews, and seconds a
    # juror's admin session lasts (None: the host's SESSION_COOKIE_AGE).
    "JURY_GROUP": "B 52 Jury",
    "JURY_REMINDER_DAYS": 3,
    "JURY_SESSION_AGE": 2 * 60 * 60,
    # A second factor for the admin (b52_wagtail.applications.twofactor,
    # extra "2fa"): names of the groups whose members must confirm their
    # sign-in with a code from an authenticator app, and "superusers" for
    # all superusers; empty: off. Codes tried per user: at most
    # TWO_FACTOR_RATE_LIMIT per TWO_FACTOR_RATE_WINDOW seconds, counted in
    # the cache named by APPLICATION_CACHE.
    "REQUIRE_2FA": [],
    "TWO_FACTOR_RATE_LIMIT": 5,
    "TWO_FACTOR_RATE_WINDOW": 5 * 60,
}

STANDALONE_BASE_TEMPLATE = "b52_wagtail/base.html"
HOST_BASE_TEMPLATE = "base.html"


class B52Settings:
    def __init__(self, defaults):
        self._defaults = defaults
        self._cache = {}

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._defaults:
            raise AttributeError(f"Unknown b52_wagtail setting: {name}")
        if name not in self._cache:
            self._cache[name] = getattr(settings, PREFIX + name, self._defaults[name])
        return self._cache[name]

    def reload(self, *, setting=None, **kwargs):
        if setting is None or setting.startswith(PREFIX) or setting == "TEMPLATES":
            self._cache.clear()

    def cached(self, key):
        """A value derived from the settings, cached until they change."""
        return self._cache.get(key)

    def cache(self, key, value):
        self._cache[key] = value

    def base_template(self):
        """The template name the package layout extends."""
        if "_base_template" not in self._cache:
            configured = self.BASE_TEMPLATE
            if configured:
                resolved = configured
            else:
                try:
                    get_template(HOST_BASE_TEMPLATE)
                    resolved = HOST_BASE_TEMPLATE
                except TemplateDoesNotExist:
                    resolved = STANDALONE_BASE_TEMPLATE
            self._cache["_base_template"] = resolved
        return self._cache["_base_template"]


b52_settings = B52Settings(DEFAULTS)
