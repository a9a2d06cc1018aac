"""Wagtail API v2 representations of the core snippets, shared by every
app's ``api_fields`` so that an organisation, a district, a programme or a
contact looks the same in every page type's API output."""

from rest_framework import serializers


class ObjectField(serializers.Field):
    """A read-only API field; ``many=True`` serialises a related manager or
    a many-to-many field. Subclasses implement ``represent(value)``."""

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


class PageLinkField(ObjectField):
    """A related page as id, title and URL; ``None`` unless the page is live
    and public, so that drafts and private pages never leak through a
    relation (e.g. a call's application form before it is published)."""

    def represent(self, page):
        if page is None or not page.live or page.get_view_restrictions().exists():
            return None
        return {"id": page.pk, "title": page.title, "url": page.url}


class OrganisationField(ObjectField):
    def represent(self, organisation):
        return {
            "id": organisation.pk,
            "name": organisation.name,
            "short_name": organisation.short_name,
            "kind": organisation.kind,
            "website": organisation.website,
        }


class ProgrammeField(ObjectField):
    def represent(self, programme):
        return {"id": programme.pk, "name": programme.name, "slug": programme.slug}


class DistrictField(ObjectField):
    def represent(self, district):
        return {
            "id": district.pk,
            "key": district.key,
            "name": district.name,
            "kind": district.kind,
            "label": str(district),
        }


def contact_data(contact):
    return {
        "id": contact.pk,
        "name": contact.name,
        "organisation": contact.organisation.name if contact.organisation_id else "",
        "unit": contact.unit,
        "role": contact.role,
        "phone": contact.phone,
        "email": contact.email,
    }


class ContactField(ObjectField):
    def represent(self, contact):
        return contact_data(contact)
