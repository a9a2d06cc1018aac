"""Press releases: ``PressReleaseIndexPage`` (listing, year archive, filters,
search, RSS/Atom feeds; :mod:`.index`) and ``PressReleasePage``
(:mod:`.release`). Shared constants and helpers are in :mod:`.common`.

Each page type is an abstract base plus a concrete default. A host that adds
fields subclasses the abstract base, re-declares ``template`` and, for a
release model, declares its own contact and download orderables with the
related names ``contact_items`` and ``download_items``.
"""

from .common import (
    CARD_IMAGE_FILTER,
    FEED_FRAGMENT,
    LEAD_IMAGE_FILTER,
    LINK_FIELDS,
    LISTING_FRAGMENT,
    SHARE_IMAGE_FILTER,
    ReleaseLink,
)
from .index import AbstractPressReleaseIndexPage, PressReleaseIndexPage, ReleaseListing
from .release import (
    AbstractPressReleaseContact,
    AbstractPressReleaseDownload,
    AbstractPressReleasePage,
    PressReleaseContact,
    PressReleaseDownload,
    PressReleasePage,
)

__all__ = [
    "CARD_IMAGE_FILTER",
    "FEED_FRAGMENT",
    "LEAD_IMAGE_FILTER",
    "LINK_FIELDS",
    "LISTING_FRAGMENT",
    "SHARE_IMAGE_FILTER",
    "AbstractPressReleaseContact",
    "AbstractPressReleaseDownload",
    "AbstractPressReleaseIndexPage",
    "AbstractPressReleasePage",
    "PressReleaseContact",
    "PressReleaseDownload",
    "PressReleaseIndexPage",
    "PressReleasePage",
    "ReleaseLink",
    "ReleaseListing",
]
