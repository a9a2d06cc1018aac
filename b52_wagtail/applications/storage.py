"""The private storage of application attachments (``B52_PRIVATE_STORAGE``)."""

import uuid

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty

from ..conf import b52_settings


class PrivateStorage(LazyObject):
    """The storage named by ``B52_PRIVATE_STORAGE`` in ``settings.STORAGES``,
    looked up when first used (and again after the settings change)."""

    def _setup(self):
        self._wrapped = storages[b52_settings.PRIVATE_STORAGE]


private_storage = PrivateStorage()


def get_private_storage():
    return private_storage


def _reset(*, setting=None, **kwargs):
    if setting in {"STORAGES", "B52_PRIVATE_STORAGE"}:
        private_storage._wrapped = empty


setting_changed.connect(_reset)


def attachment_upload_to(instance, filename):
    """A generated name: the applicant's file name never becomes a path."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else "bin"
    if not extension.isalnum() or len(extension) > 5:
        extension = "bin"
    return f"b52-applications/{uuid.uuid4().hex}.{extension}"
