"""Images (JPEG, PNG, WebP): parsed with Pillow after the pixel count is
known from the header, and re-encoded without metadata, so a stored image
carries no EXIF, GPS, XMP or text chunks."""

import io
import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ...conf import b52_settings
from .base import JPEG, WEBP, damaged, wrong_type
from .budget import BudgetExceeded


def too_many_pixels(name, max_pixels):
    return ValidationError(
        _(
            "The image “%(name)s” has too many pixels (at most %(limit)s megapixels). "
            "Please reduce its size."
        ),
        code="too_many_pixels",
        params={"name": name, "limit": f"{max_pixels / 1_000_000:g}"},
    )


def check_image(name, content, expected, budget):
    """Parse a JPEG, PNG or WebP with a pixel bound (per file and, through
    ``budget``, per request) and return a copy without metadata."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    max_pixels = b52_settings.APPLICATION_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Image.open only reads the header: the size is known before
            # any pixel data is decoded.
            with Image.open(io.BytesIO(content)) as probe:
                # Phones save photos with a second image (MPO, a JPEG with
                # an MPF index); only the first image is kept.
                if probe.format != expected.upper() and (probe.format, expected) != ("MPO", JPEG):
                    raise wrong_type(name)
                width, height = probe.size
                if width * height > max_pixels:
                    raise too_many_pixels(name, max_pixels)
                budget.spend_pixels(width * height)
                probe.verify()
            with Image.open(io.BytesIO(content)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                output = reencode(image, expected)
    except (ValidationError, BudgetExceeded):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_many_pixels(name, max_pixels) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        raise damaged(name) from error
    except Exception as error:  # noqa: BLE001  (any decoder failure is a damaged file)
        raise damaged(name) from error
    budget.check_time()
    return output


def reencode(image, expected):
    # Pillow writes a JPEG comment and XMP (which may hold GPS data) from
    # ``info`` again unless they are dropped.
    for key in ("comment", "xmp", "exif"):
        image.info.pop(key, None)
    output = io.BytesIO()
    if expected == JPEG:
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        # No exif, no comments: only the pixels (and the colour profile,
        # which holds no personal data) are kept.
        image.save(output, "JPEG", quality=92, icc_profile=image.info.get("icc_profile"))
    elif expected == WEBP:
        image.save(output, "WEBP", quality=90, icc_profile=image.info.get("icc_profile"))
    else:
        # Only the pixels: no tEXt/iTXt/zTXt chunks, no eXIf.
        image.save(output, "PNG", icc_profile=image.info.get("icc_profile"))
    return output.getvalue()
