"""Builders for press releases, shared by the tests and benchmarks/."""

import datetime
import io
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db.models import F
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction

from b52_wagtail.cache import bump_content_generation
from b52_wagtail.press.models import PressReleaseContact, PressReleaseDownload, PressReleasePage


def make_image(title="Pressefoto", colour="#7a1f3d"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 450), colour).save(buffer, "PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name="foto.png"))


def add_release(index, title, release_date, *, publish=True, districts=(), partners=(), **fields):
    """A release below ``index``, saved (and published unless publish=False)."""
    slug = fields.pop("slug", None) or f"pm-{uuid.uuid4().hex[:10]}"
    contacts = fields.pop("contacts", [])
    downloads = fields.pop("downloads", [])
    release = PressReleasePage(
        title=title, slug=slug, release_date=release_date, live=publish, **fields
    )
    index.add_child(instance=release)
    release.districts = list(districts)
    release.partner_organisations = list(partners)
    release.contact_items = [
        PressReleaseContact(contact=contact, sort_order=order)
        for order, contact in enumerate(contacts)
    ]
    release.download_items = [
        PressReleaseDownload(document=document, title=title, sort_order=order)
        for order, (document, title) in enumerate(downloads)
    ]
    release.save()
    revision = release.save_revision()
    if publish:
        revision.publish()
    return release


def make_private(page):
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )


def bulk_releases(index, count, *, image=None, organisation=None, partner=None, district=None):
    """``count`` live releases below ``index``, inserted in bulk (treebeard
    paths computed here) so that 2,000 take about a second."""
    index.refresh_from_db()
    content_type = ContentType.objects.get_for_model(PressReleasePage)
    first_day = datetime.date(2019, 1, 1)
    now = datetime.datetime.now(tz=datetime.UTC)
    pages = []
    for number in range(count):
        slug = f"massenmitteilung-{index.numchild + number + 1}"
        pages.append(
            Page(
                title=f"Massenmitteilung {number + 1}",
                draft_title=f"Massenmitteilung {number + 1}",
                slug=slug,
                path=Page._get_path(index.path, index.depth + 1, index.numchild + number + 1),
                depth=index.depth + 1,
                numchild=0,
                url_path=f"{index.url_path}{slug}/",
                live=True,
                content_type=content_type,
                locale_id=index.locale_id,
                first_published_at=now,
                last_published_at=now,
            )
        )
    pages = Page.objects.bulk_create(pages, batch_size=200)
    releases = [
        PressReleasePage(
            page_ptr_id=page.pk,
            release_date=first_day + datetime.timedelta(days=number % 2500),
            teaser="Kurzfassung der Mitteilung.",
            lead_image=image,
            lead_organisation=organisation,
        )
        for number, page in enumerate(pages)
    ]
    fields = PressReleasePage._meta.local_concrete_fields
    for start in range(0, len(releases), 200):
        PressReleasePage._base_manager._insert(releases[start : start + 200], fields=fields)
    if partner is not None:
        through = PressReleasePage._meta.get_field("partner_organisations").remote_field.through
        through.objects.bulk_create(
            [through(pressreleasepage_id=page.pk, organisation=partner) for page in pages]
        )
    if district is not None:
        through = PressReleasePage._meta.get_field("districts").remote_field.through
        through.objects.bulk_create(
            [through(pressreleasepage_id=page.pk, district=district) for page in pages]
        )
    Page.objects.filter(pk=index.pk).update(numchild=F("numchild") + count)
    index.refresh_from_db()
    # Bulk inserts send no signals: make the cached fragments stale ourselves.
    bump_content_generation()
    return pages
