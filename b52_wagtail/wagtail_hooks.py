from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Contact, District, Organisation, Programme


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "site"
    menu_label = _("Organisations")
    list_display = ["name", "short_name", "kind", "is_member"]
    list_filter = ["kind", "is_member"]
    search_fields = ["name", "short_name"]
    ordering = ["sort_order", "name"]


class ContactViewSet(SnippetViewSet):
    model = Contact
    icon = "user"
    menu_label = _("Contacts")
    list_display = ["name", "organisation", "unit", "email"]
    list_filter = ["organisation"]
    search_fields = ["name", "unit"]


class DistrictViewSet(SnippetViewSet):
    model = District
    icon = "globe"
    menu_label = _("Districts")
    list_display = ["key", "name", "kind", "region", "has_kgk", "kgk_since"]
    list_filter = ["kind", "region", "has_kgk"]
    search_fields = ["name", "key"]
    ordering = ["key"]
    list_per_page = 50


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "tasks"
    menu_label = _("Programmes")
    list_display = ["name", "coordinator"]
    search_fields = ["name"]


class B52ViewSetGroup(SnippetViewSetGroup):
    menu_label = _("B 52")
    menu_icon = "group"
    menu_name = "b52"
    menu_order = 250
    items = (OrganisationViewSet, ContactViewSet, DistrictViewSet, ProgrammeViewSet)


register_snippet(B52ViewSetGroup)
