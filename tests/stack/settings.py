"""Settings of the stack suite: the test settings on the engines of a site
with more than one server (docs/operations.md, "Production stack"):
PostgreSQL (``DATABASE_URL``), Redis for the rate limit and the fragment
cache, attachments in a private S3 bucket through django-storages — here
Debian's redis-server and moto's S3 server on this machine, started by
tests/stack/conftest.py.

Run: ``DATABASE_URL=postgres://… pytest tests/stack --ds=tests.stack.settings``.
"""

import os

from tests.settings import *  # noqa: F403

REDIS_PORT = int(os.environ.get("B52_STACK_REDIS_PORT", "6390"))
S3_PORT = int(os.environ.get("B52_STACK_S3_PORT", "5390"))
S3_ENDPOINT = f"http://127.0.0.1:{S3_PORT}"
S3_BUCKET = "b52-stack-private"
S3_REGION = "eu-central-1"
# moto accepts any key; real deployments take them from the environment.
S3_CREDENTIALS = {"access_key": "stack-tests", "secret_key": "stack-tests"}


def private_s3(bucket=S3_BUCKET, endpoint_url=S3_ENDPOINT, **options):
    """``STORAGES["b52_private"]`` in a private bucket: objects private, no
    signed or unsigned URLs (the download view streams every file)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            "region_name": S3_REGION,
            "default_acl": "private",
            "querystring_auth": False,
            "file_overwrite": False,
            **S3_CREDENTIALS,
            **options,
        },
    }


# Its own test database, so that it can run beside the main suite on PostgreSQL.
# A copy: tests.settings' dict must stay as it is when the main suite
# imports this module while collecting tests/stack.
DATABASES = {"default": {**DATABASES["default"], "TEST": {"NAME": "test_b52_stack"}}}  # noqa: F405
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{REDIS_PORT}/0",
    }
}
STORAGES = {**STORAGES, "b52_private": private_s3()}  # noqa: F405
