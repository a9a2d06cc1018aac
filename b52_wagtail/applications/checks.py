"""System checks of the private attachment storage (``B52_PRIVATE_STORAGE``)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.files.storage import FileSystemStorage
from django.utils.functional import empty
from django.utils.translation import gettext as _

from ..conf import b52_settings
from .storage import default_root, is_configured, private_storage


def _inside(path, folder):
    if not folder:
        return False
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return True


@register(Tags.security)
def check_private_storage_is_private(app_configs=None, **kwargs):
    """Attachments must never be reachable by a URL of the site."""
    try:
        if private_storage._wrapped is empty:
            private_storage._setup()
        storage = private_storage._wrapped
    except Exception as error:  # noqa: BLE001  (a broken storage config is reported, not raised)
        return [
            Error(
                _("The private attachment storage “%(alias)s” cannot be set up: %(error)s")
                % {"alias": b52_settings.PRIVATE_STORAGE, "error": error},
                hint=_("Fix STORAGES[“%(alias)s”] or remove it to use the built-in folder.")
                % {"alias": b52_settings.PRIVATE_STORAGE},
                id="b52_wagtail.E005",
            )
        ]
    if not isinstance(storage, FileSystemStorage):
        return []
    location = storage.location
    public = [
        folder
        for folder in (settings.MEDIA_ROOT, getattr(settings, "STATIC_ROOT", None))
        if folder and _inside(location, folder)
    ]
    # Its URLs need not be checked: the package's wrapper refuses url().
    if public:
        return [
            Error(
                _(
                    "Application attachments would be public: the private storage folder "
                    "“%(location)s” lies in a folder the site serves."
                )
                % {"location": location},
                hint=_(
                    "Give STORAGES[“%(alias)s”] a location outside MEDIA_ROOT and "
                    "STATIC_ROOT (see docs/operations.md)."
                )
                % {"alias": b52_settings.PRIVATE_STORAGE},
                id="b52_wagtail.E005",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_private_storage_is_configured(app_configs=None, **kwargs):
    if is_configured():
        return []
    return [
        Warning(
            _(
                "STORAGES has no “%(alias)s”: application attachments are kept in the "
                "built-in folder “%(location)s” on this server."
            )
            % {"alias": b52_settings.PRIVATE_STORAGE, "location": default_root()},
            hint=_(
                "In production configure STORAGES[“%(alias)s”] explicitly: a private S3 "
                "bucket (django-storages, querystring_auth off) or a backed-up folder outside "
                "MEDIA_ROOT and STATIC_ROOT (see docs/operations.md)."
            )
            % {"alias": b52_settings.PRIVATE_STORAGE},
            id="b52_wagtail.W002",
        )
    ]


@register(deploy=True)
def check_mail_timeout_fits_the_lease(app_configs=None, **kwargs):
    """A send that outlives its lease may be taken over and go out twice."""
    if settings.EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend":
        return []
    timeout = getattr(settings, "EMAIL_TIMEOUT", None)
    lease = b52_settings.APPLICATION_MAIL_LEASE
    if timeout is not None and timeout < lease:
        return []
    return [
        Warning(
            _(
                "EMAIL_TIMEOUT is %(timeout)s, not shorter than the application mail lease "
                "of %(lease)s seconds: a send that hangs longer may be taken over by another "
                "worker and the mail sent twice."
            )
            % {"timeout": timeout, "lease": lease},
            hint=_("Set EMAIL_TIMEOUT to e.g. 30 seconds (see docs/operations.md)."),
            id="b52_wagtail.W004",
        )
    ]


@register(Tags.database)
def check_no_atomic_requests(app_configs=None, **kwargs):
    """With ATOMIC_REQUESTS the submission's transaction is only a savepoint:
    the receipt would be shown before the request's own commit."""
    from django.db import connections

    atomic = [
        alias for alias in connections if connections[alias].settings_dict.get("ATOMIC_REQUESTS")
    ]
    if not atomic:
        return []
    return [
        Warning(
            _(
                "ATOMIC_REQUESTS is on for the database “%(alias)s”: an application form "
                "shows the receipt before the request's transaction commits, so a failing "
                "commit would lose an application the applicant was told had arrived."
            )
            % {"alias": atomic[0]},
            hint=_("Turn ATOMIC_REQUESTS off; the package commits each application itself."),
            id="b52_wagtail.W005",
        )
    ]
