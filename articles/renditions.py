"""Renditions: the sizes readers download, made once when an image is saved.

For a stored original ``lead/2025/05/vote.jpg`` this writes, in the same storage::

    renditions/lead/2025/05/vote.jpg.480w.webp   renditions/lead/2025/05/vote.jpg.480w.jpg
    renditions/lead/2025/05/vote.jpg.960w.webp   ...
    renditions/lead/2025/05/vote.jpg.json        the manifest: sizes and names

Names are derived from the original's full name, in a folder uploads never reach
(``upload_to`` is ``lead/`` or ``body/``), so no upload can collide with a rendition and two
originals that differ only by extension get separate renditions.

The manifest is what says "done": ``process`` does nothing for an image that has one, so
re-saving an article never re-encodes anything. Before writing it, ``process`` rewrites the
original once without metadata and upright (``articles.images.clean_original``).

The work is a background job (``articles.tasks.make_renditions``), sent once the saving
transaction commits (a ``post_save`` receiver enqueues it): the upload's request returns
before the renditions exist, uploads are validated before that, a rolled-back save makes no
renditions, and page renders never touch an image. The ``{% picture %}`` tag reads the
manifest through the cache and falls back to the original when there is none yet;
``manage.py make_renditions`` fills in any that are missing.

Animated GIF and WebP get a manifest with their size but no renditions: a still rendition
would silently drop the animation, so readers get the (metadata-free) original.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import stat
import uuid
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db.models.signals import post_save
from PIL import Image, ImageCms

from articles import caching
from articles.images import clean_original, is_animated, open_checked, upright
from newsroom import jobs

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)

WIDTHS = (480, 960, 1600)
FALLBACK_WIDTH = 960
PREFIX = "renditions/"
VERSION = 1

WEBP_QUALITY = 80
JPEG_QUALITY = 82

_CACHE_MISSING = "missing"
# A missing manifest is usually being made right now; look again soon.
_MISSING_TIMEOUT = 60


class Rendition(TypedDict):
    width: int
    height: int
    webp: str
    jpeg: str


class Manifest(TypedDict):
    version: int
    width: int
    height: int
    animated: bool
    renditions: list[Rendition]


def manifest_name(name: str) -> str:
    return f"{PREFIX}{name}.json"


def rendition_name(name: str, width: int, extension: str) -> str:
    return f"{PREFIX}{name}.{width}w.{extension}"


def widths_for(original_width: int) -> list[int]:
    """The widths to make: never wider than the original, and the original's own width
    when it falls short of the largest, so big screens get every pixel there is."""
    widths = [w for w in WIDTHS if w <= original_width]
    if original_width < WIDTHS[-1] and original_width not in widths:
        widths.append(original_width)
    return widths


def _cache_key(name: str) -> str:
    return "picture:" + hashlib.sha256(name.encode()).hexdigest()


def manifest_for(name: str, *, storage: Storage | None = None) -> Manifest | None:
    """The manifest of a stored original, or None when its renditions are not made yet.

    Read through the cache: a page with ten images costs ten cache reads and no disk or
    database access once warm.
    """
    key = _cache_key(name)
    cached = cache.get(key)
    if cached == _CACHE_MISSING:
        return None
    if cached is not None:
        return cached
    storage = storage or default_storage
    manifest = _read_manifest(storage, name)
    if manifest is None:
        cache.set(key, _CACHE_MISSING, _MISSING_TIMEOUT)
    else:
        cache.set(key, manifest, None)
    return manifest


def is_processed(name: str, *, storage: Storage | None = None) -> bool:
    """Whether the original was cleaned and its renditions made (asks the storage, not the
    cache, for the command that repairs what is missing)."""
    return (storage or default_storage).exists(manifest_name(name))


def _read_manifest(storage: Storage, name: str) -> Manifest | None:
    try:
        with storage.open(manifest_name(name), "rb") as fh:
            manifest = json.load(fh)
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("version") != VERSION:
        return None
    return manifest


def _overwrite(storage: Storage, name: str, data: bytes) -> None:
    """Replace a stored file's content under the same name (the database holds the name)."""
    if isinstance(storage, FileSystemStorage):
        # Written beside it and renamed over it: a reader never gets half a file.
        path = storage.path(name)
        temporary = f"{path}.{uuid.uuid4().hex}.tmp"
        try:
            with open(temporary, "xb") as fh:
                fh.write(data)
            os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        return
    storage.delete(name)
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        raise RuntimeError(f"storage saved the cleaned original as {saved!r}, not {name!r}")


def _save_new(storage: Storage, name: str, data: bytes) -> str:
    """Write ``name`` unless it exists (left by an interrupted run); return the stored name."""
    if storage.exists(name):
        return name
    return storage.save(name, ContentFile(data))


def _to_srgb(image: Image.Image) -> Image.Image:
    """RGB or RGBA pixels in sRGB, what browsers assume for untagged images.

    Renditions carry no colour profile, so a tagged original (a CMYK scan, a wide-gamut
    phone photo) is converted through its profile; alpha becomes part of the result.
    """
    icc = image.info.get("icc_profile")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    target = "RGBA" if has_alpha else "RGB"
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L", "LA"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            if image.mode == "LA":
                image = image.convert("RGBA")
            converted = ImageCms.profileToProfile(
                image, source, srgb, outputMode="RGBA" if image.mode == "RGBA" else "RGB"
            )
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            logger.warning("Ignoring an unreadable colour profile")
    return image.convert(target)


def _on_white(image: Image.Image) -> Image.Image:
    if image.mode != "RGBA":
        return image.convert("RGB")
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, image).convert("RGB")


def _render(image: Image.Image, width: int) -> tuple[Image.Image, int]:
    height = max(1, round(image.height * width / image.width))
    if width == image.width:
        return image, image.height
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0), height


def _encode(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    if image_format == "WEBP":
        image.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    else:
        _on_white(image).save(
            out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
        )
    return out.getvalue()


def process(name: str, *, storage: Storage | None = None) -> Manifest:
    """Clean the original and make its renditions, unless that was done before.

    Idempotent: the manifest is written last, so an interrupted run is finished by the next
    one (renditions already written are kept) and a finished one is never repeated.
    """
    storage = storage or default_storage
    existing = _read_manifest(storage, name)
    if existing is not None:
        cache.set(_cache_key(name), existing, None)
        return existing

    with storage.open(name, "rb") as fh:
        data = fh.read()
    with open_checked(io.BytesIO(data)) as probe:
        width, height = probe.size
        frames = getattr(probe, "n_frames", 1)
        animated = is_animated(probe)
    if frames * width * height > settings.NEWSROOM_MAX_IMAGE_PIXELS:
        raise ValueError(f"{name} has more pixels than NEWSROOM_MAX_IMAGE_PIXELS")

    cleaned = clean_original(data)
    if cleaned != data:
        _overwrite(storage, name, cleaned)

    renditions: list[Rendition] = []
    with open_checked(io.BytesIO(cleaned)) as image:
        if not animated:
            # Already upright; ``upright`` here only loads it and drops what's left in info.
            still = _to_srgb(upright(image))
            width, height = still.size
            for target in widths_for(width):
                resized, target_height = _render(still, target)
                renditions.append(
                    {
                        "width": target,
                        "height": target_height,
                        "webp": _save_new(
                            storage,
                            rendition_name(name, target, "webp"),
                            _encode(resized, "WEBP"),
                        ),
                        "jpeg": _save_new(
                            storage,
                            rendition_name(name, target, "jpg"),
                            _encode(resized, "JPEG"),
                        ),
                    }
                )
    manifest: Manifest = {
        "version": VERSION,
        "width": width,
        "height": height,
        "animated": animated,
        "renditions": renditions,
    }
    stored = manifest_name(name)
    if storage.exists(stored):
        storage.delete(stored)
    storage.save(stored, ContentFile(json.dumps(manifest, indent=1).encode()))
    cache.set(_cache_key(name), manifest, None)
    # Pages prepared or cached while this image had no renditions show the plain original.
    _forget_pages_showing(name)
    caching.generation_bump()
    return manifest


def _forget_pages_showing(name: str) -> None:
    from django.db import DatabaseError
    from django.db.models import Q

    from articles import rendering

    try:
        rendering.mark_stale(where=Q(lead_image=name) | Q(blocks__image=name))
    except DatabaseError:
        logger.warning("Could not mark the pages showing %s for rendering again", name)


def process_quietly(name: str) -> Manifest | None:
    """``process`` for after-commit hooks: a failure is logged, never a failed request (the
    page falls back to the original and ``make_renditions`` can try again)."""
    try:
        return process(name)
    except Exception:
        logger.exception("Could not make renditions for %s", name)
        return None


def schedule(file: FieldFile | None) -> None:
    """Make renditions for ``file`` in the background once the current transaction commits,
    if it needs them (``articles.tasks.make_renditions``)."""
    if not file or not file.name:
        return
    if manifest_for(file.name) is not None:
        return
    from articles.tasks import make_renditions

    jobs.enqueue(make_renditions, file.name)


def _image_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # fixtures: the files may not exist yet
        return
    schedule(getattr(instance, _IMAGE_FIELDS[sender]))


_IMAGE_FIELDS: dict[Any, str] = {}


def connect() -> None:
    """Wire the receivers (``ArticlesConfig.ready``)."""
    from articles.models import Article, Block

    _IMAGE_FIELDS.update({Article: "lead_image", Block: "image"})
    for model in _IMAGE_FIELDS:
        post_save.connect(_image_saved, sender=model, dispatch_uid=f"renditions.{model.__name__}")
