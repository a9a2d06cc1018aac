"""System checks for host sites."""

from django.core.checks import Error, Tags, register
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.base import Template as DjangoTemplate
from django.template.context import Context
from django.template.loader import get_template
from django.template.loader_tags import BlockNode, ExtendsNode
from django.utils.translation import gettext as _

from .conf import b52_settings


def template_block_names(name):
    """Names of the blocks a Django template and its ancestors define."""
    names = set()
    template = get_template(name)
    compiled = getattr(template, "template", template)
    seen = 0
    while isinstance(compiled, DjangoTemplate) and seen < 20:
        seen += 1
        names.update(node.name for node in compiled.nodelist.get_nodes_by_type(BlockNode))
        extends = compiled.nodelist.get_nodes_by_type(ExtendsNode)
        if not extends:
            break
        try:
            compiled = extends[0].get_parent(Context())
        except Exception:  # noqa: BLE001  (a parent named by a variable cannot be followed)
            break
    return names


@register(Tags.templates)
def check_base_template(app_configs=None, **kwargs):
    name = b52_settings.base_template()
    try:
        blocks = template_block_names(name)
    except TemplateDoesNotExist:
        return [
            Error(
                _("The base template “%(name)s” named by B52_BASE_TEMPLATE does not exist.")
                % {"name": name},
                hint=_(
                    "Set B52_BASE_TEMPLATE to a template of your site, or remove the "
                    "setting to use your base.html or the package's standalone base."
                ),
                id="b52_wagtail.E001",
            )
        ]
    except TemplateSyntaxError as error:
        return [
            Error(
                _("The base template “%(name)s” cannot be compiled: %(error)s")
                % {"name": name, "error": error},
                id="b52_wagtail.E003",
            )
        ]
    if "content" not in blocks:
        return [
            Error(
                _("The base template “%(name)s” has no {%% block content %%}.") % {"name": name},
                hint=_("b52_wagtail pages fill the block “content”; add it to your base template."),
                id="b52_wagtail.E002",
            )
        ]
    return []
