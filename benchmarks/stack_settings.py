"""Production-like settings of benchmarks/load_applications.py: the example
site with DEBUG off on the stack of a site with more than one server —
PostgreSQL, Redis for the rate limit and the fragment cache, attachments in
a private S3 bucket through django-storages (moto's server here).

Read from the environment (the load script sets them): ``DATABASE_URL``,
``B52_LOAD_REDIS_URL``, ``B52_LOAD_S3_ENDPOINT``, ``B52_LOAD_S3_BUCKET``.

Differences from a real deployment, and why:

- Mail: the locmem backend (each worker keeps its messages in memory), so
  the load measures the site, not an SMTP server.
- Tasks: django-tasks' ``ImmediateBackend`` — the mail task runs in the web
  worker right after commit. The installed django-tasks (0.12) has no
  database backend any more (it moved to the separate django-tasks-db).
- Rate limit: on, with ``B52_TRUSTED_PROXY_COUNT = 1``; the script sends
  each applicant's requests with an address of its own in
  ``X-Forwarded-For``, as the proxy in front of a real site would, so every
  POST is counted in Redis and none is refused for sharing one address.
- HTTP: plain HTTP on 127.0.0.1, so no SSL redirect and no secure cookies.
"""

import os

import dj_database_url
from example_site.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "load-test-only"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
    )
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["B52_LOAD_REDIS_URL"],
    }
}
STORAGES = {
    **STORAGES,  # noqa: F405
    "b52_private": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["B52_LOAD_S3_BUCKET"],
            "endpoint_url": os.environ["B52_LOAD_S3_ENDPOINT"],
            "region_name": "eu-central-1",
            "access_key": "load-test",
            "secret_key": "load-test",
            "default_acl": "private",
            "querystring_auth": False,
            "file_overwrite": False,
        },
    },
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
B52_TRUSTED_PROXY_COUNT = 1
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
# Server errors to the gunicorn error log (Django prints them only with DEBUG).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR"}},
}
