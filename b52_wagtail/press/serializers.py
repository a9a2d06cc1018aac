"""API v2 representations of the snippets a press release links to."""

from ..serializers import (
    ContactField,
    DistrictField,
    ObjectField,
    OrganisationField,
    ProgrammeField,
    contact_data,
)

__all__ = ["ContactField", "DistrictField", "OrganisationField", "ProgrammeField"]


def _absolute(request, url):
    return request.build_absolute_uri(url) if request is not None else url


class ContactItemsField(ObjectField):
    def __init__(self, **kwargs):
        super().__init__(many=True, **kwargs)

    def represent(self, item):
        return contact_data(item.contact)


class DownloadItemsField(ObjectField):
    def __init__(self, **kwargs):
        super().__init__(many=True, **kwargs)

    def represent(self, item):
        document = item.document
        return {
            "title": item.title or document.title,
            "url": _absolute(self.context.get("request"), document.url),
            "file_extension": document.file_extension,
            "file_size": document.file_size,
        }


class ImageField(ObjectField):
    """The lead image as id, title and an absolute URL of a 1200×630 rendition."""

    def represent(self, image):
        rendition = image.get_rendition("fill-1200x630")
        return {
            "id": image.pk,
            "title": image.title,
            "url": _absolute(self.context.get("request"), rendition.url),
            "width": rendition.width,
            "height": rendition.height,
        }
