"""API v2 representations of the snippets a press release links to."""

from rest_framework import serializers


def _absolute(request, url):
    return request.build_absolute_uri(url) if request is not None else url


class _ObjectField(serializers.Field):
    """A read-only field; ``many=True`` serialises a related manager."""

    def __init__(self, *, many=False, **kwargs):
        self.many = many
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        if self.many:
            return [self.represent(item) for item in value.all()]
        return self.represent(value)

    def represent(self, value):
        raise NotImplementedError


class OrganisationField(_ObjectField):
    def represent(self, organisation):
        return {
            "id": organisation.pk,
            "name": organisation.name,
            "short_name": organisation.short_name,
            "website": organisation.website,
        }


class ProgrammeField(_ObjectField):
    def represent(self, programme):
        return {"id": programme.pk, "name": programme.name, "slug": programme.slug}


class DistrictField(_ObjectField):
    def represent(self, district):
        return {
            "id": district.pk,
            "key": district.key,
            "name": district.name,
            "kind": district.kind,
        }


class ContactItemsField(_ObjectField):
    def __init__(self, **kwargs):
        super().__init__(many=True, **kwargs)

    def represent(self, item):
        contact = item.contact
        return {
            "name": contact.name,
            "organisation": contact.organisation.name if contact.organisation_id else "",
            "unit": contact.unit,
            "role": contact.role,
            "phone": contact.phone,
            "email": contact.email,
        }


class DownloadItemsField(_ObjectField):
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


class ImageField(_ObjectField):
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
