"""Renditions: made once, after commit, never upscaled; served by ``{% picture %}`` with
sizes, dimensions and alt text, at no cost in queries."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from PIL import Image

from articles import renditions, services
from articles.models import Article, Block
from tests.factories import AuthorFactory, PublishedArticleFactory, SectionFactory, image_upload

pytestmark = pytest.mark.django_db


def _orientation_6_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display": phones write this for portraits
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.5)
    return exif


def _create(*, lead=None, body_image=None, **fields) -> Article:
    blocks = [services.BlockData(kind="paragraph", text="The bridge reopened on Monday.")]
    if body_image is not None:
        blocks.append(services.BlockData(kind="image", image=body_image, image_alt="A chart"))
    if lead is not None:
        fields.update(lead_image=lead, lead_image_alt="The bridge at dawn")
    return services.article_create(
        actor=None,
        section=SectionFactory(),
        headline="Bridge reopens",
        blocks=blocks,
        authors=[AuthorFactory()],
        **fields,
    )


def _media(settings) -> Path:
    return Path(settings.MEDIA_ROOT)


def _mtimes(root: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def _widths(manifest) -> list[int]:
    return [r["width"] for r in manifest["renditions"]]


class TestMadeOnSave:
    def test_saving_an_article_makes_renditions_after_commit(
        self, settings, django_capture_on_commit_callbacks
    ):
        """Once the save commits, lead and body images have WebP and JPEG renditions."""
        with django_capture_on_commit_callbacks(execute=True):
            article = _create(
                lead=image_upload("lead.jpg", size=(1200, 800)),
                body_image=image_upload("chart.png", image_format="PNG", size=(2400, 1600)),
            )
        block = article.blocks.get(kind="image")

        lead = renditions.manifest_for(article.lead_image.name)
        chart = renditions.manifest_for(block.image.name)
        assert _widths(lead) == [480, 960, 1200]
        assert _widths(chart) == [480, 960, 1600]
        assert chart["renditions"][0]["height"] == 320
        for rendition in lead["renditions"] + chart["renditions"]:
            webp = Image.open(_media(settings) / rendition["webp"])
            jpeg = Image.open(_media(settings) / rendition["jpeg"])
            assert (webp.format, jpeg.format) == ("WEBP", "JPEG")
            assert webp.size == jpeg.size == (rendition["width"], rendition["height"])

    def test_nothing_is_made_before_commit(self, settings, django_capture_on_commit_callbacks):
        """A save that never commits makes no renditions (and the work waits for commit)."""
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            _create(lead=image_upload("lead.jpg"))
        assert callbacks
        assert not (_media(settings) / renditions.PREFIX).exists()

    def test_phone_photo_is_stored_upright_without_location(
        self, settings, django_capture_on_commit_callbacks
    ):
        """A portrait with orientation 6 and GPS is stored upright and without EXIF."""
        upload = image_upload("phone.jpg", size=(1200, 800), exif=_orientation_6_with_gps())
        with django_capture_on_commit_callbacks(execute=True):
            article = _create(lead=upload)

        stored = Image.open(_media(settings) / article.lead_image.name)
        assert stored.size == (800, 1200)
        assert dict(stored.getexif()) == {}
        assert stored.getexif().get_ifd(0x8825) == {}
        manifest = renditions.manifest_for(article.lead_image.name)
        assert (manifest["width"], manifest["height"]) == (800, 1200)
        assert manifest["renditions"][0] == {
            "width": 480,
            "height": 720,
            "webp": f"renditions/{article.lead_image.name}.480w.webp",
            "jpeg": f"renditions/{article.lead_image.name}.480w.jpg",
        }

    def test_renditions_are_made_only_once(self, settings, django_capture_on_commit_callbacks):
        """Saving the article again rewrites neither the original nor its renditions."""
        with django_capture_on_commit_callbacks(execute=True):
            article = _create(
                lead=image_upload("lead.jpg"),
                body_image=image_upload("chart.png", image_format="PNG"),
            )
        before = _mtimes(_media(settings))
        assert len(before) == 2 * (1 + 1 + 2 * 3)  # per image: original, manifest, 3 × 2

        from tests.factories import article_changes

        with django_capture_on_commit_callbacks(execute=True):
            services.article_update(
                article=article,
                actor=None,
                changes=article_changes(article, headline="Bridge reopens at last"),
                base_revision=services.latest_revision_number(article),
            )
        with django_capture_on_commit_callbacks(execute=True):
            renditions.process(article.lead_image.name)

        assert Article.objects.get().headline == "Bridge reopens at last"
        assert _mtimes(_media(settings)) == before

    def test_an_interrupted_run_is_finished(self, settings, django_capture_on_commit_callbacks):
        """With the manifest gone, the next run makes what is missing and keeps the rest."""
        with django_capture_on_commit_callbacks(execute=True):
            article = _create(lead=image_upload("lead.jpg", size=(1000, 500)))
        name = article.lead_image.name
        (_media(settings) / renditions.manifest_name(name)).unlink()
        (_media(settings) / renditions.rendition_name(name, 960, "webp")).unlink()
        kept = _media(settings) / renditions.rendition_name(name, 480, "webp")
        mtime = kept.stat().st_mtime_ns

        manifest = renditions.process(name)

        assert _widths(manifest) == [480, 960, 1000]
        assert (_media(settings) / renditions.rendition_name(name, 960, "webp")).is_file()
        assert kept.stat().st_mtime_ns == mtime

    def test_a_failure_is_logged_not_raised(self, caplog):
        """A file that cannot be processed is logged; the save that triggered it stands."""
        with caplog.at_level(logging.ERROR, logger="articles.renditions"):
            assert renditions.process_quietly("body/2025/01/gone.jpg") is None
        assert "Could not make renditions for body/2025/01/gone.jpg" in caplog.text


class TestSizes:
    @pytest.mark.parametrize(
        ("width", "expected"),
        [
            (300, [300]),
            (480, [480]),
            (700, [480, 700]),
            (960, [480, 960]),
            (1200, [480, 960, 1200]),
            (1600, [480, 960, 1600]),
            (4000, [480, 960, 1600]),
        ],
    )
    def test_widths_never_exceed_the_original(self, width, expected):
        """Renditions are never wider than the original; a small one gets its own width."""
        assert renditions.widths_for(width) == expected

    def test_small_image_is_not_upscaled(self, settings, django_capture_on_commit_callbacks):
        """A 300 px image gets a single 300 px rendition, not a blurry 480."""
        with django_capture_on_commit_callbacks(execute=True):
            article = _create(lead=image_upload("small.jpg", size=(300, 200)))
        manifest = renditions.manifest_for(article.lead_image.name)
        assert manifest["renditions"] == [
            {
                "width": 300,
                "height": 200,
                "webp": f"renditions/{article.lead_image.name}.300w.webp",
                "jpeg": f"renditions/{article.lead_image.name}.300w.jpg",
            }
        ]
        assert not list(_media(settings).rglob("*.480w.*"))

    def test_transparent_png_gets_a_white_jpeg_and_a_transparent_webp(
        self, settings, django_capture_on_commit_callbacks
    ):
        """JPEG has no transparency: a transparent chart is flattened on white, not black."""
        upload = image_upload(
            "chart.png", image_format="PNG", mode="RGBA", size=(600, 400), color=(0, 0, 0, 0)
        )
        with django_capture_on_commit_callbacks(execute=True):
            article = _create(lead=upload)
        first = renditions.manifest_for(article.lead_image.name)["renditions"][0]
        jpeg = Image.open(_media(settings) / first["jpeg"]).convert("RGB")
        webp = Image.open(_media(settings) / first["webp"])
        assert jpeg.getpixel((10, 10)) >= (250, 250, 250)
        assert webp.mode == "RGBA"
        assert webp.getpixel((10, 10))[3] == 0

    @pytest.mark.parametrize(
        ("mode", "image_format", "color"),
        [
            ("CMYK", "JPEG", (0, 255, 255, 0)),  # a print scan: red in ink
            ("I;16", "PNG", 65535),  # a 16-bit greyscale PNG: white
            ("P", "GIF", 3),
            ("L", "JPEG", 255),
        ],
    )
    def test_unusual_modes_become_rgb_renditions(
        self, settings, mode, image_format, color, django_capture_on_commit_callbacks
    ):
        """CMYK, 16-bit, palette and greyscale originals all give viewable RGB renditions."""
        upload = image_upload(
            f"odd.{image_format.lower()}",
            image_format=image_format,
            mode=mode,
            size=(600, 300),
            color=color,
        )
        with django_capture_on_commit_callbacks(execute=True):
            article = _create(lead=upload)
        first = renditions.manifest_for(article.lead_image.name)["renditions"][0]
        jpeg = Image.open(_media(settings) / first["jpeg"])
        webp = Image.open(_media(settings) / first["webp"])
        assert (jpeg.mode, webp.mode) == ("RGB", "RGB")
        if mode == "CMYK":
            red, green, blue = jpeg.getpixel((10, 10))
            assert red > 200 and green < 60 and blue < 60
        if mode == "I;16":
            assert jpeg.getpixel((10, 10)) >= (250, 250, 250)


def _render(template: str, **context) -> str:
    return Template("{% load images %}" + template).render(Context(context))


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", (120, 80), (i * 100, 0, 0)) for i in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)
    return buffer.getvalue()


class TestPictureTag:
    @pytest.fixture
    def block(self, django_capture_on_commit_callbacks) -> Block:
        with django_capture_on_commit_callbacks(execute=True):
            article = _create(body_image=image_upload("chart.jpg", size=(2000, 1000)))
        return article.blocks.get(kind="image")

    def test_picture_has_webp_source_jpeg_fallback_sizes_and_dimensions(self, block):
        """The markup offers WebP and JPEG at every width, with sizes, width, height and alt."""
        html = _render(
            '{% picture block.image block.image_alt sizes="(min-width: 48rem) 46rem, 100vw" %}',
            block=block,
        )
        base = f"/media/renditions/{block.image.name}"
        assert html == (
            '<picture><source type="image/webp" '
            f'srcset="{base}.480w.webp 480w, {base}.960w.webp 960w, {base}.1600w.webp 1600w" '
            'sizes="(min-width: 48rem) 46rem, 100vw">'
            f'<img src="{base}.960w.jpg" '
            f'srcset="{base}.480w.jpg 480w, {base}.960w.jpg 960w, {base}.1600w.jpg 1600w" '
            'sizes="(min-width: 48rem) 46rem, 100vw" width="1600" height="800" '
            'alt="A chart" loading="lazy" decoding="async"></picture>'
        )

    def test_above_the_fold_is_not_lazy(self, block):
        """With loading="" and fetchpriority="high" the image loads at once, first."""
        html = _render('{% picture img "x" loading="" fetchpriority="high" %}', img=block.image)
        assert "loading=" not in html
        assert 'fetchpriority="high"' in html

    def test_alt_text_is_escaped(self, block):
        """Alt text is text: markup in it is shown, never run."""
        html = _render("{% picture img alt %}", img=block.image, alt='"><script>x()</script>')
        assert 'alt="&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"' in html
        assert "<script>" not in html

    def test_before_renditions_exist_the_original_is_served(
        self, django_capture_on_commit_callbacks
    ):
        """Until the renditions are made the reader gets the original, still with alt."""
        with django_capture_on_commit_callbacks(execute=False):
            article = _create(lead=image_upload("lead.jpg"))
        html = _render("{% picture img alt %}", img=article.lead_image, alt="The bridge")
        assert html == (
            f'<img src="/media/{article.lead_image.name}" alt="The bridge" '
            'loading="lazy" decoding="async">'
        )

    def test_animated_gif_is_served_as_uploaded_with_its_size(
        self, django_capture_on_commit_callbacks
    ):
        """An animated GIF keeps moving: no still renditions, but width and height are set."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        with django_capture_on_commit_callbacks(execute=True):
            article = _create(lead=SimpleUploadedFile("dance.gif", _animated_gif()))
        html = _render("{% picture img alt %}", img=article.lead_image, alt="A dance")
        assert html == (
            f'<img src="/media/{article.lead_image.name}" alt="A dance" width="120" '
            'height="80" loading="lazy" decoding="async">'
        )

    def test_no_image_renders_nothing(self):
        """An article without a lead image renders no empty img."""
        assert _render("{% picture article.lead_image 'x' %}", article=Article()) == ""


class TestReaderPages:
    @pytest.fixture(autouse=True)
    def _no_page_cache(self, settings):
        # The page cache would answer the second request without rendering: these tests
        # are about what rendering costs and produces.
        settings.NEWSROOM_PAGE_CACHE = False

    def test_article_page_serves_responsive_images(
        self, client, django_capture_on_commit_callbacks
    ):
        """The story's images come as <picture> with srcset, sizes, dimensions and alt; the
        lead loads at once, body images lazily."""
        with django_capture_on_commit_callbacks(execute=True):
            article = _create(
                lead=image_upload("lead.jpg", size=(2000, 1000)),
                body_image=image_upload("chart.png", image_format="PNG", size=(1000, 800)),
            )
            services.article_publish(article=article, actor=None)

        html = client.get(article.get_absolute_url()).content.decode()

        pictures = re.findall(r"<picture>.*?</picture>", html, re.S)
        assert len(pictures) == 2
        lead, chart = pictures
        assert "480w" in lead and "960w" in lead and "1600w" in lead
        assert 'sizes="(min-width: 48rem) 46rem, 100vw"' in lead
        assert 'width="1600" height="800"' in lead
        assert 'alt="The bridge at dawn"' in lead
        assert 'fetchpriority="high"' in lead
        assert "loading=" not in lead
        assert '<source type="image/webp"' in chart
        assert "480w" in chart and "960w" in chart and "1000w" in chart
        assert 'width="1000" height="800"' in chart
        assert 'alt="A chart"' in chart
        assert 'loading="lazy"' in chart

    def test_images_add_no_queries(
        self, client, django_capture_on_commit_callbacks, django_assert_num_queries
    ):
        """A story with a lead image and image blocks costs what the same story without
        them costs (test_article_page pins that number): the tag reads only the cache."""
        plain = PublishedArticleFactory(bylines=1)
        client.get(plain.get_absolute_url())  # fills the cached navigation
        with CaptureQueriesContext(connection) as baseline:
            client.get(plain.get_absolute_url())
        # Counted now: the next request's start clears the log it reads from.
        expected = len(baseline)
        assert expected > 0

        with django_capture_on_commit_callbacks(execute=True):
            article = _create(
                lead=image_upload("lead.jpg"),
                body_image=image_upload("chart.png", image_format="PNG"),
            )
            for position in (3, 4, 5):
                Block.objects.create(
                    article=article,
                    position=position,
                    kind="image",
                    image=image_upload(f"more{position}.jpg", size=(700, 500)),
                    image_alt="More",
                )
            services.article_publish(article=article, actor=None)
        client.get(article.get_absolute_url())

        with django_assert_num_queries(expected):
            html = client.get(article.get_absolute_url()).content.decode()
        assert html.count("<picture>") == 5

    def test_home_page_lead_image_is_responsive_and_eager(
        self, client, django_capture_on_commit_callbacks
    ):
        """The front page's lead image is a <picture> that loads at once."""
        with django_capture_on_commit_callbacks(execute=True):
            article = _create(lead=image_upload("lead.jpg", size=(1600, 900)))
            services.article_publish(article=article, actor=None)
        html = client.get("/").content.decode()
        picture = re.search(r"<picture>.*?</picture>", html, re.S).group(0)
        assert "960w" in picture
        assert 'alt="The bridge at dawn"' in picture
        assert 'fetchpriority="high"' in picture
        assert 'width="1600" height="900"' in picture


class TestMakeRenditionsCommand:
    def test_makes_missing_renditions_once(self, settings):
        """Images saved before renditions existed get them; a second run changes nothing."""
        article = _create(
            lead=image_upload("lead.jpg", exif=_orientation_6_with_gps()),
            body_image=image_upload("chart.png", image_format="PNG"),
        )  # no commit in this test, so nothing was made on save
        assert not (_media(settings) / renditions.PREFIX).exists()
        out = io.StringIO()

        call_command("make_renditions", stdout=out)

        assert "Made renditions for 2 images; 0 already had them." in out.getvalue()
        manifest = json.loads(
            (_media(settings) / renditions.manifest_name(article.lead_image.name)).read_text()
        )
        assert (manifest["width"], manifest["height"]) == (800, 1200)
        assert dict(Image.open(_media(settings) / article.lead_image.name).getexif()) == {}
        before = _mtimes(_media(settings))

        out = io.StringIO()
        call_command("make_renditions", stdout=out)

        assert "Made renditions for 0 images; 2 already had them." in out.getvalue()
        assert _mtimes(_media(settings)) == before

    def test_reports_files_it_cannot_process(self, settings):
        """A missing original is reported and makes the command fail; the others are done."""
        article = _create(lead=image_upload("lead.jpg"))
        Block.objects.create(
            article=article, position=9, kind="image", image="body/2020/01/gone.jpg"
        )
        err = io.StringIO()

        with pytest.raises(CommandError, match="1 image"):
            call_command("make_renditions", stdout=io.StringIO(), stderr=err)

        assert "Could not process body/2020/01/gone.jpg" in err.getvalue()
        assert renditions.manifest_for(article.lead_image.name) is not None
