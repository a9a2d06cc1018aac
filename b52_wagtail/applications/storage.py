"""The private storage of application attachments (``B52_PRIVATE_STORAGE``).

Attachments are never served by URL: the storage refuses ``url()``, and
files reach staff only through the permission-checked download view. With
no ``STORAGES["b52_private"]`` configured, the package stores them in a
folder of its own beside ``MEDIA_ROOT`` (``B52_PRIVATE_ROOT``), so that a
minimal install works; a deploy check asks for an explicit choice.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty

from ..conf import b52_settings

DEFAULT_FOLDER = "b52_private"


def is_configured():
    """Whether ``settings.STORAGES`` names the private storage explicitly."""
    return b52_settings.PRIVATE_STORAGE in (getattr(settings, "STORAGES", None) or {})


def default_root():
    """Folder of the built-in private storage: ``B52_PRIVATE_ROOT``, else a
    folder beside ``MEDIA_ROOT`` (so never below it), else in the working
    directory when the host has no ``MEDIA_ROOT``."""
    if b52_settings.PRIVATE_ROOT:
        return Path(b52_settings.PRIVATE_ROOT)
    media_root = getattr(settings, "MEDIA_ROOT", "")
    if media_root:
        return Path(media_root).resolve().parent / DEFAULT_FOLDER
    return Path.cwd() / DEFAULT_FOLDER


class PrivateURLError(RuntimeError):
    """Raised when code asks the private storage for a URL."""


class PrivateStorage(LazyObject):
    """The storage named by ``B52_PRIVATE_STORAGE`` in ``settings.STORAGES``
    (or the built-in folder), looked up when first used and again after the
    settings change. It has no URLs."""

    def _setup(self):
        if is_configured():
            self._wrapped = storages[b52_settings.PRIVATE_STORAGE]
        else:
            self._wrapped = FileSystemStorage(
                location=default_root(), base_url=None, directory_permissions_mode=0o700
            )

    def url(self, name):
        raise PrivateURLError(
            "Application attachments have no URL; link to the download view "
            "b52_applications:attachment instead."
        )


private_storage = PrivateStorage()


def get_private_storage():
    return private_storage


def _reset(*, setting=None, **kwargs):
    if setting in {"STORAGES", "MEDIA_ROOT", "B52_PRIVATE_STORAGE", "B52_PRIVATE_ROOT"}:
        private_storage._wrapped = empty


setting_changed.connect(_reset)


def attachment_upload_to(instance, filename):
    """A generated name: the applicant's file name never becomes a path."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else "bin"
    if not extension.isalnum() or len(extension) > 5:
        extension = "bin"
    return f"b52-applications/{uuid.uuid4().hex}.{extension}"
