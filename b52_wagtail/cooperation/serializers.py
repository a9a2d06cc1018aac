"""Read-only API representations of the core snippets used by the
cooperation pages (Wagtail API v2 ``api_fields``)."""

from rest_framework import serializers


class _ReadOnlyField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)


class ProgrammeSerializer(_ReadOnlyField):
    def to_representation(self, programme):
        return {"id": programme.pk, "name": programme.name, "slug": programme.slug}


def organisation_data(organisation):
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "short_name": organisation.short_name,
        "kind": organisation.kind,
        "website": organisation.website,
    }


class OrganisationSerializer(_ReadOnlyField):
    def to_representation(self, organisation):
        return organisation_data(organisation)


class OrganisationListSerializer(_ReadOnlyField):
    def to_representation(self, organisations):
        return [organisation_data(organisation) for organisation in organisations.all()]


class DistrictListSerializer(_ReadOnlyField):
    def to_representation(self, districts):
        return [
            {"id": district.pk, "key": district.key, "name": str(district)}
            for district in districts.all()
        ]


class ContactSerializer(_ReadOnlyField):
    def to_representation(self, contact):
        return {
            "id": contact.pk,
            "name": contact.name,
            "organisation": str(contact.organisation) if contact.organisation_id else "",
            "unit": contact.unit,
            "phone": contact.phone,
            "email": contact.email,
        }


class PageLinkSerializer(_ReadOnlyField):
    """A related page as id and title; the API lists only live, public ones."""

    def to_representation(self, page):
        if not page.live or page.get_view_restrictions().exists():
            return None
        return {"id": page.pk, "title": page.title, "url": page.url}
