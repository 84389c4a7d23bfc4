"""Uploads are judged by their content: what is refused, with which message, and that a
refused upload leaves nothing behind; and how a kept original loses its metadata."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from articles.images import (
    NOT_READABLE,
    ImageUploadField,
    clean_original,
    strip_gif,
    strip_webp,
    validate_image,
)
from articles.models import Article
from editors.forms import ArticleForm, BodyForm
from tests.factories import SectionFactory, image_upload
from tests.helpers import user_with_role

SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


def _upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width``×``height``: a bomb costs a few bytes to make."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _message(data: bytes, name: str = "photo.jpg") -> str:
    with pytest.raises(ValidationError) as caught:
        validate_image(_upload(data, name))
    return " ".join(caught.value.messages)


def _files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


class TestValidateImage:
    @pytest.mark.parametrize(
        ("image_format", "name", "options"),
        [
            ("JPEG", "photo.jpg", {}),
            ("PNG", "chart.png", {}),
            ("WEBP", "photo.webp", {}),
            ("GIF", "anim.gif", {}),
            # The name is not what is checked: a PNG called .jpg is a PNG, and fine.
            ("PNG", "mislabelled.jpg", {}),
        ],
    )
    def test_real_images_pass(self, image_format, name, options):
        """JPEG, PNG, WebP and GIF made by a real encoder are accepted whatever their name."""
        validate_image(image_upload(name, image_format=image_format, size=(64, 48), **options))

    def test_text_named_jpg_is_not_an_image(self):
        """A text file with an image's name is refused as unreadable."""
        assert _message(b"Dear editor, here is my photo.\n" * 20) == NOT_READABLE

    def test_truncated_jpeg_is_refused(self):
        """A JPEG cut short in transfer is refused, not stored half-grey."""
        data = image_upload(size=(400, 300), color="red").read()
        assert _message(data[: len(data) // 2]) == NOT_READABLE

    def test_svg_is_refused_by_name(self):
        """An SVG (which can carry script) is refused, and the editor is told what it is."""
        assert _message(SVG, "logo.svg") == (
            "This is an SVG file. Upload a JPEG, PNG, WebP or GIF image."
        )

    def test_svg_named_png_is_refused_too(self):
        """Renaming an SVG to .png does not get it through."""
        assert "Upload a JPEG, PNG, WebP or GIF image." in _message(SVG, "logo.png")

    def test_other_image_formats_are_named(self):
        """A format Pillow could read (TIFF, BMP) is still refused, with what to upload instead."""
        tiff = image_upload(image_format="TIFF", size=(20, 20)).read()
        assert _message(tiff) == "This is a TIFF file. Upload a JPEG, PNG, WebP or GIF image."
        bmp = image_upload(image_format="BMP", size=(20, 20)).read()
        assert _message(bmp) == "This is a BMP file. Upload a JPEG, PNG, WebP or GIF image."

    def test_phone_heic_is_named(self):
        """An iPhone's HEIC photo gets a message that says so."""
        heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 100
        assert _message(heic) == "This is a HEIC file. Upload a JPEG, PNG, WebP or GIF image."

    def test_too_many_bytes_is_refused_before_reading(self):
        """An upload over the byte limit is refused with the limit in the message."""
        data = b"\xff\xd8" + b"\0" * (10 * 1024 * 1024)
        assert _message(data) == "The image is larger than 10 MB."

    def test_too_many_pixels_gives_the_size(self, settings):
        """An image over the pixel limit is refused, saying how big it is and what we take."""
        settings.NEWSROOM_MAX_IMAGE_PIXELS = 2_000_000
        data = image_upload(image_format="PNG", size=(2000, 1200)).read()
        assert _message(data) == (
            "The image is 2000×1200 pixels; the most we accept is 2 megapixels."
        )

    def test_decompression_bomb_is_refused_without_decoding(self):
        """A small file claiming 20000×20000 pixels is refused from its header alone."""
        assert _message(_png_header(20000, 20000), "bomb.png") == (
            "The image is 400 megapixels; the most we accept is 40 megapixels."
        )

    def test_bomb_pillow_only_warns_about_is_refused_with_its_size(self):
        """Pillow only warns at 12000×12000 pixels; we refuse it, saying how big it is."""
        assert _message(_png_header(12000, 12000), "bomb.png") == (
            "The image is 12000×12000 pixels; the most we accept is 40 megapixels."
        )

    def test_image_just_over_our_limit_is_refused(self):
        """Between our 40 megapixels and Pillow's own guard, our limit decides."""
        assert _message(_png_header(8000, 6000), "big.png") == (
            "The image is 8000×6000 pixels; the most we accept is 40 megapixels."
        )

    def test_image_at_the_limit_passes_the_header_check(self, settings):
        """Exactly the limit is allowed: the check is 'more than', as the message says."""
        settings.NEWSROOM_MAX_IMAGE_PIXELS = 64 * 48
        validate_image(image_upload(image_format="PNG", size=(64, 48)))

    def test_animation_counts_every_frame(self, settings):
        """An animated GIF is judged by all its frames' pixels, which is what decoding costs."""
        settings.NEWSROOM_MAX_IMAGE_PIXELS = 2_000_000
        frames = [Image.new("P", (1000, 1000), i) for i in range(3)]
        buffer = io.BytesIO()
        frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
        assert _message(buffer.getvalue(), "anim.gif") == (
            "The animation has 3 frames of 1000×1000 pixels; the most we accept is "
            "2 megapixels in all."
        )


@pytest.mark.django_db
class TestForms:
    def test_upload_field_shows_our_message_not_djangos(self):
        """The desk's image field says what is wrong, not Django's generic 'not an image'."""
        field = ImageUploadField()
        with pytest.raises(ValidationError) as caught:
            field.clean(_upload(SVG, "logo.svg"))
        assert caught.value.messages == [
            "This is an SVG file. Upload a JPEG, PNG, WebP or GIF image."
        ]

    def test_article_form_refuses_a_bad_lead_image(self):
        """ArticleForm refuses a text file posing as the lead image, with a field error."""
        section = SectionFactory()
        data = {"headline": "Bridge reopens", "section": section.pk, "kind": "news"}
        data["base_revision"] = 0
        form = ArticleForm(data, {"lead_image": _upload(b"not a picture")})
        assert not form.is_valid()
        assert form.errors["lead_image"] == [NOT_READABLE]

    def test_article_form_accepts_a_png_named_jpg(self):
        """ArticleForm takes a real image whatever its file name says."""
        section = SectionFactory()
        data = {"headline": "Bridge reopens", "section": section.pk, "kind": "news"}
        data["base_revision"] = 0
        form = ArticleForm(data, {"lead_image": image_upload("x.jpg", image_format="PNG")})
        assert form.is_valid(), form.errors

    def test_body_form_refuses_a_bad_image(self):
        """A body image added without JavaScript refuses a bomb with the pixel message,
        before any service runs."""
        data = {"body": "The bridge reopened.", "add_image_alt": "A chart", "add_image_after": "1"}
        form = BodyForm(data, {"add_image": _upload(_png_header(20000, 20000), "chart.png")})
        assert not form.is_valid()
        assert form.errors["add_image"][0] == (
            "The image is 400 megapixels; the most we accept is 40 megapixels."
        )

    def test_body_form_refuses_a_bad_image_from_the_editor(self):
        """The editor's new image (``upload-<uid>``) passes the same checks."""
        blocks = [{"uid": "a1", "kind": "image", "upload": "upload-a1", "image_alt": "A chart"}]
        form = BodyForm(
            {"body_json": json.dumps(blocks)},
            {"upload-a1": _upload(_png_header(20000, 20000), "chart.png")},
        )
        assert not form.is_valid()
        assert form.non_field_errors() == [
            "The image in block 1: The image is 400 megapixels; the most we accept is "
            "40 megapixels."
        ]


def _create_data(section, **extra) -> dict:
    data = {
        "headline": "Bridge reopens after repairs",
        "section": str(section.pk),
        "kind": "news",
        "base_revision": "0",
        "body": "The bridge reopened on Monday.",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
class TestDeskUpload:
    @pytest.fixture
    def editor(self, client):
        user = user_with_role("editor", "ed")
        client.force_login(user)
        return user

    def test_bad_lead_image_is_refused_and_nothing_is_stored(self, client, editor, settings):
        """Posting a new story with a fake lead image shows the error; no story, no file."""
        section = SectionFactory()
        response = client.post(
            reverse("editors:article_create"),
            _create_data(section, lead_image=_upload(b"<html>hello</html>", "lead.jpg")),
        )
        # NOTE: the create view answers an invalid form with 200 (the edit view says 400).
        assert NOT_READABLE in response.content.decode()
        assert not Article.objects.exists()
        assert _files(settings.MEDIA_ROOT) == []

    def test_bad_lead_image_on_edit_is_a_400_and_keeps_the_old_one(self, client, editor, settings):
        """Replacing the lead image with a fake one is refused; the story keeps its image."""
        section = SectionFactory()
        data = _create_data(section, lead_image=image_upload("lead.jpg"), lead_image_alt="x")
        assert client.post(reverse("editors:article_create"), data).status_code == 302
        article = Article.objects.get()
        stored = _files(settings.MEDIA_ROOT)
        data = _create_data(
            section,
            base_revision=str(article.revisions.count()),
            lead_image=_upload(b"GIF89a but not really", "lead.gif"),
            lead_image_alt="x",
        )

        response = client.post(reverse("editors:article_edit", kwargs={"pk": article.pk}), data)

        assert response.status_code == 400
        assert NOT_READABLE in response.content.decode()
        assert Article.objects.get().lead_image.name == article.lead_image.name
        assert _files(settings.MEDIA_ROOT) == stored

    def test_bad_body_image_stores_not_even_a_good_lead_image(self, client, editor, settings):
        """A refused body image stops the whole save: the valid lead image isn't kept either."""
        section = SectionFactory()
        data = _create_data(
            section,
            lead_image=image_upload("lead.jpg"),
            lead_image_alt="The bridge",
            add_image=_upload(SVG, "chart.svg"),
            add_image_alt="A chart",
        )
        response = client.post(reverse("editors:article_create"), data)
        assert "This is an SVG file." in response.content.decode()
        assert not Article.objects.exists()
        assert _files(settings.MEDIA_ROOT) == []

    def test_a_body_image_goes_in_without_javascript_and_shows_as_a_line(
        self, client, editor, settings
    ):
        """ "Add an image" after paragraph 1 stores it there; the text box then shows it as
        its ``![alt](name)`` line, and moving that line moves the image."""
        section = SectionFactory()
        data = _create_data(
            section,
            body="The bridge reopened on Monday.\n\nTraffic was light.",
            add_image=image_upload("bridge.jpg"),
            add_image_alt="The bridge at dawn",
            add_image_caption="Open again",
            add_image_after="1",
        )
        assert client.post(reverse("editors:article_create"), data).status_code == 302
        article = Article.objects.get()
        assert [b.kind for b in article.blocks.all()] == ["paragraph", "image", "paragraph"]
        image = article.blocks.all()[1]
        assert (Path(settings.MEDIA_ROOT) / image.image.name).is_file()
        edit = reverse("editors:article_edit", kwargs={"pk": article.pk})
        shown = client.get(edit).context["body_form"]["body"].value()
        line = f"![The bridge at dawn]({image.image.name})\nCaption: Open again"
        assert shown == f"The bridge reopened on Monday.\n\n{line}\n\nTraffic was light."

        moved = _create_data(
            section,
            base_revision="1",
            body=f"{line}\n\nThe bridge reopened on Monday.\n\nTraffic was light.",
        )
        assert client.post(edit, moved).status_code == 302
        assert [b.kind for b in article.blocks.all()] == ["image", "paragraph", "paragraph"]
        assert article.blocks.all()[0].uid == image.uid

    def test_good_lead_image_is_stored(self, client, editor, settings):
        """The same post with a real image creates the draft and keeps the file."""
        section = SectionFactory()
        data = _create_data(section, lead_image=image_upload("lead.jpg"), lead_image_alt="x")
        response = client.post(reverse("editors:article_create"), data)
        assert response.status_code == 302
        article = Article.objects.get()
        assert (Path(settings.MEDIA_ROOT) / article.lead_image.name).is_file()


def _exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.5)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    return exif


class TestCleanOriginal:
    def test_jpeg_is_turned_upright_and_loses_exif_and_gps(self):
        """A phone photo with orientation 6 is stored rotated, with no EXIF or GPS left."""
        data = image_upload(
            size=(400, 200), exif=_exif_with_gps(orientation=6), comment=b"at home"
        ).read()
        assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)

        cleaned = Image.open(io.BytesIO(clean_original(data)))

        assert cleaned.format == "JPEG"
        assert cleaned.size == (200, 400)
        assert dict(cleaned.getexif()) == {}
        assert "exif" not in cleaned.info
        assert "comment" not in cleaned.info

    @pytest.mark.parametrize("image_format", ["PNG", "WEBP"])
    def test_png_and_webp_keep_their_format_and_lose_exif_and_xmp(self, image_format):
        """PNG and WebP originals stay PNG and WebP, without EXIF, XMP or text notes."""
        xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Secret Street 1</x:xmpmeta>'
        if image_format == "PNG":
            text = PngInfo()
            text.add_itxt("XML:com.adobe.xmp", xmp.decode())
            text.add_text("Comment", "Secret Street again")
            options = {"pnginfo": text}
        else:
            options = {"xmp": xmp}
        data = image_upload(
            f"x.{image_format.lower()}",
            image_format=image_format,
            size=(40, 20),
            exif=_exif_with_gps(orientation=8),
            **options,
        ).read()
        assert b"Secret Street" in data

        cleaned_data = clean_original(data)
        cleaned = Image.open(io.BytesIO(cleaned_data))

        assert cleaned.format == image_format
        assert cleaned.size == (20, 40)
        assert dict(cleaned.getexif()) == {}
        assert b"Secret Street" not in cleaned_data
        assert b"PhoneMaker" not in cleaned_data

    def test_transparency_survives(self):
        """A transparent PNG keeps its alpha channel."""
        data = image_upload(
            "x.png", image_format="PNG", mode="RGBA", size=(10, 10), color=(0, 0, 0, 0)
        ).read()
        cleaned = Image.open(io.BytesIO(clean_original(data)))
        assert cleaned.mode == "RGBA"
        assert cleaned.getpixel((5, 5))[3] == 0

    def test_animated_gif_keeps_its_frames_and_loses_comments(self):
        """An animated GIF still moves; its comment and XMP blocks are gone."""
        frames = [Image.new("RGB", (30, 20), (i * 100, 0, 0)) for i in range(3)]
        buffer = io.BytesIO()
        frames[0].save(
            buffer,
            "GIF",
            save_all=True,
            append_images=frames[1:],
            duration=80,
            loop=0,
            comment=b"shot at 12 Secret Street",
        )
        data = buffer.getvalue()
        # An XMP application block, as photo tools write it, before the trailer.
        xmp = b"!\xff\x0bXMP DataXMP" + b"\x10Secret Street 12" + b"\x00"
        data = data[:-1] + xmp + b";"
        assert Image.open(io.BytesIO(data)).n_frames == 3

        cleaned_data = clean_original(data)
        assert cleaned_data == strip_gif(data)
        cleaned = Image.open(io.BytesIO(cleaned_data))

        assert cleaned.n_frames == 3
        assert cleaned.info.get("loop") == 0
        assert b"Secret Street" not in cleaned_data
        cleaned.seek(2)
        cleaned.load()

    def test_animated_webp_keeps_its_frames_and_loses_exif(self):
        """An animated WebP still moves; its EXIF (with GPS) and XMP chunks are gone."""
        frames = [Image.new("RGB", (30, 20), (i * 80, 0, 0)) for i in range(3)]
        buffer = io.BytesIO()
        frames[0].save(
            buffer,
            "WEBP",
            save_all=True,
            append_images=frames[1:],
            duration=80,
            exif=_exif_with_gps(),
            xmp=b"<x:xmpmeta>Secret Street</x:xmpmeta>",
        )
        data = buffer.getvalue()

        cleaned_data = clean_original(data)
        assert cleaned_data == strip_webp(data)
        cleaned = Image.open(io.BytesIO(cleaned_data))

        assert cleaned.n_frames == 3
        assert dict(cleaned.getexif()) == {}
        assert b"Secret Street" not in cleaned_data
        assert b"PhoneMaker" not in cleaned_data
        cleaned.seek(2)
        cleaned.load()
