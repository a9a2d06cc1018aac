"""A deleted attachment row takes its stored file with it, however it was
deleted (purge, the admin, a deleted form page), once the deletion commits."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Attachment
from .storage import private_storage

logger = logging.getLogger(__name__)


@receiver(post_delete, sender=Attachment)
def delete_stored_file(sender, instance, **kwargs):
    name = instance.file.name
    if not name:
        return

    def delete():
        try:
            private_storage.delete(name)
        except Exception:  # noqa: BLE001
            logger.exception("could not delete the stored file of attachment %s", instance.pk)

    transaction.on_commit(delete)
