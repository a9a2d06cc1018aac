from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from .models import Contact, District, Organisation, Programme


class YesNoColumn(Column):
    """A yes/no field as “Ja”/“Nein” instead of Python's ``True``/``False``."""

    def __init__(self, name, model, **kwargs):
        field = model._meta.get_field(name)
        kwargs.setdefault("label", field.verbose_name)
        kwargs.setdefault("sort_key", name)
        super().__init__(name, **kwargs)

    def get_value(self, instance):
        value = super().get_value(instance)
        if value is None:
            return ""
        return gettext("Yes") if value else gettext("No")


class GermanOrderIndexView(IndexView):
    """Sorting by name follows German dictionary order (“Böblingen” before
    “Breisgau”) on any database: by the stored ``name_sort_key``."""

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        ordering = self.ordering
        if not isinstance(ordering, list | tuple):
            ordering = (ordering,) if ordering else ()
        if not any(term in ("name", "-name") for term in ordering):
            return queryset
        if not hasattr(self.model, "name_sort_key"):
            return queryset
        terms = []
        for term in ordering:
            if term in ("name", "-name"):
                terms.append(term.replace("name", "name_sort_key"))
            terms.append(term)
        return queryset.order_by(*terms)


class B52SnippetViewSet(SnippetViewSet):
    """The package's snippets sit in the “B 52” menu group and are also
    listed on Wagtail's snippets index (``/admin/snippets/``): that index
    only lists models without a menu item of their own, so without this it
    was empty and refused even a superuser (“no permission”)."""

    index_view_class = GermanOrderIndexView

    def get_menu_item_is_registered(self):
        return False


class OrganisationViewSet(B52SnippetViewSet):
    model = Organisation
    icon = "site"
    menu_label = _("Organisations")
    list_display = ["name", "short_name", "kind", YesNoColumn("is_member", Organisation)]
    list_filter = ["kind", "is_member"]
    search_fields = ["name", "short_name"]
    ordering = ["sort_order", "name"]


class ContactViewSet(B52SnippetViewSet):
    model = Contact
    icon = "user"
    menu_label = _("Contacts")
    list_display = ["name", "organisation", "unit", "email"]
    list_filter = ["organisation"]
    search_fields = ["name", "unit"]


class DistrictViewSet(B52SnippetViewSet):
    model = District
    icon = "globe"
    menu_label = _("Districts")
    list_display = [
        "key",
        "name",
        "kind",
        "region",
        YesNoColumn("has_kgk", District),
        "kgk_since",
    ]
    list_filter = ["kind", "region", "has_kgk"]
    search_fields = ["name", "key"]
    ordering = ["key"]
    list_per_page = 50


class ProgrammeViewSet(B52SnippetViewSet):
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


# The embed snippet generator (b52_wagtail.embed_admin) -------------------------


@hooks.register("register_admin_urls")
def register_embed_snippet_urls():
    from django.urls import path

    from .embed_admin import embed_snippets

    return [path("b52-embed/", embed_snippets, name="b52_embed_snippets")]


@hooks.register("register_settings_menu_item")
def register_embed_snippet_menu_item():
    from django.urls import reverse
    from wagtail.admin.auth import user_has_any_page_permission
    from wagtail.admin.menu import MenuItem

    class EmbedMenuItem(MenuItem):
        def is_shown(self, request):
            return user_has_any_page_permission(request.user)

    return EmbedMenuItem(
        _("Embed code"), reverse("b52_embed_snippets"), icon_name="code", order=900
    )
