"""StreamField blocks shared by every b52_wagtail app."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = [
    "bold",
    "italic",
    "link",
    "document-link",
    "ol",
    "ul",
    "superscript",
    "subscript",
]

HEADING_LEVELS = [("h2", _("Heading 2")), ("h3", _("Heading 3")), ("h4", _("Heading 4"))]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=255)
    level = blocks.ChoiceBlock(choices=HEADING_LEVELS, default="h2", label=_("Level"))

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "b52_wagtail/blocks/heading.html"
        preview_value = {"text": "Stärkung kommunaler Einbindung", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "b52_wagtail/blocks/paragraph.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        max_length=255,
        help_text=_("Describe the image for people who cannot see it. Empty: the image's title."),
    )
    caption = blocks.CharBlock(
        label=pgettext_lazy("b52", "Caption"), required=False, max_length=255
    )
    copyright = blocks.CharBlock(label=_("Copyright"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "b52_wagtail/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    author = blocks.CharBlock(label=_("Author"), required=False, max_length=255)
    role = blocks.CharBlock(label=_("Role or organisation"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "b52_wagtail/blocks/quote.html"
        preview_value = {
            "quote": "Im interaktiven Format konnten alle Anwesenden ihre Perspektive einbringen.",
            "author": "Programmkoordination",
        }


class DocumentItemBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Link text"),
        required=False,
        max_length=255,
        help_text=_("Empty: the document's title."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")


class DownloadListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=255)
    documents = blocks.ListBlock(DocumentItemBlock(), label=pgettext_lazy("b52", "Documents"))

    class Meta:
        icon = "download"
        label = _("Downloads")
        template = "b52_wagtail/blocks/download_list.html"


class ContactBlock(blocks.StructBlock):
    contact = SnippetChooserBlock("b52_wagtail.Contact", label=_("Contact"))

    class Meta:
        icon = "user"
        label = _("Contact")
        template = "b52_wagtail/blocks/contact.html"


class LinkBlock(blocks.StructBlock):
    """A link to a page or to an http(s) address; other schemes (javascript:)
    are refused by the URL validator."""

    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("External address"), required=False)
    text = blocks.CharBlock(label=_("Link text"), max_length=255)

    class Meta:
        icon = "link"
        label = _("Link")
        template = "b52_wagtail/blocks/link.html"

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks import StructBlockValidationError

        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Choose either a page or an external address."))
                }
            )
        return value


class TableBlockWithCaption(blocks.StructBlock):
    caption = blocks.CharBlock(
        label=pgettext_lazy("b52", "Caption"), required=False, max_length=255
    )
    table = TableBlock(label=_("Table"))

    class Meta:
        icon = "table"
        label = _("Table")
        template = "b52_wagtail/blocks/table.html"


class BodyStreamBlock(blocks.StreamBlock):
    """The body of package pages. Apps extend it with their own blocks."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    table = TableBlockWithCaption()
    downloads = DownloadListBlock()
    contact = ContactBlock()
    link = LinkBlock()

    class Meta:
        label = _("Body")
