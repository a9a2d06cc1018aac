"""The stack suite starts what it needs on this machine: Debian's
``redis-server`` and moto's S3 server (``moto_server``), each on a port of
its own, unless something already listens there. PostgreSQL comes from
``DATABASE_URL`` (CI starts it).

Without them — or under the main suite's settings — every test here is
skipped with the reason, so ``make test`` stays green on a fresh machine.
``B52_STACK_REQUIRED=1`` (CI) turns that skip into a failure.
"""

import importlib.util
import os
from pathlib import Path

import pytest
from django.conf import settings

from .services import (
    ServiceError,
    bucket_keys,
    create_private_bucket,
    executable,
    moto_command,
    redis_command,
    start_service,
    stop_service,
)

HERE = Path(__file__).resolve().parent
STACK_SETTINGS = "tests.stack.settings"
REQUIRED = os.environ.get("B52_STACK_REQUIRED") == "1"
STACK_MODULES = ("storages", "boto3", "redis", "moto")


def why_not():
    """Why the stack suite cannot run here, or None."""
    if os.environ.get("DJANGO_SETTINGS_MODULE") != STACK_SETTINGS:
        return (
            f"the stack suite runs with its own settings: pytest tests/stack --ds={STACK_SETTINGS}"
        )
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "the stack suite needs PostgreSQL: DATABASE_URL=postgres://…"
    missing = [name for name in STACK_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        return f"{', '.join(missing)} missing: pip install -e '.[stack]'"
    if executable("redis-server") is None:
        return "redis-server missing: apt-get install redis-server"
    if executable("moto_server") is None:
        return "moto_server missing: pip install -e '.[stack]'"
    return None


def pytest_collection_modifyitems(config, items):
    mine = [item for item in items if HERE in Path(str(item.path)).parents]
    reason = why_not() if mine else None
    if reason is None:
        return
    if REQUIRED:
        raise pytest.UsageError(f"B52_STACK_REQUIRED=1, but {reason}")
    for item in mine:
        item.add_marker(pytest.mark.skip(reason=reason))


def start(starting):
    try:
        return starting()
    except ServiceError as error:
        pytest.fail(str(error))


# Session-scoped and autouse: up before the cache fixture of tests/conftest.py.
@pytest.fixture(scope="session", autouse=True)
def redis_server():
    port = settings.REDIS_PORT
    process = start(lambda: start_service("redis-server", redis_command(port), port))
    yield port
    stop_service(process)


@pytest.fixture(scope="session", autouse=True)
def s3_server():
    port = settings.S3_PORT
    process = start(lambda: start_service("moto_server", moto_command(port), port))
    yield settings.S3_ENDPOINT
    stop_service(process)


@pytest.fixture(scope="session")
def s3(s3_server):
    """A boto3 client of the emulator, as the bucket's owner."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name=settings.S3_REGION,
        aws_access_key_id=settings.S3_CREDENTIALS["access_key"],
        aws_secret_access_key=settings.S3_CREDENTIALS["secret_key"],
    )


@pytest.fixture(scope="session")
def bucket(s3):
    """The private bucket: created once, public access blocked as in
    docs/operations.md."""
    name = settings.S3_BUCKET
    create_private_bucket(s3, name, settings.S3_REGION)
    return name


@pytest.fixture(autouse=True)
def stack(redis_server, bucket, s3):
    """Every test starts with an empty bucket (Redis is emptied by the
    autouse cache fixture of tests/conftest.py)."""
    from django.core.files.storage import storages
    from django.utils.functional import empty

    from b52_wagtail.applications.storage import private_storage

    for key in bucket_keys(s3, bucket):
        s3.delete_object(Bucket=bucket, Key=key)
    storages._storages.pop("b52_private", None)
    private_storage._wrapped = empty
    return {"s3": s3, "bucket": bucket, "redis_port": redis_server}
