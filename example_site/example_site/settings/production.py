"""Production settings: everything secret or host-specific comes from the
environment (SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS)."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = [host.strip() for host in os.environ["ALLOWED_HOSTS"].split(",") if host.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(".")]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# The site runs behind one reverse proxy (SECURE_PROXY_SSL_HEADER above): the
# rate limit of the application forms counts the address that proxy saw.
B52_TRUSTED_PROXY_COUNT = int(os.environ.get("B52_TRUSTED_PROXY_COUNT", "1"))

# A cache shared by all processes (rate limit, fragment cache): Redis when
# REDIS_URL is set, else the database (run `manage.py createcachetable`).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "b52_cache",
        }
    }

# A hanging mail server must not hold the applicant's request, and a send
# must end well within B52_APPLICATION_MAIL_LEASE (check W004); failed or
# stuck mails are sent again by the next worker run after the lease
# (`manage.py b52_retry_mail` from cron is the safety net, docs/operations.md).
EMAIL_TIMEOUT = 10
# Uploads above this size go to a temporary file, not memory; cap the request
# body in the web server too (nginx: client_max_body_size 30m).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
}
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")
