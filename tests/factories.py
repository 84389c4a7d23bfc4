"""Factories for every model. State-specific ones (``PublishedArticleFactory``) over fixtures."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from articles import body
from articles.models import (
    Article,
    Attribution,
    Author,
    Block,
    Byline,
    CorrectionNote,
    Section,
    Source,
)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class AuthorFactory(DjangoModelFactory):
    class Meta:
        model = Author

    display_name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.Sequence(lambda n: f"reporter-{n}")
    title = "Staff writer"


class ArticleFactory(DjangoModelFactory):
    """A draft with three paragraphs and one byline.

    ``paragraphs=[...]`` sets the paragraph texts; ``blocks=[(kind, text), ...]`` sets the
    body exactly; ``bylines=n`` sets how many authors.
    """

    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Council votes on budget {n}")
    slug = factory.Sequence(lambda n: f"council-votes-on-budget-{n}")
    dek = "What the vote means for residents."
    section = factory.SubFactory(SectionFactory)

    @factory.post_generation
    def blocks(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [
                ("paragraph", "The council met on Tuesday."),
                ("paragraph", "We will balance the books, the mayor said."),
                ("paragraph", "The vote is next week."),
            ]
        for position, (kind, text) in enumerate(extracted, start=1):
            Block.objects.create(
                article=self, position=position, kind=kind, text=body.from_plain(text)
            )

    @factory.post_generation
    def bylines(self, create, extracted, **kwargs):
        if not create:
            return
        for position in range(1 if extracted is None else extracted):
            Byline.objects.create(article=self, author=AuthorFactory(), position=position)


class PublishedArticleFactory(ArticleFactory):
    status = Article.Status.PUBLISHED
    first_published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))
    updated_at = factory.SelfAttribute("first_published_at")


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Source Person {n}")
    slug = factory.Sequence(lambda n: f"source-person-{n}")
    kind = Source.Kind.PERSON
    role = "Mayor"


class AttributionFactory(DjangoModelFactory):
    """Attributes paragraph 2 of the default ``ArticleFactory`` body."""

    class Meta:
        model = Attribution

    article = factory.SubFactory(PublishedArticleFactory)
    source = factory.SubFactory(SourceFactory)
    kind = Attribution.Kind.DIRECT_QUOTE
    text = "We will balance the books,"
    paragraph = 2


class CorrectionNoteFactory(DjangoModelFactory):
    """A published note on paragraph 1 of a published article."""

    class Meta:
        model = CorrectionNote

    article = factory.SubFactory(PublishedArticleFactory)
    kind = CorrectionNote.Kind.CORRECTION
    text = "An earlier version misstated the day of the meeting."
    paragraphs = factory.LazyFunction(lambda: [1])
    before = "Monday"
    after = "Tuesday"
    issued_at = factory.LazyFunction(timezone.now)
    published_at = factory.SelfAttribute("issued_at")


def article_changes(article, *, blocks=None, authors=None, tags=None, **fields):
    """An ``ArticleChanges`` that saves ``article`` as it stands, except what is given.

    ``blocks`` takes ``BlockData`` items or ``(kind, plain text)`` pairs; ``fields`` override
    the editable fields (``headline=...``, ``section=...``).
    """
    from articles.services import EDITABLE_FIELDS, ArticleChanges, BlockData

    if blocks is None:
        blocks = [
            BlockData(
                kind=b.kind,
                text=b.text,
                image=b.image.name if b.image else None,
                image_alt=b.image_alt,
                image_caption=b.image_caption,
                image_credit=b.image_credit,
            )
            for b in article.blocks.all()
        ]
    else:
        blocks = [
            b if isinstance(b, BlockData) else BlockData(kind=b[0], text=body.from_plain(b[1]))
            for b in blocks
        ]
    return ArticleChanges(
        fields={**{name: getattr(article, name) for name in EDITABLE_FIELDS}, **fields},
        blocks=blocks,
        authors=list(
            authors
            if authors is not None
            else [b.author for b in article.bylines.select_related("author")]
        ),
        tags=list(tags if tags is not None else article.tags.names()),
    )


def image_upload(
    name: str = "photo.jpg",
    *,
    image_format: str = "JPEG",
    size: tuple[int, int] = (1200, 800),
    mode: str = "RGB",
    color: str | tuple = "steelblue",
    **save_options,
):
    """A real image made in memory, as an upload (``save_options`` go to Pillow's ``save``)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=image_format, **save_options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


class ScheduledArticleFactory(ArticleFactory):
    """Scheduled to go live tomorrow: readers must not see it yet."""

    status = Article.Status.SCHEDULED
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=1))


class UnpublishedArticleFactory(PublishedArticleFactory):
    """Was published, then taken down: it answers 410 and is listed nowhere."""

    status = Article.Status.UNPUBLISHED


class BylineFactory(DjangoModelFactory):
    class Meta:
        model = Byline

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(AuthorFactory)
    position = 0
