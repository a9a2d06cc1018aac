"""Images and documents of the demo: generated illustrations (Pillow) and
PDFs with the text they stand for (fpdf2, with the DejaVu Sans font shipped
in ``demo_data/fonts`` under its free licence, so that German typography
such as „…“ and – survives).

Both are created once per title and replaced when what they show changes:
the file name carries a short hash of the content.
"""

import colorsys
import hashlib
import io
import math
import random
from contextlib import ExitStack
from importlib.resources import as_file

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from fpdf import FPDF
from PIL import Image as PILImage
from PIL import ImageChops, ImageDraw, ImageFilter, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from . import demo_loader

# Palettes of the illustrations by topic: (background from, background to,
# shape colours). The alt texts describe them (demo_data/images.json).
PALETTES = {
    "award": ("#0b3a6f", "#2f7fb8", ["#f2c14e", "#ffffff", "#7cc6fe"]),
    "teamwork": ("#3d1f5c", "#8e4585", ["#f6d8ae", "#ffffff", "#f08a5d"]),
    "care": ("#0d4d4a", "#2a9d8f", ["#e9c46a", "#ffffff", "#a8dadc"]),
    "selfhelp": ("#5c2a0d", "#c0632b", ["#ffe8d6", "#ffffff", "#f4a261"]),
    "kgk": ("#1b4332", "#52b788", ["#d8f3dc", "#ffffff", "#95d5b2"]),
    "cooperation": ("#1d3f72", "#4f7cac", ["#c0d6df", "#ffffff", "#f5b700"]),
}
ILLUSTRATION_SIZE = (1600, 900)
FONT = "fonts/DejaVuSans-Latin.ttf"
FONT_BOLD = "fonts/DejaVuSans-Bold-Latin.ttf"


def short_hash(*parts):
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8"))
    return digest.hexdigest()[:10]


def file_slug(title):
    return demo_loader.slugify(title)[:60] or "demo"


def _rgb(colour):
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _vary(colour, rng, amount=0.06):
    h, light, s = colorsys.rgb_to_hls(*(c / 255 for c in _rgb(colour)))
    h = (h + rng.uniform(-amount, amount)) % 1
    r, g, b = colorsys.hls_to_rgb(h, light, s)
    return (round(r * 255), round(g * 255), round(b * 255))


def illustration_png(topic, key, size=ILLUSTRATION_SIZE):
    """An abstract illustration for ``topic``: a diagonal gradient with soft,
    overlapping circles and bands; ``key`` varies the composition. JPEG bytes."""
    start, end, shapes = PALETTES[topic]
    rng = random.Random(short_hash(topic, key))  # noqa: S311 - not for security
    width, height = size
    top, bottom = _vary(start, rng), _vary(end, rng)
    vertical = PILImage.linear_gradient("L").resize(size)
    horizontal = PILImage.linear_gradient("L").rotate(90).resize(size)
    gradient = ImageChops.add(vertical, horizontal, scale=2)
    if rng.random() < 0.5:
        gradient = gradient.transpose(PILImage.Transpose.FLIP_LEFT_RIGHT)
    canvas = PILImage.composite(
        PILImage.new("RGB", size, bottom), PILImage.new("RGB", size, top), gradient
    )
    layer = PILImage.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(rng.randint(5, 8)):
        radius = rng.randint(height // 6, height // 2)
        x, y = rng.randint(0, width), rng.randint(0, height)
        colour = _rgb(rng.choice(shapes))
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius),
            fill=(*colour, rng.randint(40, 110)),
        )
    for _ in range(rng.randint(2, 3)):
        base = rng.randint(height // 3, height)
        amplitude = rng.uniform(height / 20, height / 7)
        wavelength = rng.uniform(width / 2, width * 1.2)
        phase = rng.uniform(0, math.tau)
        thickness = rng.randint(height // 40, height // 14)
        colour = _rgb(rng.choice(shapes))
        points = [
            (x, base + amplitude * math.sin(phase + math.tau * x / wavelength))
            for x in range(-40, width + 80, 20)
        ]
        draw.line(points, fill=(*colour, 80), width=thickness, joint="curve")
    layer = layer.filter(ImageFilter.GaussianBlur(radius=10))
    canvas = PILImage.alpha_composite(canvas.convert("RGBA"), layer).convert("RGB")
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def logo_png(text, colour, size=(400, 160)):
    """A word mark: the short name in the partner's colour beside a bar."""
    canvas = PILImage.new("RGB", size, "#ffffff")
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, 14, size[1]), fill=colour)
    with as_file(demo_loader.path(FONT_BOLD)) as font_path:
        font_size = 56
        while font_size > 18:
            font = ImageFont.truetype(str(font_path), font_size)
            left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
            if right - left <= size[0] - 60:
                break
            font_size -= 4
        draw.text((36, (size[1] - (bottom - top)) // 2 - top), text, font=font, fill=colour)
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _is_current(obj, name):
    """True when ``obj`` has the file ``name`` (the storage may have added
    a suffix to the stem)."""
    if obj is None or not obj.file.name:
        return False
    stored = obj.file.name.rsplit("/", 1)[-1]
    stem, _, ext = name.rpartition(".")
    return stored.startswith(stem) and stored.endswith(f".{ext}")


def _image_file(content, name):
    return ImageFile(io.BytesIO(content), name=name)


def _replace_or_create(model, title, name, content, wrap, **extra):
    """The ``model`` object ``title`` with the file ``name``: created, kept
    when its file name already is ``name``, else given the new file."""
    existing = model.objects.filter(title=title).first()
    if _is_current(existing, name):
        return existing
    obj = existing or model(title=title, **extra)
    if existing is not None:
        if hasattr(existing, "renditions"):
            existing.renditions.all().delete()
        existing.file.delete(save=False)
    obj.file = wrap(content, name)
    if hasattr(obj, "file_hash"):
        obj.file_hash = hashlib.sha1(content).hexdigest()  # noqa: S324 - Wagtail's own
    if hasattr(obj, "file_size"):
        obj.file_size = len(content)
    obj.save()
    return obj


def make_illustration(title, topic, key=None):
    """The demo image ``title``: an illustration of ``topic``."""
    key = key or title
    name = f"{file_slug(title)}-{short_hash('v1', topic, key)}.jpg"
    image = get_image_model().objects.filter(title=title).first()
    if _is_current(image, name):
        return image
    return _replace_or_create(
        get_image_model(), title, name, illustration_png(topic, key), _image_file
    )


def make_logo(title, text, colour):
    name = f"{file_slug(title)}-{short_hash('v1', text, colour)}.png"
    image = get_image_model().objects.filter(title=title).first()
    if _is_current(image, name):
        return image
    return _replace_or_create(get_image_model(), title, name, logo_png(text, colour), _image_file)


class _DemoPDF(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-15)
        self.set_font("DejaVu", size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 10, f"{self.footer_text} · Seite {self.page_no()}/{{nb}}", align="C")


def pdf_bytes(title, lines, *, kicker="", footer=""):
    """A PDF (A4) headed ``title`` with ``lines``: ``(style, text)`` pairs,
    style ``heading``, ``subtitle`` or ``text``, or plain strings."""
    pdf = _DemoPDF(format="A4")
    pdf.footer_text = footer or "B 52-Verbändekooperation Baden-Württemberg"
    with ExitStack() as stack:
        regular = stack.enter_context(as_file(demo_loader.path(FONT)))
        bold = stack.enter_context(as_file(demo_loader.path(FONT_BOLD)))
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        pdf.set_title(title)
        pdf.set_author("B 52-Verbändekooperation Baden-Württemberg")
        pdf.set_lang("de")
        pdf.set_margins(22, 20, 22)
        pdf.set_auto_page_break(True, margin=22)
        pdf.add_page()
        if kicker:
            pdf.set_font("DejaVu", size=9)
            pdf.set_text_color(29, 63, 114)
            pdf.multi_cell(0, 5, kicker, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("DejaVu", "B", 16)
        pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        for line in lines:
            style, content = ("text", line) if isinstance(line, str) else line
            if style == "heading":
                pdf.ln(2)
                pdf.set_font("DejaVu", "B", 11.5)
                pdf.multi_cell(0, 6, content, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            elif style == "subtitle":
                pdf.set_font("DejaVu", "B", 12)
                pdf.multi_cell(0, 6, content, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
            else:
                pdf.set_font("DejaVu", size=10.5)
                pdf.multi_cell(0, 5.5, content, new_x="LMARGIN", new_y="NEXT", align="L")
                pdf.ln(2)
        return bytes(pdf.output())


def make_pdf_document(title, filename, lines, **options):
    """The demo document ``title``: a PDF of ``lines`` (see ``pdf_bytes``),
    headed by ``options["heading"]`` (default ``title``)."""
    heading = options.pop("heading", title)
    stem = filename.removesuffix(".pdf")
    name = f"{stem}-{short_hash('v1', heading, lines, options)}.pdf"
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if _is_current(document, name):
        return document
    content = pdf_bytes(heading, lines, **options)
    return _replace_or_create(Document, title, name, content, ContentFile)
