"""Reads the demo content from the data files in ``b52_wagtail/demo_data/``.

The content of the demo (``manage.py b52_demo``) is data, not code: JSON
files for the structured content, Markdown files for long texts and the two
source texts of the users (``demo_data/seeds/``) verbatim. Every app's
``demo.py`` turns its data into pages with the helpers here; nothing reads a
file outside the package, so the demo works from an installed wheel.

Markdown is read in the small subset the demo uses: ``## Heading`` (and
``### Heading``) lines, paragraphs separated by blank lines, ``- `` list
items; every text is HTML-escaped.
"""

import functools
import json
from html import escape
from importlib.resources import files

DATA = files("b52_wagtail") / "demo_data"


def path(name):
    """The package resource ``demo_data/<name>`` (a Traversable)."""
    resource = DATA
    for part in name.split("/"):
        resource = resource / part
    return resource


@functools.cache
def _read_text(name):
    return path(name).read_text(encoding="utf-8")


def text(name):
    """The text of ``demo_data/<name>``."""
    return _read_text(name)


def read_bytes(name):
    return path(name).read_bytes()


def load(name):
    """The JSON document ``demo_data/<name>.json`` (a fresh copy every call)."""
    return json.loads(text(f"{name}.json"))


def seed_lines(name):
    """The non-empty lines of the seed ``demo_data/seeds/<name>``, verbatim."""
    return [line for line in text(f"seeds/{name}").split("\n") if line.strip()]


def markdown_blocks(source):
    """Parse the Markdown subset into ``[(kind, value)]`` with kind
    ``heading`` (value ``(level, text)``), ``paragraph`` (text) or ``list``
    (list of texts). Lines of one paragraph are joined with a space."""
    blocks, lines, items = [], [], []

    def flush():
        if lines:
            blocks.append(("paragraph", " ".join(lines)))
            lines.clear()
        if items:
            blocks.append(("list", list(items)))
            items.clear()

    for raw in source.split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#"):
            flush()
            marks, _, heading = line.partition(" ")
            blocks.append(("heading", (min(len(marks), 4), heading.strip())))
        elif line.startswith("- "):
            if lines:
                flush()
            items.append(line[2:].strip())
        elif items:
            items[-1] = f"{items[-1]} {line}"
        else:
            lines.append(line)
    flush()
    return blocks


def markdown(name):
    """The blocks of the Markdown file ``demo_data/<name>``."""
    return markdown_blocks(text(name))


def block_html(kind, value):
    if kind == "paragraph":
        return f"<p>{escape(value, quote=False)}</p>"
    if kind == "list":
        items = "".join(f"<li>{escape(item, quote=False)}</li>" for item in value)
        return f"<ul>{items}</ul>"
    level, heading = value
    return f"<h{level}>{escape(heading, quote=False)}</h{level}>"


def rich_text(blocks):
    """Rich text HTML of parsed Markdown blocks (for RichTextFields)."""
    return "".join(block_html(kind, value) for kind, value in blocks)


def stream(blocks):
    """StreamField data of parsed Markdown blocks for the package's
    ``BodyStreamBlock``: headings as ``heading`` blocks, paragraphs and lists
    as ``paragraph`` (rich text) blocks."""
    data = []
    for kind, value in blocks:
        if kind == "heading":
            level, heading = value
            data.append(("heading", {"text": heading, "level": f"h{max(level, 2)}"}))
        else:
            data.append(("paragraph", block_html(kind, value)))
    return data


def plain_text(blocks):
    """The blocks as plain text lines (for PDFs): ``(style, text)`` pairs
    with style ``heading`` or ``text``."""
    lines = []
    for kind, value in blocks:
        if kind == "heading":
            lines.append(("heading", value[1]))
        elif kind == "list":
            lines.extend(("text", f"– {item}") for item in value)
        else:
            lines.append(("text", value))
    return lines


def slugify(text):
    """A German-aware slug (``ä`` → ``ae``) of at most 80 characters."""
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe"})
    text = text.translate(table).replace("Ü", "ue").lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text).split())[:80]
