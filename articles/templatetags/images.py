"""``{% picture %}``: an uploaded image as responsive, sized, lazy-loading HTML.

    {% load images %}
    {% picture block.image block.image_alt sizes="(min-width: 48rem) 46rem, 100vw" %}
    {% picture article.lead_image article.lead_image_alt loading="" fetchpriority="high" %}

renders a ``<picture>`` with a WebP ``<source>`` and a JPEG ``<img>`` (``srcset`` of every
rendition, ``sizes``, ``width``/``height`` so the page doesn't jump, ``alt``, ``decoding``,
``loading="lazy"`` unless told otherwise: an image above the fold, like the lead, should
load at once and first). It reads only the renditions manifest, through
the cache: no query, no image work. Before the renditions exist (they are made after the
upload's transaction commits) it falls back to the original file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from articles import renditions

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile

register = template.Library()


def _attributes(**values: object) -> SafeString:
    """` name="value"` for each non-empty value, escaped; underscores become hyphens."""
    return format_html_join(
        "",
        ' {}="{}"',
        (
            (name.rstrip("_").replace("_", "-"), value)
            for name, value in values.items()
            if value not in ("", None)
        ),
    )


@register.simple_tag
def picture(
    image: FieldFile | None,
    alt: str = "",
    *,
    sizes: str = "100vw",
    loading: str = "lazy",
    fetchpriority: str = "",
    css_class: str = "",
) -> SafeString:
    """The image's ``<picture>`` (or ``<img>``), or nothing when there is no image.

    ``alt`` is always written, empty if the model allowed none: an image without ``alt``
    makes screen readers announce its file name.
    """
    if not image or not image.name:
        return SafeString("")
    storage = image.storage
    manifest = renditions.manifest_for(image.name, storage=storage)
    common = {"loading": loading, "decoding": "async", "fetchpriority": fetchpriority}
    if manifest is None or not manifest["renditions"]:
        # Not made yet, or animated (served as uploaded so it still moves).
        size = {"width": manifest["width"], "height": manifest["height"]} if manifest else {}
        return format_html(
            '<img src="{}" alt="{}"{}>',
            image.url,
            alt or "",
            _attributes(**size, class_=css_class, **common),
        )
    sets = manifest["renditions"]
    webp = ", ".join(f"{storage.url(r['webp'])} {r['width']}w" for r in sets)
    jpeg = ", ".join(f"{storage.url(r['jpeg'])} {r['width']}w" for r in sets)
    fallback = _fallback(sets)
    largest = max(sets, key=lambda r: r["width"])
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}></picture>',
        webp,
        sizes,
        storage.url(fallback["jpeg"]),
        jpeg,
        sizes,
        largest["width"],
        largest["height"],
        alt or "",
        _attributes(class_=css_class, **common),
    )


def _fallback(sets: list[renditions.Rendition]) -> renditions.Rendition:
    """What browsers without ``srcset`` get: the widest up to 960 px, else the narrowest."""
    fitting = [r for r in sets if r["width"] <= renditions.FALLBACK_WIDTH]
    if fitting:
        return max(fitting, key=lambda r: r["width"])
    return min(sets, key=lambda r: r["width"])
