"""Image uploads: validated by content (never by file name) and cleaned before they are kept.

Two entry points check uploads with the same rules and the same messages: ``validate_image``
is the model fields' validator (so the admin, services and the desk all go through it) and
``ImageUploadField`` is the form field the desk uses, which runs it before Django's own
generic "Upload a valid image" check so editors read what is actually wrong.

``clean_original`` rewrites a stored original without its metadata (EXIF with GPS, XMP,
comments) and with its EXIF orientation applied; ``articles.renditions`` calls it once, when
it makes the renditions.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")

NOT_READABLE = "This file is not an image we can read."
WRONG_FORMAT = "Upload a JPEG, PNG, WebP or GIF image."

# Formats people commonly try (phone photos, vector art, scans): named in the error so the
# editor knows what to convert. Only signatures are compared; Pillow never parses these.
_OTHER_FORMATS: tuple[tuple[re.Pattern[bytes], str], ...] = (
    (
        re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg", re.S),
        "an SVG",
    ),
    (re.compile(rb"^....ftyp(heic|heix|hevc|heim|heis|mif1|msf1)", re.S), "a HEIC"),
    (re.compile(rb"^....ftypavi[fs]", re.S), "an AVIF"),
    (re.compile(rb"^(II\*\x00|MM\x00\*)"), "a TIFF"),
    (re.compile(rb"^BM"), "a BMP"),
    (re.compile(rb"^%PDF-"), "a PDF"),
)


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:g}"


def _too_many_pixels(width: int, height: int, frames: int = 1) -> ValidationError:
    limit = _megapixels(settings.NEWSROOM_MAX_IMAGE_PIXELS)
    if frames > 1:
        return ValidationError(
            f"The animation has {frames} frames of {width}×{height} pixels; the most we "
            f"accept is {limit} megapixels in all.",
            code="image_pixels",
        )
    return ValidationError(
        f"The image is {width}×{height} pixels; the most we accept is {limit} megapixels.",
        code="image_pixels",
    )


def _bomb_message(exc: Exception) -> ValidationError:
    """Pillow refused before we saw the size; its message carries the pixel count."""
    limit = _megapixels(settings.NEWSROOM_MAX_IMAGE_PIXELS)
    found = re.search(r"\((\d+) pixels\)", str(exc))
    size = f"{_megapixels(int(found.group(1)))} megapixels" if found else "too many pixels"
    return ValidationError(
        f"The image is {size}; the most we accept is {limit} megapixels.", code="image_pixels"
    )


def _other_format(head: bytes) -> str | None:
    for pattern, name in _OTHER_FORMATS:
        if pattern.match(head):
            return name
    return None


def _is_stored(file: Any) -> bool:
    """True for a model's FieldFile that already sits in storage (no new upload in it)."""
    return getattr(file, "_committed", False) is True


def _already_validated(file: Any) -> bool:
    """The form field validated this very upload; the model's validator then gets it again,
    wrapped in a FieldFile, in the same request. Decoding it twice proves nothing new."""
    return getattr(file, "_newsroom_image_ok", False) or getattr(
        getattr(file, "_file", None), "_newsroom_image_ok", False
    )


def open_checked(file: IO[bytes]) -> Image.Image:
    """Open ``file`` with Pillow (its header only), refusing more pixels than we accept.

    Nothing is decoded until the caller loads the image, so the header's size is all a
    decompression bomb gets to show. Pillow's own guard warns above its ``MAX_IMAGE_PIXELS``
    (89 megapixels) and raises at twice that; the warning is silenced because our limit,
    checked here, is lower and gives the editor the image's actual size. The error still
    stops anything past twice Pillow's limit before its header is even finished.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        image = Image.open(file, formats=ALLOWED_FORMATS)
    width, height = image.size
    if width * height > settings.NEWSROOM_MAX_IMAGE_PIXELS:
        # Not image.close(): that would close the caller's file, which is theirs to close.
        raise _too_many_pixels(width, height)
    return image


def validate_image(file: Any) -> None:
    """Refuse anything that is not a whole JPEG, PNG, WebP or GIF within the size limits.

    Order matters: the byte size is known without reading the file; the format and pixel
    count come from the header alone; only then is the image decoded (at reduced scale for
    JPEG), which is what catches a truncated upload. Files already in storage were decoded
    when they were uploaded, so a re-validation on save skips that last step.
    """
    if _already_validated(file):
        return
    try:
        size = file.size
        position = file.tell()
    except OSError as exc:  # a stored name whose file has gone
        raise ValidationError(NOT_READABLE, code="image_unreadable") from exc
    if size is not None and size > settings.NEWSROOM_MAX_IMAGE_BYTES:
        limit = f"{settings.NEWSROOM_MAX_IMAGE_BYTES / (1024 * 1024):.3g}"
        raise ValidationError(f"The image is larger than {limit} MB.", code="image_bytes")
    try:
        file.seek(0)
        head = file.read(512)
        file.seek(0)
        try:
            with open_checked(file) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
                if frames * width * height > settings.NEWSROOM_MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(width, height, frames)
                image.verify()
            if not _is_stored(file):
                file.seek(0)
                with open_checked(file) as image:
                    # A JPEG decoded at 1/8 scale still reads every byte of its data.
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                    image.load()
                file._newsroom_image_ok = True
        except UnidentifiedImageError as exc:
            other = _other_format(head)
            if other:
                raise ValidationError(
                    f"This is {other} file. {WRONG_FORMAT}", code="image_format"
                ) from exc
            raise ValidationError(NOT_READABLE, code="image_unreadable") from exc
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise _bomb_message(exc) from exc
    except Exception as exc:
        raise ValidationError(NOT_READABLE, code="image_unreadable") from exc
    finally:
        file.seek(position)


class ImageUploadField(forms.ImageField):
    """A form ``ImageField`` whose errors are ``validate_image``'s, not Django's generic one."""

    def to_python(self, data):
        if data not in self.empty_values and getattr(data, "size", 0):
            validate_image(data)
        return super().to_python(data)


# ---- Cleaning the stored original ---------------------------------------------------------

# Kept when re-encoding: how the pixels look (colour profile, transparency), never where,
# when or with what they were taken.
_KEEP_INFO = ("icc_profile", "transparency")


def is_animated(image: Image.Image) -> bool:
    return bool(getattr(image, "is_animated", False))


def upright(image: Image.Image) -> Image.Image:
    """The image with its EXIF orientation applied and no metadata left in ``info``."""
    image.load()
    turned = ImageOps.exif_transpose(image)
    clean = turned.copy() if turned is image else turned
    clean.info = {k: image.info[k] for k in _KEEP_INFO if k in image.info}
    return clean


def encode(image: Image.Image, image_format: str) -> bytes:
    """Encode a cleaned still image in its own format, passing on only ``_KEEP_INFO``."""
    options: dict[str, Any] = {}
    if icc := image.info.get("icc_profile"):
        options["icc_profile"] = icc
    if image_format == "JPEG":
        options.update(quality=90, optimize=True, progressive=True)
    elif image_format == "WEBP":
        options.update(quality=90, method=4)
    elif image_format == "PNG":
        options.update(optimize=True)
    out = io.BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()


def clean_original(data: bytes) -> bytes:
    """The original without metadata and upright, in its own format.

    Still images are decoded and re-encoded once (JPEG at quality 90; PNG, GIF and WebP keep
    their format). That also drops anything appended after the image data. Animated GIF and
    WebP are not re-encoded, which would flatten or re-quantise every frame: their metadata
    blocks are cut out of the container instead, byte for byte.
    """
    with open_checked(io.BytesIO(data)) as image:
        image_format = image.format
        if is_animated(image):
            if image_format == "GIF":
                return strip_gif(data)
            return strip_webp(data)
        return encode(upright(image), image_format)


_GIF_KEEP_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


def _gif_sub_blocks(data: bytes, pos: int) -> int:
    """Position just after the data sub-blocks that start at ``pos``."""
    while True:
        length = data[pos]
        pos += 1 + length
        if length == 0:
            return pos


def strip_gif(data: bytes) -> bytes:
    """The GIF without comment blocks and application blocks other than looping (XMP, ICC)."""
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("not a GIF")
    flags = data[10]
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    out = bytearray(data[:pos])
    while pos < len(data):
        kind = data[pos]
        if kind == 0x3B:
            out.append(0x3B)
            return bytes(out)
        if kind == 0x2C:
            local = data[pos + 9]
            start = pos
            pos += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            pos = _gif_sub_blocks(data, pos + 1)
            out += data[start:pos]
        elif kind == 0x21:
            label = data[pos + 1]
            start = pos
            pos = _gif_sub_blocks(data, pos + 2)
            block = data[start:pos]
            if label == 0xFE:
                continue
            if label == 0xFF and block[3:14] not in _GIF_KEEP_APPS:
                continue
            out += block
        else:
            raise ValueError(f"unexpected GIF block {kind:#x}")
    raise ValueError("GIF without trailer")


_WEBP_DROP = {b"EXIF", b"XMP "}


def strip_webp(data: bytes) -> bytes:
    """The WebP without its EXIF and XMP chunks (and their flags in the VP8X header)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP")
    chunks = []
    pos = 12
    while pos + 8 <= len(data):
        fourcc = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        end = pos + 8 + length + (length & 1)
        chunk = bytearray(data[pos:end])
        pos = end
        if fourcc in _WEBP_DROP:
            continue
        if fourcc == b"VP8X":
            chunk[8] &= ~(0x08 | 0x04) & 0xFF
        chunks.append(bytes(chunk))
    payload = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(payload)) + payload
