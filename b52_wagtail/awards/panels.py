"""Page choosers that speak the editor's language and open where the editor
is, not at Wagtail's root."""

from django.utils.text import capfirst, format_lazy
from wagtail.admin.panels import PageChooserPanel
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Page


class TranslatedPageChooser(AdminPageChooser):
    """Wagtail's page chooser with its button text ("Seite auswählen
    (Ausschreibung)") in the language of the request that shows it. Wagtail
    spells it out when the widget is made, i.e. once per form class, in the
    language of whoever opened the form first (an English-speaking admin
    made it English for everybody)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.target_models != [Page]:
            self.choose_one_text = format_lazy(
                "{} ({})",
                AdminPageChooser.choose_one_text,
                capfirst(self.model._meta.verbose_name),
            )


class StartHerePageChooser(TranslatedPageChooser):
    """Opens at ``start_parent_id`` while nothing is chosen (with a chosen
    page Wagtail opens at that page's parent)."""

    start_parent_id = None

    def get_js_init_options(self, id_, name, value_data):
        options = super().get_js_init_options(id_, name, value_data)
        if "parentId" not in options and self.start_parent_id is not None:
            options["parentId"] = self.start_parent_id
        return options


class StartHerePageChooserPanel(PageChooserPanel):
    """A ``PageChooserPanel`` whose chooser opens at the page being edited
    (``start_at="self"``, e.g. a call's form page, which usually lives below
    the call) or at its parent (``start_at="parent"``, the default: siblings
    such as the calls of a section), or one level higher
    (``start_at="grandparent"``: a form page below its call, a showcase in the
    winners archive next to the calls). A new page counts from its future
    parent."""

    def __init__(self, field_name, page_type=None, can_choose_root=False, start_at="parent", **kw):
        super().__init__(field_name, page_type=page_type, can_choose_root=can_choose_root, **kw)
        self.start_at = start_at

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "start_at": self.start_at}

    def get_form_options(self):
        options = super().get_form_options()
        widgets = options.setdefault("widgets", {})
        widgets[self.field_name] = StartHerePageChooser(
            target_models=self.page_type, can_choose_root=self.can_choose_root
        )
        return options

    class BoundPanel(PageChooserPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if self.bound_field is None:
                return
            widget = self.bound_field.field.widget
            if isinstance(widget, StartHerePageChooser):
                start = self.start_page()
                widget.start_parent_id = start.pk if start is not None else None

        def start_page(self):
            page = self.instance
            if page is None:
                return None
            if page.pk is None:
                parent = getattr(self.form, "parent_page", None)
                if self.panel.start_at == "grandparent" and parent is not None:
                    return parent.get_parent() or parent
                return parent
            if self.panel.start_at == "self":
                return page
            parent = page.get_parent()
            if self.panel.start_at == "grandparent" and parent is not None:
                return parent.get_parent() or parent
            return parent
