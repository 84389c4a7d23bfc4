"""Image validation by content, not by file name."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def validate_image(file) -> None:
    """Refuse anything Pillow cannot verify as JPEG, PNG, WebP or GIF, or that is too large."""
    size = getattr(file, "size", None)
    if size is not None and size > settings.NEWSROOM_MAX_IMAGE_BYTES:
        limit = settings.NEWSROOM_MAX_IMAGE_BYTES // (1024 * 1024)
        raise ValidationError(f"The image is larger than {limit} MB.")
    position = file.tell() if hasattr(file, "tell") else None
    try:
        with Image.open(file) as image:
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError("Upload a JPEG, PNG, WebP or GIF image.")
            width, height = image.size
            if width * height > settings.NEWSROOM_MAX_IMAGE_PIXELS:
                raise ValidationError("The image has too many pixels.")
            image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError("The image has too many pixels.") from exc
    except Exception as exc:
        raise ValidationError("This file is not an image we can read.") from exc
    finally:
        if position is not None:
            file.seek(position)
